"""The training engine under hostile arguments: non-finite values, batches larger than the data, divergence."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlp_report.models import build_mlp
from mlp_report.training import DivergedWarning, train
from mlp_report.validation import ConfigError


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(0)
    x = rng.random((10, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, 10)
    return x, y


@pytest.mark.parametrize("n", [1, 3, 10])
@pytest.mark.parametrize("batch_size", [11, 64])
def test_batch_larger_than_the_data_is_one_partial_batch_like_fit(small, n, batch_size):
    x, y = small[0][:n], small[1][:n]
    ref = build_mlp(learning_rate=0.1, seed=3)
    ref.fit(x, y, batch_size=batch_size, epochs=3, shuffle=False, verbose=0)
    ours = build_mlp(learning_rate=0.1, seed=3)
    result = train(ours, x, y, batch_size=batch_size, epochs=3, shuffle=False)
    assert result.updates == 3  # one step per epoch, as fit takes
    assert max(float(np.abs(a - b).max()) for a, b in zip(ref.get_weights(), ours.get_weights(), strict=True)) < 1e-5
    assert not result.diverged


@pytest.mark.parametrize("batch_size", [1, 2, 9, 10])
def test_every_batch_size_from_one_up_to_the_data_size(small, batch_size):
    x, y = small
    result = train(build_mlp(seed=0), x, y, batch_size=batch_size, epochs=1)
    assert result.updates == math.ceil(10 / batch_size)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_learning_rate_l2_dropout_are_refused(value):
    for name in ("learning_rate", "l2", "dropout"):
        with pytest.raises(ConfigError, match=rf"{name}={value!r} is invalid: expected a finite number"):
            build_mlp(**{name: value})


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_class_weight_is_refused(small, value):
    with pytest.raises(ConfigError, match=r"class_weight\[3\]=(nan|inf) is invalid: expected a finite number > 0"):
        train(build_mlp(seed=0), *small, epochs=1, class_weight={3: value})


def test_non_finite_images_are_refused(small):
    x, y = small[0].copy(), small[1]
    x[2, 3, 4] = np.nan
    with pytest.raises(ConfigError, match="x is invalid: it holds 1 nan or infinite values"):
        train(build_mlp(seed=0), x, y, epochs=1)
    with pytest.raises(ConfigError, match=r"eval_sets\['val'\] x is invalid"):
        train(build_mlp(seed=0), small[0], y, epochs=1, eval_sets={"val": (x, y)})


def test_divergence_is_flagged_and_warned(small):
    with pytest.warns(DivergedWarning, match=r"training diverged: the loss is (nan|inf) from epoch 1"):
        result = train(build_mlp(learning_rate=1e30, seed=0), *small, batch_size=2, epochs=2)
    assert result.diverged and result.diverged_epoch == 1
    ok = train(build_mlp(learning_rate=0.01, seed=0), *small, batch_size=2, epochs=2)
    assert not ok.diverged and ok.diverged_epoch is None


def test_divergence_is_flagged_on_a_cached_run_too(small, tmp_path, monkeypatch):
    monkeypatch.setenv("MLP_REPORT_CACHE", str(tmp_path))
    with pytest.warns(DivergedWarning):
        first = train(build_mlp(learning_rate=1e30, seed=0), *small, batch_size=2, epochs=2, cache=True)
    again = train(build_mlp(learning_rate=1e30, seed=0), *small, batch_size=2, epochs=2, cache=True)
    assert first.diverged and again.diverged and again.diverged_epoch == first.diverged_epoch == 1
