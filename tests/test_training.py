"""The compiled training loop gives model.fit's answers, deterministically, without recompiles."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_report.data import load_mnist
from mlp_report.models import build_mlp
from mlp_report.training import train
from mlp_report.validation import ConfigError


@pytest.fixture(scope="module")
def mnist(mnist_dir):
    return load_mnist()


def _weights_close(a, b, atol):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b, strict=True)) < atol


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"class_weight": {3: 2.0, 8: 0.5}},
        {"l2": 1e-3},
    ],
    ids=["plain", "class-weight", "l2"],
)
def test_same_updates_as_fit_without_shuffling(mnist, options):
    # With the data order fixed, both must take the very same SGD steps (partial batch included:
    # 1,000 = 31 x 32 + 8), so the weights agree up to float32 round-off.
    x, y = mnist.x_train[:1000], mnist.y_train[:1000]
    l2 = options.get("l2", 0.0)
    ref = build_mlp(learning_rate=0.1, l2=l2, seed=7)
    ref.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0, class_weight=options.get("class_weight"))
    ours = build_mlp(learning_rate=0.1, l2=l2, seed=7)
    train(ours, x, y, batch_size=32, epochs=2, shuffle=False, class_weight=options.get("class_weight"))
    assert _weights_close(ref.get_weights(), ours.get_weights(), atol=2e-4)


def test_mean_accuracy_agrees_with_fit_over_seeds(mnist):
    # With shuffling, fit and train see different batch orders, so single runs differ by seed noise.
    # 5 seeds of 10,000 images x 2 epochs at lr 0.1 reach about 94 % with a seed-to-seed std of about
    # 0.5 points (up to ~1 point for fit's last-batch luck), so the std of the difference of the two
    # means is at most ~0.6 points: 2 points is > 3 sigma. A wrong loss scale, learning rate, missing
    # batch or missing shuffle moves the mean by far more (lr 0.05 alone costs ~2 points here).
    x, y = mnist.x_train[:10_000], mnist.y_train[:10_000]
    xv, yv = mnist.x_val[:5000], mnist.y_val[:5000]
    fit_acc, our_acc = [], []
    for seed in range(5):
        model = build_mlp(learning_rate=0.1, seed=seed)
        model.fit(x, y, batch_size=32, epochs=2, verbose=0)
        fit_acc.append(model.evaluate(xv, yv, verbose=0)[1])
        model = build_mlp(learning_rate=0.1, seed=seed)
        result = train(model, x, y, batch_size=32, epochs=2, seed=seed, eval_sets={"val": (xv, yv)})
        our_acc.append(result.final("val_accuracy"))
    assert abs(np.mean(fit_acc) - np.mean(our_acc)) < 0.02, (fit_acc, our_acc)
    assert np.mean(our_acc) > 0.9


def test_same_seed_same_numbers_and_one_trace(mnist):
    x, y = mnist.x_train[:1000], mnist.y_train[:1000]
    runs = [
        train(build_mlp(seed=1), x, y, batch_size=32, epochs=3, seed=1, eval_sets={"val": (mnist.x_val[:500], mnist.y_val[:500])})
        for _ in range(2)
    ]
    assert runs[0].history == runs[1].history
    assert runs[0].traces == 1  # the partial batch of 8 did not retrace the epoch
    other = train(build_mlp(seed=2), x, y, batch_size=32, epochs=1, seed=2)
    assert other.history["loss"][0] != runs[0].history["loss"][0]


def test_result_contents(mnist):
    x, y = mnist.x_train[:600], mnist.y_train[:600]
    sets = {"val": (mnist.x_val[:300], mnist.y_val[:300]), "test": (mnist.x_test[:200], mnist.y_test[:200])}
    result = train(build_mlp(hidden_layers=1, seed=0), x, y, batch_size=64, epochs=2, eval_sets=sets, predict=["test"])
    assert set(result.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy", "eval_epochs"}
    assert all(len(v) == 2 for v in result.history.values()) and result.history["eval_epochs"] == [1, 2]
    assert result.updates == 2 * 10 and result.params == 784 * 100 + 100 + 100 * 10 + 10
    assert result.predictions["test"].shape == (200,) and result.confidences["test"].shape == (200,)
    assert np.all((result.confidences["test"] > 0) & (result.confidences["test"] <= 1))
    accuracy = np.mean(result.predictions["test"] == mnist.y_test[:200])
    assert accuracy == pytest.approx(result.final("test_accuracy"), abs=1e-6)
    assert result.fit_seconds > 0


def test_dropout_is_active_in_training_like_fit(mnist):
    # Dropout is random, so compare levels: dropout 0.3 raises the running training loss of the
    # first epoch by ~0.3 over no dropout, for fit and for train alike (measured 1.10 vs 1.11).
    x, y = mnist.x_train[:5000], mnist.y_train[:5000]
    plain = train(build_mlp(learning_rate=0.1, seed=0), x, y, epochs=1, seed=0)
    dropped = train(build_mlp(learning_rate=0.1, dropout=0.3, seed=0), x, y, epochs=1, seed=0)
    reference = build_mlp(learning_rate=0.1, dropout=0.3, seed=0).fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert dropped.history["loss"][0] > plain.history["loss"][0] + 0.15
    assert dropped.history["loss"][0] == pytest.approx(reference.history["loss"][0], abs=0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 0}, "batch_size=0 is invalid: expected an integer >= 1"),
        ({"epochs": -1}, "epochs=-1 is invalid"),
        ({"seed": -3}, "seed=-3 is invalid"),
        ({"predict": ["test"]}, "predict='test' is invalid"),
        ({"class_weight": {1: 0.0}}, r"class_weight\[1\]=0.0 is invalid"),
    ],
)
def test_bad_arguments(mnist, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        train(build_mlp(), mnist.x_train[:64], mnist.y_train[:64], **kwargs)


def test_momentum_is_refused(mnist):
    import keras

    model = build_mlp()
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss="sparse_categorical_crossentropy")
    with pytest.raises(ConfigError, match="plain SGD"):
        train(model, mnist.x_train[:64], mnist.y_train[:64])


def test_eval_schedules(mnist):
    from mlp_report.training import eval_epochs

    assert eval_epochs("every", 5) == [1, 2, 3, 4, 5] and eval_epochs("final", 500) == [500]
    log = eval_epochs("log", 500)
    assert log[:20] == list(range(1, 21)) and log[-1] == 500 and 40 < len(log) < 70
    assert eval_epochs("log", 7) == list(range(1, 8))
    dense = eval_epochs("dense", 500)  # every epoch of the first fifth, then log-spaced
    assert dense[:100] == list(range(1, 101)) and dense[100] > 101 and dense[-1] == 500 and 120 < len(dense) < 150
    assert eval_epochs("dense", 30) == list(range(1, 31))  # 20 dense epochs, then every one of 21-30 is on the grid
    assert eval_epochs("dense", 30)[-1] == 30 and eval_epochs("dense", 20) == list(range(1, 21))
    with pytest.raises(ConfigError, match="eval_schedule='often' is invalid"):
        eval_epochs("often", 5)
    x, y = mnist.x_train[:300], mnist.y_train[:300]
    sets = {"test": (mnist.x_test[:200], mnist.y_test[:200])}
    every = train(build_mlp(seed=0), x, y, epochs=25, seed=0, eval_sets=sets)
    final = train(build_mlp(seed=0), x, y, epochs=25, seed=0, eval_sets=sets, eval_schedule="final")
    logged = train(build_mlp(seed=0), x, y, epochs=25, seed=0, eval_sets=sets, eval_schedule="log")
    dense = train(build_mlp(seed=0), x, y, epochs=25, seed=0, eval_sets=sets, eval_schedule="dense")
    assert final.history["test_loss"] == every.history["test_loss"][-1:] and final.history["eval_epochs"] == [25]
    assert logged.history["test_loss"] == [every.history["test_loss"][e - 1] for e in logged.history["eval_epochs"]]
    assert dense.history["test_loss"] == [every.history["test_loss"][e - 1] for e in dense.history["eval_epochs"]]
    assert len(final.history["loss"]) == 25  # training metrics are still recorded every epoch
