"""Sweeps under faults: incomplete cache entries, an unwritable cache, unguarded scripts, a killed parent."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sweep_helpers
from sweep_helpers import calls

from mlp_report.sweeps import CacheError, ResultCache, _canonical, diverged, run_sweep
from mlp_report.validation import DivergedWarning

HERE = Path(__file__).parent
SRC = HERE.parent / "src"


def sweep(cache_dir, n=2, **kwargs):
    return run_sweep(sweep_helpers.configs()[:n], seeds=1, cache_dir=cache_dir, executor=None, progress="off",
                     runner=sweep_helpers.slow_runner, **kwargs)


def test_well_formed_but_incomplete_entry_is_recomputed(tmp_path, log):
    cache_dir = tmp_path / "c"
    sweep(cache_dir)
    files = sorted(cache_dir.rglob("*.json"))
    for file, drop in zip(files, ("history", "predictions"), strict=True):
        doc = json.loads(file.read_text())
        del doc["payload"][drop]  # still valid JSON with a matching checksum
        doc["sha256"] = hashlib.sha256(_canonical(doc["payload"]).encode()).hexdigest()
        file.write_text(json.dumps(doc))
    with pytest.warns(UserWarning, match=r"ignoring corrupt cache entry .* \(incomplete record, missing (history|predictions)\)"):
        frame = sweep(cache_dir)
    assert calls(log) == 4 and len(frame) == 2
    assert all(ResultCache(cache_dir).load(f.stem) is not None for f in files)


def test_cache_files_are_group_readable(tmp_path, log):
    sweep(tmp_path / "c")
    files = list((tmp_path / "c").rglob("*.json"))
    assert files and all(f.stat().st_mode & stat.S_IRGRP for f in files)


@pytest.mark.parametrize("where", ["under-a-file", "read-only"])
def test_unwritable_cache_fails_before_anything_trains(tmp_path, log, where):
    if where == "under-a-file":
        (tmp_path / "file").write_text("x")
        cache_dir = tmp_path / "file" / "cache"
    else:
        if os.geteuid() == 0:
            cache_dir = Path("/proc/self/cache-test")  # root ignores permission bits; /proc refuses files
        else:
            cache_dir = tmp_path / "ro"
            cache_dir.mkdir()
            cache_dir.chmod(0o555)
    with pytest.raises(CacheError, match=rf"results cache folder {cache_dir} is not writable \(.+\): set MLP_REPORT_CACHE") as err:
        sweep(cache_dir)
    assert err.value.__cause__ is None and err.value.__suppress_context__
    assert calls(log) == 0  # nothing trained, so nothing was lost


def test_cached_sweep_needs_no_writable_cache(tmp_path, log, monkeypatch):
    sweep(tmp_path / "c")
    monkeypatch.setattr(ResultCache, "check_writable", lambda self: pytest.fail("checked although nothing runs"))
    assert len(sweep(tmp_path / "c")) == 2 and calls(log) == 2


def test_store_failure_keeps_the_result_with_a_warning(tmp_path, log, monkeypatch):
    def full(self, key, payload):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ResultCache, "store", full)
    with pytest.warns(UserWarning, match="could not store runs in the results cache .*No space left"):
        frame = sweep(tmp_path / "c")
    assert len(frame) == 2 and calls(log) == 2


def test_diverged_runs_are_flagged(tmp_path, log, monkeypatch):
    def nan_runner(config, seed):
        record = sweep_helpers.slow_runner(config, seed)
        if config.learning_rate > 0.02:
            record["history"]["loss"] = [float("nan")]
        return record

    with pytest.warns(DivergedWarning, match=r"1 of 2 runs diverged \(training loss non-finite or above ln 10\), e.g. learning_rate=0.05 seed=0"):
        frame = run_sweep(sweep_helpers.configs()[:2], seeds=1, cache_dir=tmp_path / "c", executor=None, runner=nan_runner)
    assert frame.diverged.tolist() == [False, True]
    with pytest.warns(DivergedWarning):  # also from the cache
        again = run_sweep(sweep_helpers.configs()[:2], seeds=1, cache_dir=tmp_path / "c", executor=None, runner=nan_runner)
    assert again.diverged.tolist() == [False, True] and calls(log) == 2
    assert diverged({"loss": [1.0, float("inf")]}) and not diverged({"loss": [1.0]})


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "user_script.py"
    path.write_text(
        "import sys\n"
        "from sweep_helpers import configs, slow_runner\n"
        "from mlp_report.sweeps import local_executor, run_sweep\n" + textwrap.dedent(body)
    )
    return path


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "SWEEP_LOG": str(tmp_path / "calls.log"), "PYTHONPATH": os.pathsep.join([str(HERE), str(SRC)])}
    env.update(extra)
    return env


UNGUARDED = """
frame = run_sweep(configs(), seeds=1, cache_dir=sys.argv[1], progress="off", runner=slow_runner)
print("rows", len(frame))
"""
UNGUARDED_IN_FUNCTION = """
def main():
    frame = run_sweep(configs(), seeds=1, cache_dir=sys.argv[1], progress="off", runner=slow_runner)
    print("rows", len(frame))

main()
"""
GUARDED = """
if __name__ == "__main__":
    frame = run_sweep(configs(), seeds=1, cache_dir=sys.argv[1], progress="off", runner=slow_runner)
    print("rows", len(frame))
"""


@pytest.mark.parametrize(
    ("body", "fallback"),
    [
        (UNGUARDED, True),
        pytest.param(UNGUARDED_IN_FUNCTION, True, marks=pytest.mark.slow),
        pytest.param(GUARDED, False, marks=pytest.mark.slow),
    ],
    ids=["top-level", "function-called-at-top-level", "guarded"],
)
def test_auto_pool_never_spawned_from_an_unguarded_script(tmp_path, mnist_dir, body, fallback):
    script = _script(tmp_path, body)
    env = _env(tmp_path, MLP_REPORT_WORKERS="2", SWEEP_SLEEP="0")
    run = subprocess.run([sys.executable, str(script), str(tmp_path / "c")], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "rows 4" in run.stdout
    assert "RuntimeError" not in run.stderr and "BrokenProcessPool" not in run.stderr
    warned = [line for line in run.stderr.splitlines() if "outside an `if __name__ == \"__main__\":` block" in line]
    assert bool(warned) == fallback, run.stderr
    if fallback:
        assert "training in this process instead" in warned[0] and f"{script} starts a sweep at line" in warned[0]


def test_explicit_pool_from_an_unguarded_script_is_a_clear_error(tmp_path, mnist_dir):
    script = _script(tmp_path, "pool = local_executor(2)\n")
    run = subprocess.run([sys.executable, str(script)], env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "ConfigError: " in run.stderr and "move the script's top-level code under that guard, or pass executor=None" in run.stderr
    assert "RuntimeError" not in run.stderr


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's reaping is left


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_sigkill_of_the_parent_takes_the_pool_workers_down(tmp_path, mnist_dir):
    script = _script(tmp_path, """
    if __name__ == "__main__":
        run_sweep(configs(), seeds=1, cache_dir=sys.argv[1], executor=local_executor(2), progress="off", runner=slow_runner)
    """)
    log, children = tmp_path / "calls.log", []
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "c")], env=_env(tmp_path, SWEEP_SLEEP="120"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 180
        while time.time() < deadline and (not log.exists() or calls(log) < 2):  # both workers are training
            time.sleep(0.2)
        assert calls(log) == 2, "the workers never started"
        children = _children(proc.pid)
        assert len(children) >= 2  # two workers (and multiprocessing's resource tracker)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed = time.time()
        while time.time() - killed < 5 and any(_alive(c) for c in children):
            time.sleep(0.1)
        survivors = [c for c in children if _alive(c)]
        assert not survivors, f"processes {survivors} outlived their parent by more than 5 s"
    finally:
        if proc.poll() is None:
            proc.kill()
        for child in children:  # never leave a worker behind, even when the test fails
            if _alive(child):
                os.kill(child, signal.SIGKILL)
