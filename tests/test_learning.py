"""One rule for "this run failed to learn" (mlp_report.learning), duplicate seeds, and cache entries checked
against their schema (a bad one is recomputed with a warning naming the file)."""

from __future__ import annotations

import hashlib
import json
import math
import warnings

import numpy as np
import pytest
import sweep_helpers
from sweep_helpers import calls

from mlp_report import learning, paths, training
from mlp_report.models import build_mlp
from mlp_report.playground import presets
from mlp_report.sweeps import _canonical, run_sweep
from mlp_report.validation import ConfigError, DivergedWarning

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "losses, diverged, epoch",
    [
        ([0.5, 0.3], False, None),
        ([2.31], False, None),  # a slow learner ends just under-or-at ln 10: not diverged
        ([2.2, NAN], True, 2),
        ([INF, 0.1], True, 1),  # non-finite at any epoch
        ([1e7], True, 1),  # learning rate 10: a runaway but finite loss
        ([0.4, 3.0, 1e9], True, 2),
        ([3.0, 0.4], False, None),  # recovered: the final loss decides
        ([learning.LOSS_LIMIT], False, None),
        ([learning.LOSS_LIMIT * 1.0001], True, 1),
    ],
)
def test_the_rule(losses, diverged, epoch):
    assert learning.diverged(losses) is diverged
    assert learning.diverged_epoch(losses) == epoch
    assert abs(learning.UNTRAINED_LOSS - math.log(10)) < 1e-12
    assert "ln 10" in learning.RULE


def test_learning_rate_ten_is_flagged(mnist_dir):
    from mlp_report.data import load_mnist

    data = load_mnist()
    with pytest.warns(DivergedWarning, match="training diverged"):
        result = training.train(build_mlp(2, 100, 10.0, seed=0), data.x_train[:2000], data.y_train[:2000],
                                batch_size=8, epochs=1, seed=0)
    assert result.diverged and math.isfinite(result.history["loss"][-1]) and result.history["loss"][-1] > 1e3


def test_runaway_loss_flagged_in_the_sweep(tmp_path, log):
    def runaway(config, seed):
        record = sweep_helpers.slow_runner(config, seed)
        if config.learning_rate > 0.02:
            record["history"]["loss"] = [2.0, 1e7]
            record["history"]["val_accuracy"] = [0.1, 0.1]
        return record

    with pytest.warns(DivergedWarning, match=r"1 of 2 runs diverged \(training loss non-finite or above ln 10\)"):
        frame = run_sweep(sweep_helpers.configs()[:2], seeds=1, cache_dir=tmp_path / "c", executor=None, runner=runaway)
    assert frame.diverged.tolist() == [False, True]


def test_duplicate_seeds_are_an_error(tmp_path, log):
    with pytest.raises(ConfigError, match=r"seeds=\[0, 1, 0\] is invalid: seed 0 is repeated") as exc:
        run_sweep(sweep_helpers.configs()[:1], seeds=[0, 1, 0], cache_dir=tmp_path / "c", executor=None,
                  runner=sweep_helpers.slow_runner)
    assert calls(log) == 0 and "\n" not in str(exc.value)
    with pytest.raises(ConfigError, match=r"\.\.\.") as exc:  # a long list is quoted, not echoed whole
        run_sweep(sweep_helpers.configs()[:1], seeds=[0] * 1000, cache_dir=tmp_path / "c", executor=None,
                  runner=sweep_helpers.slow_runner)
    assert len(str(exc.value)) < 400


@pytest.mark.parametrize(
    "field, value",
    [
        ("loss", "abc"),
        ("val_accuracy", ["0.99"]),
        ("loss", [1.0, 2.0]),  # a different length from val_accuracy
        ("loss", [True]),
        ("fit_seconds", "fast"),
        ("params", 1.5),
        ("predictions", {"val": [0.5]}),
    ],
)
def test_wrongly_typed_entry_is_recomputed_naming_the_file(tmp_path, log, field, value):
    cache = tmp_path / "c"
    first = run_sweep(sweep_helpers.configs()[:1], seeds=1, cache_dir=cache, executor=None, runner=sweep_helpers.slow_runner)
    (file,) = cache.rglob("*.json")
    doc = json.loads(file.read_text())
    where = doc["payload"]["history"] if field in ("loss", "val_accuracy") else doc["payload"]
    where[field] = value
    doc["sha256"] = hashlib.sha256(_canonical(doc["payload"]).encode()).hexdigest()  # a valid checksum
    file.write_text(json.dumps(doc))
    with pytest.warns(UserWarning, match=f"ignoring corrupt cache entry {file} "):
        again = run_sweep(sweep_helpers.configs()[:1], seeds=1, cache_dir=cache, executor=None, runner=sweep_helpers.slow_runner)
    assert calls(log) == 2
    assert again.final_val_accuracy.tolist() == first.final_val_accuracy.tolist()
    assert isinstance(again.final_val_accuracy.iloc[0], float)


def _corrupt(path, **changes):
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays.update(changes)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def test_task0_run_cache_entry_checked(mnist_dir):
    x, y = np.random.default_rng(0).random((64, 784), np.float32), np.arange(64) % 10

    def run():
        return training.train(build_mlp(1, 8, 0.01, seed=0), x, y, batch_size=16, epochs=2, seed=0, cache=True)

    first = run()
    (path,) = [p for p in (paths.cache_dir() / "train").rglob("*.npz") if np.load(p)["w0"].shape == (784, 8)
               and json.loads(str(np.load(p)["history"]))["loss"] == first.history["loss"]]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        assert run().history == first.history  # a valid entry is used silently
    for change in ({"w0": np.zeros((3, 3), np.float32)}, {"history": np.array('{"loss": "abc"}')}):
        _corrupt(path, **change)
        with pytest.warns(UserWarning, match=f"ignoring corrupt cache entry {path} "):
            again = run()
        assert again.history == first.history


def test_playground_cache_entry_checked():
    first = presets.seeded_run(presets.PRESETS["xor"], 0, epochs=2)[1]
    (path,) = [p for p in (paths.cache_dir() / "playground").rglob("*.npz")
               if np.array_equal(np.load(p)["train_loss"], first.train_loss)]
    _corrupt(path, train_loss=np.array(["abc"]))
    with pytest.warns(UserWarning, match=f"ignoring corrupt cache entry {path} "):
        again = presets.seeded_run(presets.PRESETS["xor"], 0, epochs=2)[1]
    np.testing.assert_array_equal(again.train_loss, first.train_loss)
