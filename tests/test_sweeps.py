"""Sweeps: the results cache (atomic, resumable, corruption-proof), executors and validation."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sweep_helpers
from sweep_helpers import calls

from mlp_report.sweeps import ResultCache, RunConfig, cache_key, local_executor, run_sweep
from mlp_report.validation import ConfigError

HERE = Path(__file__).parent


def test_tidy_frame_and_cache_hits(tmp_path, log):
    frame = run_sweep(sweep_helpers.configs(), seeds=[0, 1], cache_dir=tmp_path / "c", executor=None, runner=sweep_helpers.slow_runner)
    assert len(frame) == 8 and calls(log) == 8
    assert {"batch_size", "learning_rate", "seed", "final_loss", "final_val_accuracy", "history", "fit_seconds", "params"} <= set(frame.columns)
    assert frame.loc[(frame.learning_rate == 0.1) & (frame.seed == 1), "final_val_accuracy"].item() == pytest.approx(0.11)
    again = run_sweep(sweep_helpers.configs(), seeds=2, cache_dir=tmp_path / "c", executor=None, runner=sweep_helpers.slow_runner)
    assert calls(log) == 8  # everything came from the cache
    columns = ["learning_rate", "seed", "final_loss", "final_val_accuracy", "params"]
    assert again[columns].equals(frame[columns]) and again.history.tolist() == frame.history.tolist()
    run_sweep(sweep_helpers.configs(), seeds=3, cache_dir=tmp_path / "c", executor=None, runner=sweep_helpers.slow_runner)
    assert calls(log) == 12  # only the new seed ran


def test_cache_key_covers_config_seed_data_and_engine(monkeypatch):
    base = cache_key(RunConfig(), 0, "data")
    assert base == cache_key(RunConfig(), 0, "data")
    assert len({base, cache_key(RunConfig(batch_size=8), 0, "data"), cache_key(RunConfig(), 1, "data"), cache_key(RunConfig(), 0, "other")}) == 4
    import mlp_report.engine as engine

    monkeypatch.setattr(engine, "ENGINE_VERSION", "999")
    assert cache_key(RunConfig(), 0, "data") != base


def test_cache_key_needs_no_tensorflow():
    # a sweep whose runs come from the cache, or train in pool workers, never starts TensorFlow in the parent
    code = ("import sys; from mlp_report.sweeps import RunConfig, cache_key; cache_key(RunConfig(), 0, 'data'); "
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_corrupt_and_half_written_entries_are_recomputed(tmp_path, log):
    cache_dir = tmp_path / "c"
    run_sweep(sweep_helpers.configs()[:2], seeds=1, cache_dir=cache_dir, executor=None, runner=sweep_helpers.slow_runner)
    files = sorted(cache_dir.rglob("*.json"))
    assert len(files) == 2 and not list(cache_dir.rglob("*.tmp"))
    files[0].write_text(files[0].read_text()[:40])  # truncated
    doc = json.loads(files[1].read_text())
    doc["payload"]["history"]["loss"] = [123.0]  # altered without its checksum
    files[1].write_text(json.dumps(doc))
    (files[0].parent / f".{files[0].stem}.abc.tmp").write_text('{"half": ')  # a leftover temp file
    with pytest.warns(UserWarning, match="ignoring corrupt cache entry"):
        frame = run_sweep(sweep_helpers.configs()[:2], seeds=1, cache_dir=cache_dir, executor=None, runner=sweep_helpers.slow_runner)
    assert calls(log) == 4 and 123.0 not in frame.final_loss.tolist()
    assert all(ResultCache(cache_dir).load(f.stem) is not None for f in files)


def test_killed_sweep_resumes_without_losing_finished_runs(tmp_path, mnist_dir):
    cache_dir, log = tmp_path / "c", tmp_path / "calls.log"
    env = {**os.environ, "SWEEP_LOG": str(log), "SWEEP_SLEEP": "0.4", "PYTHONPATH": str(HERE)}
    cmd = [sys.executable, str(HERE / "sweep_helpers.py"), str(cache_dir)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and len(list(cache_dir.rglob("*.json"))) < 3:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # mid-sweep, no cleanup
    proc.wait()
    finished = len(list(cache_dir.rglob("*.json")))
    assert 3 <= finished < 8, "the kill came too late to test anything"
    first_calls = len(log.read_text().splitlines())
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "8"
    second_calls = len(log.read_text().splitlines()) - first_calls
    assert second_calls == 8 - finished  # no finished run was recomputed, every missing one was
    assert len(list(cache_dir.rglob("*.json"))) == 8


def test_real_runs_inline_process_pool_and_dask_agree(tmp_path, mnist_dir):
    configs = [RunConfig(train_size=600, epochs=1, eval_size=300, batch_size=b, learning_rate=0.2) for b in (16, 64)]
    inline = run_sweep(configs, seeds=1, cache_dir=tmp_path / "a", executor=None)
    assert inline.final_val_accuracy.between(0.5, 1.0).all()
    assert inline.updates.tolist() == [38, 10] and inline.params.tolist() == [89_610, 89_610]
    with local_executor(2) as pool:
        pooled = run_sweep(configs, seeds=1, cache_dir=tmp_path / "b", executor=pool)
    assert pooled.final_val_accuracy.tolist() == pytest.approx(inline.final_val_accuracy.tolist(), abs=2e-3)

    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        remote = run_sweep(configs[:1], seeds=1, cache_dir=tmp_path / "d", executor=client.get_executor())
    assert remote.final_val_accuracy.item() == pytest.approx(inline.final_val_accuracy.iloc[0], abs=2e-3)


def test_pool_workers_import_tensorflow_only_for_runs_that_need_it():
    with local_executor(2) as pool:
        states = [f.result() for f in [pool.submit(sweep_helpers.worker_state, None, seed) for seed in range(2)]]
    cores = os.cpu_count() or 1
    assert states == [{"tensorflow": False, "threads": [str(max(1, cores // 2))] * 2}] * 2


def _never(config, seed):
    raise AssertionError("training started before validation finished")


@pytest.mark.parametrize(
    ("configs", "seeds", "message"),
    [
        ([{"batchsize": 32}], 1, "config has an unknown key 'batchsize'"),
        ([{"batch_size": 0}], 1, "batch_size=0 is invalid: expected an integer >= 1"),
        ([{"batch_size": 32}, {"batch_size": -4}], 1, "batch_size=-4 is invalid"),
        ([{"learning_rate": 0.0}], 1, "learning_rate=0.0 is invalid: expected a number > 0"),
        ([{"learning_rate": -0.1}], 1, "learning_rate=-0.1 is invalid"),
        ([{"train_size": 50_001}], 1, "train_size=50001 is invalid: expected an integer >= 1 and <= 50000"),
        ([{}], 0, "seeds=0 is invalid"),
        ([{}], [], "seeds=\\[\\] is invalid"),
        ([], 1, "configs=\\[\\] is invalid"),
        ([{"eval_sets": ["dev"]}], 1, "eval_sets='dev' is invalid"),
    ],
)
def test_bad_sweeps_fail_before_training(configs, seeds, message, tmp_path):
    with pytest.raises(ConfigError, match=message):
        run_sweep(configs, seeds, cache_dir=tmp_path, executor=None, runner=_never)


def test_progress_bar_in_a_terminal_and_silent_in_book_builds(tmp_path, log, monkeypatch, capsys):
    from mlp_report import sweeps

    monkeypatch.delenv("MLP_REPORT_BATCH", raising=False)
    run_sweep(sweep_helpers.configs()[:2], seeds=1, cache_dir=tmp_path / "a", executor=None, progress="terminal",
              runner=sweep_helpers.slow_runner)
    err = capsys.readouterr().err
    assert "2/2" in err and "learning_rate=0.05 seed=0" in err  # runs done/total and the current config
    monkeypatch.setenv("MLP_REPORT_BATCH", "1")
    assert sweeps._progress_mode() == "off"
    run_sweep(sweep_helpers.configs()[:2], seeds=1, cache_dir=tmp_path / "b", executor=None, runner=sweep_helpers.slow_runner)
    assert capsys.readouterr().err == ""


def test_auto_workers(monkeypatch):
    from mlp_report.sweeps import auto_workers

    monkeypatch.setenv("MLP_REPORT_WORKERS", "3")
    assert auto_workers() == 3
    monkeypatch.setenv("MLP_REPORT_WORKERS", "many")
    with pytest.raises(ConfigError, match="MLP_REPORT_WORKERS='many' is invalid"):
        auto_workers()
    monkeypatch.delenv("MLP_REPORT_WORKERS")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    large = [RunConfig(batch_size=32, learning_rate=lr) for lr in (0.01, 0.1, 0.2, 0.4, 0.8)]
    small = [RunConfig(batch_size=b) for b in (1, 2, 4, 8)]
    assert auto_workers(large) == 1  # measured: no faster on 2 cores at batch 32
    assert auto_workers(small) == 2  # measured: ~1.9x for latency-bound small batches
    assert auto_workers(small[:3] + large) == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert auto_workers(large) == 8
