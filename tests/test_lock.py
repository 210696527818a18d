"""One build per checkout: a second ``python -m mlp_report.build.book`` stops at once naming the first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlp_report.build.lock import BuildLockedError, hold_build_lock, lock_path, release_build_lock
from mlp_report.paths import stage_dir

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

SLOW_CHAPTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Slow

```{code-cell} ipython3
:tags: [parameters]

profile = "full"
```

```{code-cell} ipython3
import time

time.sleep(12)
print("slept", profile)
```
"""


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "MLP_REPORT_ROOT": str(root), "PYTHONPATH": str(SRC)}


def _holder(root: Path) -> subprocess.Popen:
    code = "import sys, time; from mlp_report.build.lock import hold_build_lock; hold_build_lock(sys.argv[1]); print('locked', flush=True); time.sleep(120)"
    proc = subprocess.Popen([sys.executable, "-c", code, str(root)], env=_env(root), stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_build_stops_at_once_naming_the_first(tmp_path):
    holder = _holder(tmp_path)
    try:
        start = time.time()
        run = subprocess.run(
            [sys.executable, "-m", "mlp_report.build.book", "--profile", "quick", "--no-build"],
            env=_env(tmp_path), capture_output=True, text=True, timeout=120,
        )
        assert time.time() - start < 60
        assert run.returncode == 1
        assert f"error: another build is running in this checkout (pid {holder.pid}, started " in run.stderr
        assert f"`kill {holder.pid}`" in run.stderr and "Traceback" not in run.stderr
        assert not stage_dir(tmp_path, "quick").exists()  # it staged nothing
        with pytest.raises(BuildLockedError, match=f"pid {holder.pid}"):
            hold_build_lock(tmp_path)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # the lock died with its holder, even killed with SIGKILL: never stale
    assert hold_build_lock(tmp_path) == lock_path(tmp_path)
    assert hold_build_lock(tmp_path) == lock_path(tmp_path)  # re-entrant in one process
    assert f"pid {os.getpid()}" in lock_path(tmp_path).read_text()
    release_build_lock(tmp_path)
    assert lock_path(tmp_path).read_text() == ""


@pytest.mark.slow
def test_two_real_builds_in_one_checkout(tmp_path):
    root = tmp_path / "checkout"
    (root / "chapters").mkdir(parents=True)
    (root / "chapters" / "slow.md").write_text(SLOW_CHAPTER)
    (root / "intro.md").write_text("# Intro\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/slow\n")
    (root / "_config.yml").write_text("title: t\n")
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    command = [sys.executable, "-m", "mlp_report.build.book", "--profile", "quick", "--no-build"]
    first = subprocess.Popen(command, env=_env(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        staged = stage_dir(root, "quick") / "chapters" / "slow.ipynb"
        lock = lock_path(root)
        deadline = time.time() + 120
        while time.time() < deadline and not (lock.exists() and f"pid {first.pid}," in lock.read_text()):
            time.sleep(0.2)
        assert f"pid {first.pid}," in lock.read_text(), "the first build never took the lock"
        assert first.poll() is None, "the first build ended before the second started"
        second = subprocess.run(command, env=_env(root), capture_output=True, text=True, timeout=120)
        assert second.returncode == 1 and f"another build is running in this checkout (pid {first.pid}," in second.stderr
        out, err = first.communicate(timeout=300)
        assert first.returncode == 0, err
        assert "slept quick" in staged.read_text()  # the first build's notebook, untouched by the second
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


KERNEL_CHAPTER = SLOW_CHAPTER.replace(
    "import time\n\ntime.sleep(12)",
    'import os, pathlib, time\n\npathlib.Path(os.environ["MLP_REPORT_ROOT"], "kernel.pid").write_text(str(os.getpid()))\ntime.sleep(300)',
)


def _checkout(root: Path) -> Path:
    (root / "chapters").mkdir(parents=True)
    (root / "chapters" / "slow.md").write_text(KERNEL_CHAPTER)
    (root / "intro.md").write_text("# Intro\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/slow\n")
    (root / "_config.yml").write_text(
        "title: t\nexecute:\n  execute_notebooks: 'off'\nsphinx:\n  extra_extensions:\n    - mlp_report.build.sphinx_ext\n"
    )
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    return root


def _running(pids: list[int]) -> str:
    """What `ps` lists of these pids (zombies do not count: they run nothing)."""
    out = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-p", ",".join(map(str, pids))], capture_output=True, text=True)
    return "\n".join(line for line in out.stdout.splitlines() if line.split()[1][0] != "Z")


def _wait_for_kernel(root: Path, proc: subprocess.Popen) -> int:
    pidfile = root / "kernel.pid"
    deadline = time.time() + 240
    while time.time() < deadline and not pidfile.is_file() and proc.poll() is None:
        time.sleep(0.3)
    assert pidfile.is_file(), f"the chapter's kernel never started: {proc.communicate()}"
    return int(pidfile.read_text())


@pytest.mark.slow
@pytest.mark.parametrize(
    "command, sig",
    [
        (["-m", "mlp_report.build.book", "--profile", "quick"], signal.SIGTERM),  # book -> jupyter-book -> kernel
        (["-m", "mlp_report.build.book", "--profile", "quick", "--no-build"], signal.SIGHUP),  # book -> kernel
        ([str(Path(sys.executable).with_name("jupyter-book")), "build", "."], signal.SIGTERM),  # as a user types it
    ],
    ids=["book-SIGTERM", "no-build-SIGHUP", "jupyter-book-SIGTERM"],
)
def test_a_stopped_build_leaves_nothing_running(tmp_path, command, sig):
    import psutil

    root = _checkout(tmp_path / "checkout")
    argv = command if not command[0].startswith("-") else [sys.executable, *command]
    proc = subprocess.Popen(argv, cwd=root, env=_env(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        kernel = _wait_for_kernel(root, proc)
        tree = [proc.pid, *(p.pid for p in psutil.Process(proc.pid).children(recursive=True))]
        assert kernel in tree
        assert f"pid {tree[-2] if 'jupyter-book' in argv[0] else proc.pid}," in lock_path(root).read_text()
        # while it runs, a plain `jupyter-book build .` in the same checkout stops at once naming it
        if "--no-build" in argv:
            other = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", "."], cwd=root,
                                   env=_env(root), capture_output=True, text=True, timeout=240)
            assert other.returncode != 0 and f"another build is running in this checkout (pid {proc.pid}," in other.stdout + other.stderr
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert _running(tree) == "", f"still running after {sig.name}:\n{_running(tree)}"
    assert hold_build_lock(root) == lock_path(root)  # the lock is free once all of them ended
    release_build_lock(root)
