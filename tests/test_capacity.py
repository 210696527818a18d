"""Task 3 logic: the parameter calculation against Keras, the formula, learning-curve analysis on
synthetic histories, early stopping against Keras' own callback, remedy and more-data tables, bad input."""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import pytest

from mlp_report import capacity
from mlp_report.models import build_mlp
from mlp_report.sweeps import RunConfig
from mlp_report.validation import ConfigError

# --------------------------------------------------------------------------------------------------
# Parameter count
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("hidden", "units"), [(0, 100), (1, 10), (2, 100), (3, 100), (4, 37), (8, 16)])
def test_table_and_formula_equal_keras_count_params(hidden, units):
    model = build_mlp(hidden, units)
    table = capacity.parameter_table(model)
    assert len(table) == hidden + 1
    assert int(table["parameters"].sum()) == model.count_params()
    assert capacity.count_parameters(hidden, units) == model.count_params()
    assert (table["parameters"] == table["inputs"] * table["units"] + table["units"]).all()
    assert int(table["biases"].sum()) == capacity.count_biases(hidden, units)
    assert capacity.formula_calculation(hidden, units).endswith(f"= {model.count_params():,}")


def test_regularized_model_has_the_same_count():
    plain, regular = build_mlp(2, 100), build_mlp(2, 100, l2=1e-3, dropout=0.3)
    assert capacity.parameter_table(regular)["parameters"].sum() == plain.count_params()


def test_the_assignments_network_by_hand():
    table = capacity.parameter_table(build_mlp(2, 100))
    assert list(table["calculation"]) == [
        "784 × 100 + 100 = 78,500",
        "100 × 100 + 100 = 10,100",
        "100 × 10 + 10 = 1,010",
    ]
    assert capacity.count_parameters(2, 100) == 78_500 + 10_100 + 1_010 == 89_610
    # the original submission's 99,710 is the three-hidden-layer count, with 310 biases (not 1,000)
    assert capacity.count_parameters(3, 100) == 99_710
    assert capacity.count_biases(3, 100) == 310 and capacity.count_biases(2, 100) == 210
    assert capacity.formula_calculation(2, 100) == (
        "(784·100 + 100) + 1·(100·100 + 100) + (10·100 + 10) = 78,500 + 10,100 + 1,010 = 89,610"
    )


def test_display_has_a_label_column_and_a_total_row():
    shown = capacity.parameter_display(capacity.parameter_table(build_mlp(2, 100)))
    assert shown.columns[0] == "layer"
    assert list(shown["layer"]) == ["hidden_1", "hidden_2", "output", "total"]
    assert shown.iloc[-1]["parameters"] == "89,610" and shown.iloc[-1]["biases"] == "210"


def test_table_refuses_models_it_cannot_fully_count():
    with_norm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.BatchNormalization()])
    with pytest.raises(ValueError, match="counts Dense layers only"):
        capacity.parameter_table(with_norm)
    with pytest.raises(ValueError, match="has no Dense layer"):
        capacity.parameter_table(keras.Sequential([keras.Input((4,)), keras.layers.Flatten()]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hidden_layers": -1, "units": 100}, "hidden_layers=-1 is invalid: expected an integer >= 0"),
        ({"hidden_layers": 2, "units": 0}, "units=0 is invalid: expected an integer >= 1"),
        ({"hidden_layers": 2.0, "units": 100}, "hidden_layers=2.0 is invalid"),
    ],
)
def test_formula_rejects_bad_input(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        capacity.count_parameters(**kwargs)


# --------------------------------------------------------------------------------------------------
# Learning curves
# --------------------------------------------------------------------------------------------------


def synthetic_history(epochs: int = 100, best: int = 30, seed: int = 0, rise: float = 0.5) -> dict[str, list[float]]:
    """Training loss falling all the way, test loss U-shaped with its minimum at epoch ``best``."""
    rng = np.random.default_rng(seed)
    e = np.arange(1, epochs + 1)
    train_loss = 2.0 * np.exp(-e / 10) + 1e-3
    test_loss = 0.4 + rise * ((e - best) / epochs) ** 2 + rng.normal(0, 1e-6, epochs)
    train_acc = np.minimum(1.0, 0.5 + e / 50)
    test_acc = np.minimum(0.85, 0.5 + e / 80)
    val_loss = test_loss + 0.01
    return {
        "loss": list(train_loss), "accuracy": list(train_acc),
        "train_loss": list(train_loss), "train_accuracy": list(train_acc),
        "val_loss": list(val_loss), "val_accuracy": list(test_acc),
        "test_loss": list(test_loss), "test_accuracy": list(test_acc),
    }  # fmt: skip


def test_curve_summary_finds_the_minimum_and_the_gap():
    runs = [synthetic_history(seed=s) for s in range(3)]
    summary = capacity.curve_summary(runs)
    assert summary.epochs == 100 and summary.seeds == 3
    assert summary.best_test_epoch == 30
    assert summary.seed_best_epochs == (30, 30, 30)
    assert summary.test_loss_rises and summary.train_loss_keeps_falling and summary.overfits
    assert summary.final_train_accuracy == pytest.approx(1.0)
    assert summary.final_test_accuracy == pytest.approx(0.85)
    assert summary.accuracy_gap == pytest.approx(0.15)
    assert summary.test_loss_rise == pytest.approx(0.5 * 0.7**2, abs=1e-3)
    assert summary.loss_gap == pytest.approx(summary.final_test_loss - summary.final_train_loss)
    assert summary.best_test_accuracy_epoch == 28  # first epoch at the 0.85 ceiling


def test_curve_summary_without_overfitting():
    h = synthetic_history(best=100)  # test loss still falling at the end
    summary = capacity.curve_summary([h])
    assert summary.best_test_epoch == 100
    assert not summary.test_loss_rises and not summary.overfits
    # a rise below the tolerance does not count
    flat = synthetic_history(best=99, rise=0.001)
    assert not capacity.curve_summary([flat], tolerance=0.01).test_loss_rises
    assert capacity.curve_summary([flat], tolerance=0.0).test_loss_rises


def test_curve_summary_accepts_a_sweep_frame():
    frame = pd.DataFrame({"seed": [0, 1], "history": [synthetic_history(seed=0), synthetic_history(seed=1)]})
    assert capacity.curve_summary(frame).seeds == 2
    assert capacity.curve(frame, "test_loss").shape == (2, 100)


@pytest.mark.parametrize(
    ("runs", "message"),
    [
        ([], "runs is empty"),
        ([{"test_loss": [1.0]}], "history key 'train_loss' is missing from run 0"),
        ([synthetic_history(epochs=10), synthetic_history(epochs=12)], "same non-zero number of epochs"),
        ([synthetic_history() | {"test_loss": [float("nan")] * 100}], "NaN or infinite"),
        ([[1, 2, 3]], r"runs\[0\]=list is invalid"),
        (pd.DataFrame({"seed": [0]}), "runs has no 'history' column"),
    ],
)
def test_curve_summary_rejects_bad_runs(runs, message):
    with pytest.raises(ConfigError, match=message):
        capacity.curve_summary(runs)


# --------------------------------------------------------------------------------------------------
# Early stopping
# --------------------------------------------------------------------------------------------------


def keras_early_stopping(values, patience, monitor="val_loss"):
    """Drive Keras' EarlyStopping callback by hand over a recorded curve: (best epoch, last epoch), 1-based."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    callback = keras.callbacks.EarlyStopping(monitor=monitor, patience=patience, restore_best_weights=True)
    model.stop_training = False  # fit() sets this before the callbacks run
    callback.set_model(model)
    callback.on_train_begin()
    last = len(values)
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {monitor: value})
        if model.stop_training:
            last = epoch + 1
            break
    return callback.best_epoch + 1, last


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("patience", [1, 3, 10])
def test_early_stopping_replays_keras_callback(seed, patience):
    rng = np.random.default_rng(seed)
    values = list(0.5 + 0.3 * ((np.arange(60) - 20) / 60) ** 2 + rng.normal(0, 0.01, 60))
    stop = capacity.early_stopping({"val_loss": values}, patience=patience)
    assert (stop.best_epoch, stop.stop_epoch) == keras_early_stopping(values, patience)


def test_early_stopping_without_patience_and_on_accuracy():
    assert capacity.early_stopping({"val_loss": [3, 2, 1, 2, 0.5, 4]}) == capacity.EarlyStop(5, 6)
    assert capacity.early_stopping({"val_loss": [3, 2, 1, 2, 0.5, 4]}, patience=1) == capacity.EarlyStop(3, 4)
    assert capacity.early_stopping({"val_accuracy": [0.1, 0.5, 0.4, 0.3]}, monitor="val_accuracy") == capacity.EarlyStop(2, 4)
    assert capacity.early_stopping({"val_loss": [1.0, 0.99, 0.98]}, min_delta=0.05) == capacity.EarlyStop(1, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"monitor": "val_los"}, "monitor='val_los' is invalid: expected one of the history keys"),
        ({"patience": 0}, "patience=0 is invalid: expected an integer >= 1"),
        ({"min_delta": -1.0}, "min_delta=-1.0 is invalid"),
    ],
)
def test_early_stopping_rejects_bad_input(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        capacity.early_stopping({"val_loss": [1.0, 0.5]}, **kwargs)
    with pytest.raises(ConfigError, match="non-empty list of finite numbers"):
        capacity.early_stopping({"val_loss": []})


def test_early_stopping_on_an_evaluation_grid():
    values = [3.0, 2.0, 1.0, 2.0, 2.5, 2.6, 0.1, 0.05]
    every = {"val_loss": values, "eval_epochs": list(range(1, 9))}
    # evaluated after every epoch through 6, then at epochs 10 and 40: the replay is exact where it stops
    grid = {"val_loss": values, "eval_epochs": [1, 2, 3, 4, 5, 6, 10, 40]}
    assert capacity.every_epoch_until(grid["eval_epochs"]) == 6 and capacity.every_epoch_until([1, 2]) == 2
    assert capacity.every_epoch_until([2, 3]) == 0
    assert capacity.early_stopping(grid, patience=2) == capacity.early_stopping(every, patience=2) == capacity.EarlyStop(3, 5)
    assert capacity.early_stopping(grid) == capacity.EarlyStop(40, 40)  # no patience: best over the grid
    with pytest.raises(ConfigError, match="did not stop by epoch 6, the last epoch after which 'val_loss' was evaluated every epoch"):
        capacity.early_stopping(grid, patience=5)
    with pytest.raises(ConfigError, match="'eval_epochs' lists 2 epochs for 8 values"):
        capacity.early_stopping({"val_loss": values, "eval_epochs": [1, 2]}, patience=2)


def test_curve_summary_on_an_evaluation_grid():
    grid = [1, 2, 3, 10, 100]
    run = {
        "train_loss": [2.0, 1.0, 0.5, 0.1, 0.01], "test_loss": [2.0, 1.2, 0.9, 1.0, 1.5],
        "train_accuracy": [0.5, 0.7, 0.8, 0.95, 1.0], "test_accuracy": [0.5, 0.6, 0.7, 0.72, 0.71],
        "eval_epochs": grid,
    }
    summary = capacity.curve_summary([run, run])
    assert (summary.epochs, summary.best_test_epoch, summary.best_test_accuracy_epoch) == (100, 3, 10)
    assert summary.seed_best_epochs == (3, 3) and summary.every_epoch_until == 3 and summary.overfits


def test_early_stopping_metrics_take_the_restored_epoch():
    h = synthetic_history(best=30)
    frame = pd.DataFrame({"seed": [0], "params": [10], "history": [h]})
    early = capacity.early_stopping_metrics(frame, patience=5)
    best = int(np.argmin(h["val_loss"]))
    assert early.loc[0, "best_epoch"] == best + 1 and early.loc[0, "epochs"] == best + 1 + 5
    assert early.loc[0, "test_accuracy"] == h["test_accuracy"][best]
    final = capacity.final_metrics(frame)
    assert final.loc[0, "epochs"] == 100 and final.loc[0, "test_loss"] == h["test_loss"][-1]
    with pytest.raises(ConfigError, match="history lacks test_accuracy"):
        capacity.final_metrics(pd.DataFrame({"seed": [0], "params": [1], "history": [{"loss": [1.0], "train_accuracy": [1],
                                                                                         "train_loss": [1], "test_loss": [1]}]}))


# --------------------------------------------------------------------------------------------------
# Remedies and more data
# --------------------------------------------------------------------------------------------------


def per_seed(accuracies, params=100, epochs=500, train=1.0):
    return pd.DataFrame(
        {"params": params, "epochs": epochs, "train_accuracy": train, "test_accuracy": accuracies,
         "train_loss": 0.01, "test_loss": 0.5}  # fmt: skip
    )


def test_remedy_table_and_verdicts():
    table = capacity.remedy_table(
        {
            "none": per_seed([0.80, 0.81, 0.82]),
            "better": per_seed([0.85, 0.86, 0.87]),
            "noise": per_seed([0.805, 0.815, 0.825]),
            "worse": per_seed([0.70, 0.71, 0.72], params=10),
        }
    )
    assert list(table.index) == ["none", "better", "noise", "worse"]
    assert table.loc["better", "change"] == pytest.approx(0.05)
    assert table.loc["none", "test_accuracy_sd"] == pytest.approx(0.01)
    assert table.loc["worse", "gap"] == pytest.approx(0.29) and table.loc["worse", "parameters"] == 10
    assert capacity.remedy_verdicts(table) == {"better": "higher", "noise": "within the noise", "worse": "lower"}
    shown = capacity.remedy_display(table)
    assert shown.columns[0] == "remedy" and shown.loc[1, "change"] == "+5.00 points"
    with pytest.raises(ConfigError, match="remedies is empty"):
        capacity.remedy_table({})
    with pytest.raises(ConfigError, match="lacks the column"):
        capacity.remedy_table({"none": per_seed([0.8]).drop(columns="test_loss")})


def test_verdicts_with_one_seed_use_the_sign():
    table = capacity.remedy_table({"none": per_seed([0.80]), "a": per_seed([0.801]), "b": per_seed([0.80])})
    assert capacity.remedy_verdicts(table) == {"a": "higher", "b": "within the noise"}


def test_budget_epochs():
    assert capacity.budget_epochs(1_000, 32, 16_000) == 500
    assert capacity.budget_epochs(2_000, 32, 16_000) == 254  # 63 updates per epoch
    assert capacity.budget_epochs(50_000, 32, 16_000) == 10
    assert capacity.budget_epochs(50_000, 1, 10) == 1  # at least one epoch
    with pytest.raises(ConfigError, match="train_size=60000 is invalid: expected an integer >= 1 and <= 50000"):
        capacity.budget_epochs(60_000, 32, 16_000)


def sweep_rows(sizes=(1_000, 5_000), seeds=(0, 1)):
    rows = []
    for n in sizes:
        for s in seeds:
            rows.append({"train_size": n, "epochs": 5_000_000 // n, "updates": 1000, "seed": s,
                         "final_train_accuracy": 1.0, "final_test_accuracy": 0.8 + n / 100_000 + s / 100,
                         "final_test_loss": 0.5})  # fmt: skip
    return pd.DataFrame(rows)


def test_more_data_table():
    table = capacity.more_data_table(sweep_rows())
    assert list(table.index) == [1_000, 5_000]
    assert table.loc[5_000, "test_accuracy"] == pytest.approx(0.855)
    assert table.loc[1_000, "gap"] == pytest.approx(1.0 - 0.815)
    assert table.loc[1_000, "epochs"] == 5_000
    shown = capacity.more_data_display(table)
    assert list(shown["training images"]) == ["1,000", "5,000"]
    with pytest.raises(ConfigError, match="lacks the column"):
        capacity.more_data_table(sweep_rows().drop(columns="updates"))


def test_runs_of_selects_one_config():
    a, b = RunConfig(train_size=1_000), RunConfig(train_size=1_000, l2=1e-3)
    frame = pd.DataFrame([{**c.as_dict(), "seed": s} for c in (a, b) for s in (1, 0)])
    picked = capacity.runs_of(frame, b)
    assert list(picked["seed"]) == [0, 1] and (picked["l2"] == 1e-3).all()
    with pytest.raises(ConfigError, match="runs has no row for config"):
        capacity.runs_of(frame, RunConfig(train_size=2_000))




def test_parameter_facts_and_the_chapters_configs():
    facts = capacity.parameter_facts(capacity.parameter_table(build_mlp(2, 100)), 2, 100)
    assert (facts["params"], facts["weights"], facts["biases"]) == (89_610, 89_400, 210)
    assert (facts["params_three"], facts["extra_layer"], facts["biases_three"]) == (99_710, 10_100, 310)
    assert facts["first_layer"] == "784 × 100 + 100 = 78,500" and facts["formula_calc"].endswith("= 89,610")
    base = RunConfig(batch_size=32, train_size=1_000, epochs=10, eval_sets=("train", "val", "test"))
    variants, more = capacity.study_configs(base, l2=1e-3, dropout=0.3, small_units=20, data_sizes=(1_000, 4_000))
    assert list(variants) == ["no remedy", "L2 weight decay", "dropout", "smaller network"]
    assert variants["no remedy"] is base and variants["dropout"].dropout == 0.3 and variants["smaller network"].units == 20
    assert all(v.eval_sets == ("train", "test") for name, v in variants.items() if name != "no remedy")
    assert more[0] is base and more[1].train_size == 4_000 and more[1].eval_schedule == "final"
    assert more[1].epochs == capacity.budget_epochs(4_000, 32, 10 * base.updates_per_epoch)


def test_curve_remedy_and_more_data_facts():
    runs = [synthetic_history(seed=s) for s in range(3)]
    summary = capacity.curve_summary(runs)
    facts = capacity.curve_facts(summary)
    assert facts["best_test_epoch"] == summary.best_test_epoch and facts["overfits"] == int(summary.overfits)
    assert facts["accuracy_gap"] == pytest.approx(100 * summary.accuracy_gap)
    frame = pd.DataFrame({"seed": [0, 1, 2], "params": 10, "history": runs})
    metrics = capacity.remedy_metrics({"no remedy": frame, "dropout": frame}, patience=5)
    assert list(metrics) == ["no remedy", capacity.EARLY_ON_LOSS, capacity.EARLY_ON_ACCURACY, "dropout"]
    epochs = capacity.early_stopping_facts(metrics, frame)
    assert epochs["early_stop_epochs"] == ", ".join(map(str, metrics[capacity.EARLY_ON_LOSS]["epochs"]))
    assert epochs["early_acc_best_epochs"] == ", ".join(map(str, metrics[capacity.EARLY_ON_ACCURACY]["best_epoch"]))
    assert len(epochs["val_best_epochs"].split(", ")) == 3
    sizes = capacity.more_data_table(sweep_rows())
    more = capacity.more_data_facts(sizes)
    assert (more["smallest_size"], more["largest_size"]) == (1_000, 5_000)
    largest = sizes.loc[5_000, "test_accuracy"]
    assert capacity.first_beating(sizes, 1_000, largest - 0.01) == (5_000, pytest.approx(largest))
    assert capacity.first_beating(sizes, 1_000, 1.0) is None
