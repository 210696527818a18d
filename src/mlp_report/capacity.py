"""Task 3: how many parameters the network has, and what happens when it trains far too long on too little.

Everything the Task 3 chapter computes lives here: the per-layer parameter calculation read off a built
Keras model, the closed formula for ``L`` hidden layers of width ``h``, the analysis of per-epoch learning
curves over seeds (where the test loss bottoms out, the generalization gap), early stopping replayed from
a recorded validation curve, the remedy and more-data tables (the figures are in :mod:`mlp_report.figures.capacity`).

A "history" is the per-epoch record of one run (``mlp_report.training.train``): ``loss``/``accuracy``
(running averages during the epoch) and ``<set>_loss``/``<set>_accuracy`` for every evaluated set
(``train`` = the training subset re-evaluated at the epoch's end, ``val``, ``test``). Functions that take
``runs`` accept a sweep DataFrame (one row per seed, a ``history`` column) or a list of histories.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .data import TRAIN_SIZE
from .validation import ConfigError, require_float, require_int

INPUTS = 784  # 28 x 28 pixels
CLASSES = 10
FORMULA = "P = (784·h + h) + (L−1)·(h·h + h) + (10·h + 10)"

History = Mapping[str, Sequence[float]]
Runs = pd.DataFrame | Sequence[History]


# --------------------------------------------------------------------------------------------------
# Parameter count
# --------------------------------------------------------------------------------------------------


def parameter_table(model: Any) -> pd.DataFrame:
    """One row per Dense layer of a built Keras model: ``inputs × units`` weights plus ``units`` biases.

    Columns: ``layer``, ``inputs``, ``units``, ``weights``, ``biases``, ``parameters`` and the written-out
    ``calculation`` (e.g. ``784 × 100 + 100 = 78,500``). Raises ``ValueError`` when the model has no Dense
    layer or has parameters outside its Dense layers (the table would then not add up to the model).
    """
    from .models import dense_layer_shapes

    rows = []
    for name, inputs, units in dense_layer_shapes(model):
        weights = inputs * units
        params = weights + units
        rows.append(
            {
                "layer": name,
                "inputs": inputs,
                "units": units,
                "weights": weights,
                "biases": units,
                "parameters": params,
                "calculation": f"{inputs:,} × {units:,} + {units:,} = {params:,}",
            }
        )
    if not rows:
        raise ValueError(f"model {model.name!r} has no Dense layer: there is nothing to count.")
    table = pd.DataFrame(rows)
    if int(table["parameters"].sum()) != int(model.count_params()):
        raise ValueError(
            f"model {model.name!r} has {model.count_params():,} parameters but its Dense layers only "
            f"{int(table['parameters'].sum()):,}: parameter_table counts Dense layers only."
        )
    return table


def parameter_display(table: pd.DataFrame) -> pd.DataFrame:
    """The parameter table as the chapter shows it: thousands separators and a total row."""
    shown = pd.DataFrame(
        {
            "layer": table["layer"],
            "inputs × units + biases": table["calculation"].str.rsplit(" = ", n=1).str[0],
            "weights": table["weights"].map("{:,}".format),
            "biases": table["biases"].map("{:,}".format),
            "parameters": table["parameters"].map("{:,}".format),
        }
    )
    total = {
        "layer": "total",
        "inputs × units + biases": "",
        "weights": f"{int(table['weights'].sum()):,}",
        "biases": f"{int(table['biases'].sum()):,}",
        "parameters": f"{int(table['parameters'].sum()):,}",
    }
    return pd.concat([shown, pd.DataFrame([total])], ignore_index=True)


def count_parameters(hidden_layers: int, units: int, *, inputs: int = INPUTS, classes: int = CLASSES) -> int:
    """The closed formula for ``hidden_layers`` (L) hidden Dense layers of width ``units`` (h).

    ``P = (inputs·h + h) + (L−1)·(h·h + h) + (classes·h + classes)`` for L >= 1, and
    ``inputs·classes + classes`` for L = 0 (softmax regression).
    """
    hidden_layers = require_int("hidden_layers", hidden_layers, minimum=0)
    units = require_int("units", units, minimum=1)
    inputs = require_int("inputs", inputs, minimum=1)
    classes = require_int("classes", classes, minimum=1)
    if hidden_layers == 0:
        return inputs * classes + classes
    return (inputs * units + units) + (hidden_layers - 1) * (units * units + units) + (classes * units + classes)


def formula_calculation(hidden_layers: int, units: int, *, inputs: int = INPUTS, classes: int = CLASSES) -> str:
    """The formula with the numbers filled in, e.g.
    ``(784·100 + 100) + 1·(100·100 + 100) + (10·100 + 10) = 78,500 + 10,100 + 1,010 = 89,610``."""
    total = count_parameters(hidden_layers, units, inputs=inputs, classes=classes)
    if hidden_layers == 0:
        return f"{inputs}·{classes} + {classes} = {total:,}"
    h, rest = units, hidden_layers - 1
    first, middle, last = inputs * h + h, rest * (h * h + h), classes * h + classes
    return (
        f"({inputs}·{h} + {h}) + {rest}·({h}·{h} + {h}) + ({classes}·{h} + {classes})"
        f" = {first:,} + {middle:,} + {last:,} = {total:,}"
    )


def count_biases(hidden_layers: int, units: int, *, classes: int = CLASSES) -> int:
    """One bias per unit: ``L·h`` in the hidden layers plus ``classes`` in the output layer."""
    hidden_layers = require_int("hidden_layers", hidden_layers, minimum=0)
    units = require_int("units", units, minimum=1)
    return hidden_layers * units + require_int("classes", classes, minimum=1)


# --------------------------------------------------------------------------------------------------
# Learning curves
# --------------------------------------------------------------------------------------------------


def histories(runs: Runs) -> list[History]:
    """The per-seed histories of ``runs`` (a sweep DataFrame with a ``history`` column, or a list)."""
    if isinstance(runs, pd.DataFrame):
        if "history" not in runs.columns:
            raise ConfigError(f"runs has no 'history' column: got columns {', '.join(map(str, runs.columns))}.")
        found = list(runs["history"])
    else:
        found = list(runs)
    if not found:
        raise ConfigError("runs is empty: expected at least one run (one per seed).")
    for i, h in enumerate(found):
        if not isinstance(h, Mapping):
            raise ConfigError(f"runs[{i}]={type(h).__name__} is invalid: expected a history dict of per-epoch lists.")
    return found


def curve(runs: Runs, key: str) -> np.ndarray:
    """``history[key]`` of every run as a (runs × epochs) array; all runs must have the same length."""
    found = histories(runs)
    rows = []
    for i, h in enumerate(found):
        if key not in h:
            raise ConfigError(f"history key {key!r} is missing from run {i}: available keys are {', '.join(sorted(h))}.")
        rows.append(np.asarray(h[key], dtype=float))
    lengths = {len(r) for r in rows}
    if len(lengths) != 1 or 0 in lengths:
        raise ConfigError(f"history {key!r} must have the same non-zero number of epochs in every run, got {sorted(lengths)}.")
    matrix = np.vstack(rows)
    if not np.isfinite(matrix).all():
        raise ConfigError(f"history {key!r} contains NaN or infinite values (the run diverged).")
    return matrix


def evaluated_epochs(runs: Runs, n_points: int) -> np.ndarray:
    """The 1-based epochs of the evaluated points (``history["eval_epochs"]``; every epoch if absent)."""
    recorded = histories(runs)[0].get("eval_epochs")
    epochs = np.asarray(recorded if recorded is not None else range(1, n_points + 1))
    if len(epochs) != n_points:
        raise ConfigError(f"history 'eval_epochs' lists {len(epochs)} epochs for {n_points} evaluated points.")
    return epochs


def every_epoch_until(epochs: Sequence[int]) -> int:
    """The last epoch up to which ``epochs`` (1-based, ascending) holds every epoch: 3 for [1, 2, 3, 5, 9]."""
    k = 0
    for k, epoch in enumerate(epochs, start=1):
        if epoch != k:
            return k - 1
    return k


def runs_of(runs: pd.DataFrame, config: Any) -> pd.DataFrame:
    """The rows of a sweep DataFrame that belong to ``config`` (a ``RunConfig``), one per seed, in seed order."""
    fields = config.as_dict()
    _require_columns(runs, (*fields, "seed"))
    mask = np.ones(len(runs), dtype=bool)
    for name, value in fields.items():
        mask &= np.array([_same(v, value) for v in runs[name]], dtype=bool)
    if not mask.any():
        raise ConfigError(f"runs has no row for config {config}: was it part of the sweep?")
    return runs[mask].sort_values("seed").reset_index(drop=True)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(b, tuple):
        return tuple(a) == b
    return bool(a == b)


@dataclass(frozen=True)
class CurveSummary:
    """Where the mean (over seeds) test loss bottoms out, and how far training and test end apart.

    Epochs are 1-based (epoch 1 = after the first pass over the data).
    """

    epochs: int  # the last evaluated epoch
    seeds: int
    best_test_epoch: int  # argmin of the mean test loss (over the evaluated epochs)
    min_test_loss: float
    final_test_loss: float
    test_loss_rise: float  # final - min (mean test loss)
    test_loss_rises: bool  # the rise exceeds the tolerance
    train_loss_at_best: float
    final_train_loss: float
    train_loss_keeps_falling: bool  # the training loss at the end is below its value at best_test_epoch
    test_accuracy_at_best: float
    final_train_accuracy: float
    final_test_accuracy: float
    best_test_accuracy_epoch: int  # argmax of the mean test accuracy
    max_test_accuracy: float
    accuracy_gap: float  # final train accuracy - final test accuracy
    loss_gap: float  # final test loss - final train loss
    seed_best_epochs: tuple[int, ...]  # argmin of each seed's own test loss
    every_epoch_until: int = 0  # the curves were evaluated after every epoch up to this one (0: unknown)

    @property
    def overfits(self) -> bool:
        """The textbook picture: test loss rises again while training loss keeps falling."""
        return self.test_loss_rises and self.train_loss_keeps_falling


def curve_summary(runs: Runs, *, tolerance: float = 0.01, train: str = "train", test: str = "test") -> CurveSummary:
    """Analyse the learning curves of ``runs`` (several seeds of one config).

    ``tolerance`` is the relative rise of the mean test loss over its minimum (0.01 = 1 %) above which the
    test loss counts as rising again. ``train`` and ``test`` name the evaluated sets. Epochs are those of
    ``history["eval_epochs"]`` (every epoch if absent): minima are taken over the evaluated epochs.
    """
    tolerance = require_float("tolerance", tolerance, minimum=0.0)
    train_loss, test_loss = curve(runs, f"{train}_loss").mean(0), curve(runs, f"{test}_loss")
    train_acc, test_acc = curve(runs, f"{train}_accuracy").mean(0), curve(runs, f"{test}_accuracy").mean(0)
    mean_test_loss = test_loss.mean(0)
    if len(train_loss) != len(mean_test_loss):
        raise ConfigError(f"{train!r} and {test!r} histories differ in length: {len(train_loss)} vs {len(mean_test_loss)} epochs.")
    grid = evaluated_epochs(runs, len(mean_test_loss))
    best = int(np.argmin(mean_test_loss))
    best_acc = int(np.argmax(test_acc))
    rise = float(mean_test_loss[-1] - mean_test_loss[best])
    return CurveSummary(
        epochs=int(grid[-1]),
        seeds=len(test_loss),
        best_test_epoch=int(grid[best]),
        min_test_loss=float(mean_test_loss[best]),
        final_test_loss=float(mean_test_loss[-1]),
        test_loss_rise=rise,
        test_loss_rises=rise > tolerance * float(mean_test_loss[best]),
        train_loss_at_best=float(train_loss[best]),
        final_train_loss=float(train_loss[-1]),
        train_loss_keeps_falling=bool(train_loss[-1] < train_loss[best]),
        test_accuracy_at_best=float(test_acc[best]),
        final_train_accuracy=float(train_acc[-1]),
        final_test_accuracy=float(test_acc[-1]),
        best_test_accuracy_epoch=int(grid[best_acc]),
        max_test_accuracy=float(test_acc[best_acc]),
        accuracy_gap=float(train_acc[-1] - test_acc[-1]),
        loss_gap=float(mean_test_loss[-1] - train_loss[-1]),
        seed_best_epochs=tuple(int(grid[i]) for i in np.argmin(test_loss, axis=1)),
        every_epoch_until=every_epoch_until(grid),
    )


# --------------------------------------------------------------------------------------------------
# Early stopping, remedies, more data
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EarlyStop:
    """Where early stopping on a recorded curve stops, and which epoch's weights it restores (1-based)."""

    best_epoch: int  # the restored weights: the best monitored value up to the stop
    stop_epoch: int  # the last epoch trained


def early_stopping(history: History, *, monitor: str = "val_loss", patience: int | None = None, min_delta: float = 0.0) -> EarlyStop:
    """Replay Keras' ``EarlyStopping(monitor, patience, min_delta, restore_best_weights=True)`` on a history.

    Because every epoch's validation value was recorded, stopping after ``patience`` epochs without an
    improvement larger than ``min_delta`` and restoring the best weights gives exactly the model of the
    returned ``best_epoch``. ``patience=None`` never stops: the best epoch of the whole run. Monitors
    ending in ``accuracy`` are maximized, everything else minimized.

    A history evaluated on a grid (``history["eval_epochs"]``, e.g. the ``"dense"`` schedule) is replayed
    over its every-epoch part, which must contain the stop: otherwise ``ConfigError`` (the replay would
    not be exact). With ``patience=None`` the best epoch is taken over every evaluated epoch.
    """
    if monitor not in history:
        raise ConfigError(f"monitor={monitor!r} is invalid: expected one of the history keys {', '.join(sorted(history))}.")
    if patience is not None:
        patience = require_int("patience", patience, minimum=1)
    min_delta = require_float("min_delta", min_delta, minimum=0.0)
    values = np.asarray(history[monitor], dtype=float)
    if len(values) == 0 or not np.isfinite(values).all():
        raise ConfigError(f"history {monitor!r} must be a non-empty list of finite numbers.")
    grid = np.asarray(history.get("eval_epochs") or range(1, len(values) + 1))
    if len(grid) != len(values):
        raise ConfigError(f"history 'eval_epochs' lists {len(grid)} epochs for {len(values)} values of {monitor!r}.")
    dense = every_epoch_until(grid)
    sign = -1.0 if monitor.endswith("accuracy") else 1.0  # minimize sign * value
    best, best_value, wait = 0, sign * values[0], 0
    for index in range(1, len(values)):
        value = sign * values[index]
        if patience is not None and index >= dense:
            raise ConfigError(
                f"early stopping with patience={patience} did not stop by epoch {dense}, the last epoch after "
                f"which {monitor!r} was evaluated every epoch: evaluate every epoch for longer (eval_schedule)."
            )
        if value < best_value - min_delta:
            best, best_value, wait = index, value, 0
        else:
            wait += 1
            if patience is not None and wait >= patience:
                return EarlyStop(best_epoch=int(grid[best]), stop_epoch=int(grid[index]))
    return EarlyStop(best_epoch=int(grid[best]), stop_epoch=int(grid[-1]))


METRICS = ("train_accuracy", "test_accuracy", "train_loss", "test_loss")


def final_metrics(runs: pd.DataFrame) -> pd.DataFrame:
    """Per seed: the last epoch's training/test accuracy and loss, epochs trained and parameters."""
    _require_columns(runs, ("seed", "params", "history"))
    rows = []
    for seed, params, hist in zip(runs["seed"], runs["params"], histories(runs), strict=True):
        rows.append({"seed": int(seed), "params": int(params), "epochs": len(hist["loss"]), **_at(hist, -1)})
    return pd.DataFrame(rows)


def early_stopping_metrics(runs: pd.DataFrame, *, monitor: str = "val_loss", patience: int | None = None) -> pd.DataFrame:
    """Per seed: the metrics of the weights early stopping restores (see :func:`early_stopping`).

    ``epochs`` is the number of epochs trained before stopping; ``best_epoch`` the restored epoch.
    """
    _require_columns(runs, ("seed", "params", "history"))
    rows = []
    for seed, params, hist in zip(runs["seed"], runs["params"], histories(runs), strict=True):
        stop = early_stopping(hist, monitor=monitor, patience=patience)
        rows.append(
            {"seed": int(seed), "params": int(params), "epochs": stop.stop_epoch, "best_epoch": stop.best_epoch}
            | _at(hist, list(hist.get("eval_epochs") or range(1, len(hist[monitor]) + 1)).index(stop.best_epoch))
        )
    return pd.DataFrame(rows)


def _at(history: History, index: int) -> dict[str, float]:
    missing = [k for k in METRICS if k not in history]
    if missing:
        raise ConfigError(f"history lacks {', '.join(missing)}: the runs must evaluate eval_sets ('train', 'test').")
    return {k: float(history[k][index]) for k in METRICS}


def _require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(f"runs lacks the column(s) {', '.join(missing)}: pass the DataFrame returned by run_sweep.")
    if frame.empty:
        raise ConfigError("runs is empty: expected at least one run (one per seed).")


def remedy_table(remedies: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Mean and spread over seeds of each remedy's per-seed metrics (from :func:`final_metrics` or
    :func:`early_stopping_metrics`). The first entry is the baseline the others are compared with.

    Columns: ``parameters``, ``epochs`` (mean epochs trained), ``train_accuracy``, ``test_accuracy``,
    ``test_accuracy_sd`` (sample standard deviation over seeds, 0 for one seed), ``test_loss``, ``gap``
    (train − test accuracy) and ``change`` (test accuracy minus the baseline's), indexed by remedy.
    """
    if not remedies:
        raise ConfigError("remedies is empty: expected at least the baseline.")
    rows = []
    for name, per_seed in remedies.items():
        _require_columns(per_seed, ("params", "epochs", *METRICS))
        acc = per_seed["test_accuracy"]
        rows.append(
            {
                "remedy": name,
                "parameters": int(per_seed["params"].iloc[0]),
                "epochs": float(per_seed["epochs"].mean()),
                "train_accuracy": float(per_seed["train_accuracy"].mean()),
                "test_accuracy": float(acc.mean()),
                "test_accuracy_sd": float(acc.std(ddof=1)) if len(acc) > 1 else 0.0,
                "test_loss": float(per_seed["test_loss"].mean()),
                "gap": float((per_seed["train_accuracy"] - acc).mean()),
                "seeds": len(per_seed),
            }
        )
    table = pd.DataFrame(rows).set_index("remedy")
    table["change"] = table["test_accuracy"] - table["test_accuracy"].iloc[0]
    return table


def remedy_verdicts(table: pd.DataFrame, *, z: float = 2.0) -> dict[str, str]:
    """Per remedy (all rows of :func:`remedy_table` after the baseline): ``"higher"``, ``"lower"`` or
    ``"within the noise"``, comparing the change in mean test accuracy with ``z`` standard errors of the
    difference of two means over seeds. With a single seed on either side there is no standard error
    and only the sign of the change counts.
    """
    z = require_float("z", z, positive=True)
    _require_columns(table.reset_index(), ("test_accuracy", "test_accuracy_sd", "seeds", "change"))
    base = table.iloc[0]
    verdicts = {}
    for name, row in table.iloc[1:].iterrows():
        if min(row["seeds"], base["seeds"]) >= 2:
            se = math.sqrt(row["test_accuracy_sd"] ** 2 / row["seeds"] + base["test_accuracy_sd"] ** 2 / base["seeds"])
        else:
            se = 0.0
        if abs(row["change"]) <= z * se or row["change"] == 0:
            verdicts[name] = "within the noise"
        else:
            verdicts[name] = "higher" if row["change"] > 0 else "lower"
    return verdicts


def remedy_display(table: pd.DataFrame) -> pd.DataFrame:
    """The remedy table formatted for the page (percentages, thousands separators), remedy as first column."""
    pct = "{:.2f} %".format
    return pd.DataFrame(
        {
            "remedy": table.index,
            "parameters": table["parameters"].map("{:,}".format),
            "epochs trained": table["epochs"].map(lambda e: f"{e:,.0f}" if float(e).is_integer() else f"{e:,.1f}"),
            "training accuracy": (100 * table["train_accuracy"]).map(pct),
            "test accuracy": [f"{100 * m:.2f} ± {100 * s:.2f} %" for m, s in zip(table["test_accuracy"], table["test_accuracy_sd"], strict=True)],
            "change": (100 * table["change"]).map("{:+.2f} points".format),
            "test loss": table["test_loss"].map("{:.3f}".format),
            "gap (train − test)": (100 * table["gap"]).map("{:.2f} points".format),
        },
        index=table.index,
    ).reset_index(drop=True)


def budget_epochs(train_size: int, batch_size: int, updates: int) -> int:
    """Whole epochs on ``train_size`` images closest to a budget of ``updates`` SGD steps (at least 1)."""
    train_size = require_int("train_size", train_size, minimum=1, maximum=TRAIN_SIZE)
    batch_size = require_int("batch_size", batch_size, minimum=1)
    updates = require_int("updates", updates, minimum=1)
    per_epoch = math.ceil(train_size / batch_size)
    return max(1, round(updates / per_epoch))


def more_data_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per training-set size: epochs, SGD updates, mean training and test accuracy, and the spread over seeds."""
    _require_columns(runs, ("train_size", "epochs", "updates", "final_train_accuracy", "final_test_accuracy"))
    grouped = runs.groupby("train_size")
    table = pd.DataFrame(
        {
            "epochs": grouped["epochs"].first(),
            "updates": grouped["updates"].mean(),
            "train_accuracy": grouped["final_train_accuracy"].mean(),
            "test_accuracy": grouped["final_test_accuracy"].mean(),
            "test_accuracy_sd": grouped["final_test_accuracy"].std(ddof=1).fillna(0.0),
            "test_loss": grouped["final_test_loss"].mean() if "final_test_loss" in runs else np.nan,
            "seeds": grouped.size(),
        }
    )
    table["gap"] = table["train_accuracy"] - table["test_accuracy"]
    return table.sort_index()


def more_data_display(table: pd.DataFrame) -> pd.DataFrame:
    """The more-data table formatted for the page, training-set size as first column."""
    return pd.DataFrame(
        {
            "training images": [f"{n:,}" for n in table.index],
            "epochs": table["epochs"].map("{:,}".format),
            "SGD updates": table["updates"].map("{:,.0f}".format),
            "training accuracy": (100 * table["train_accuracy"]).map("{:.2f} %".format),
            "test accuracy": [f"{100 * m:.2f} ± {100 * s:.2f} %" for m, s in zip(table["test_accuracy"], table["test_accuracy_sd"], strict=True)],
            "gap (train − test)": (100 * table["gap"]).map("{:.2f} points".format),
        },
    ).reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# The chapter's runs and the facts it glues (accuracies in percent, as the prose shows them)
# --------------------------------------------------------------------------------------------------

EARLY_ON_LOSS, EARLY_ON_ACCURACY = "early stopping (val. loss)", "early stopping (val. accuracy)"


def parameter_facts(table: pd.DataFrame, hidden_layers: int, units: int) -> dict[str, Any]:
    """The count of the built network (from :func:`parameter_table`), its formula filled in, and the
    counts of the default two-layer and the original three-layer network."""
    return {
        "hidden": hidden_layers,
        "units": units,
        "params": int(table["parameters"].sum()),
        "weights": int(table["weights"].sum()),
        "biases": int(table["biases"].sum()),
        "formula_calc": formula_calculation(hidden_layers, units),
        "first_layer": table["calculation"].iloc[0],
        "params_default": count_parameters(2, units),
        "params_three": count_parameters(3, units),
        "biases_three": count_biases(3, units),
        "extra_layer": count_parameters(3, units) - count_parameters(2, units),
    }


def study_configs(base: Any, *, l2: float, dropout: float, small_units: int, data_sizes: Sequence[int]) -> tuple[dict[str, Any], list[Any]]:
    """The plain overfitting run ``base`` (a ``RunConfig``) and its remedies by name, and the more-data
    runs: each of ``data_sizes`` trained for the plain run's budget of SGD updates.

    Evaluating 10,000 images after each of 500 epochs costs more than the training itself, so ``base``
    (the plain run, which also evaluates the validation images) should use the ``"dense"`` schedule: every
    epoch through the first fifth of the run, where its curves bend and early stopping's replay needs
    every epoch, log-spaced after that; the remedies evaluate at log-spaced epochs (their figure has a log
    epoch axis), the more-data runs only at the end. The more-data point at the plain run's size is the
    plain run itself (same config: one run, not two).
    """
    no_val = dataclasses.replace(base, eval_sets=("train", "test"), eval_schedule="log")
    variants = {
        "no remedy": base,
        "L2 weight decay": dataclasses.replace(no_val, l2=l2),
        "dropout": dataclasses.replace(no_val, dropout=dropout),
        "smaller network": dataclasses.replace(no_val, units=small_units),
    }
    budget = base.epochs * base.updates_per_epoch
    more = [
        base
        if n == base.train_size
        else dataclasses.replace(
            no_val, train_size=n, epochs=budget_epochs(n, base.batch_size, budget), eval_schedule="final"
        )
        for n in data_sizes
    ]
    return variants, more


def curve_facts(summary: CurveSummary) -> dict[str, Any]:
    """The learning curves' facts: final losses and accuracies, the gap, where the test loss bottoms out."""
    return {
        "final_train_accuracy": 100 * summary.final_train_accuracy,
        "final_test_accuracy": 100 * summary.final_test_accuracy,
        "final_train_loss": summary.final_train_loss,
        "final_test_loss": summary.final_test_loss,
        "accuracy_gap": 100 * summary.accuracy_gap,
        "loss_gap": summary.loss_gap,
        "best_test_epoch": summary.best_test_epoch,
        "min_test_loss": summary.min_test_loss,
        "train_loss_at_best": summary.train_loss_at_best,
        "test_loss_rise": summary.test_loss_rise,
        "test_loss_rise_pct": 100 * summary.test_loss_rise / summary.min_test_loss,
        "test_accuracy_at_best": 100 * summary.test_accuracy_at_best,
        "best_test_accuracy_epoch": summary.best_test_accuracy_epoch,
        "max_test_accuracy": 100 * summary.max_test_accuracy,
        "overfits": int(summary.overfits),
    }


def remedy_metrics(variants: Mapping[str, pd.DataFrame], patience: int) -> dict[str, pd.DataFrame]:
    """Per-seed metrics of the model each remedy returns: the plain run (``variants["no remedy"]``), early
    stopping replayed on it (monitoring the validation loss, then the validation accuracy), and every
    trained remedy of ``variants``."""
    plain = variants["no remedy"]
    return {
        "no remedy": final_metrics(plain),
        EARLY_ON_LOSS: early_stopping_metrics(plain, monitor="val_loss", patience=patience),
        EARLY_ON_ACCURACY: early_stopping_metrics(plain, monitor="val_accuracy", patience=patience),
        **{name: final_metrics(frame) for name, frame in variants.items() if name != "no remedy"},
    }


def early_stopping_facts(per_seed: Mapping[str, pd.DataFrame], plain: pd.DataFrame) -> dict[str, str]:
    """The epochs early stopping stops after and restores, per seed (as the prose lists them, ``12, 14``),
    monitoring the validation loss (``early_*``) or accuracy (``early_acc_*``), and the epochs of the
    lowest validation loss over the whole run (``val_best_epochs``)."""

    def listed(values: Any) -> str:
        return ", ".join(map(str, values))

    unbounded = early_stopping_metrics(plain, monitor="val_loss", patience=None)
    facts = {"val_best_epochs": listed(unbounded["best_epoch"])}
    for key, name in {"early": EARLY_ON_LOSS, "early_acc": EARLY_ON_ACCURACY}.items():
        facts[f"{key}_stop_epochs"] = listed(per_seed[name]["epochs"])
        facts[f"{key}_best_epochs"] = listed(per_seed[name]["best_epoch"])
    return facts


def more_data_facts(sizes: pd.DataFrame) -> dict[str, Any]:
    """The smallest and largest training set of :func:`more_data_table`: sizes, epochs, test accuracy
    (percent) and gap (points)."""
    smallest, largest = sizes.index.min(), sizes.index.max()
    return {
        "smallest_size": int(smallest),
        "largest_size": int(largest),
        "largest_epochs": int(sizes.loc[largest, "epochs"]),
        "smallest_size_accuracy": 100 * sizes.loc[smallest, "test_accuracy"],
        "largest_size_accuracy": 100 * sizes.loc[largest, "test_accuracy"],
        "smallest_gap": 100 * sizes.loc[smallest, "gap"],
        "largest_gap": 100 * sizes.loc[largest, "gap"],
    }


def first_beating(sizes: pd.DataFrame, train_size: int, accuracy: float) -> tuple[int, float] | None:
    """The smallest training set larger than ``train_size`` whose test accuracy beats ``accuracy``, with
    its accuracy; ``None`` if there is none."""
    beating = [n for n in sizes.index if n > train_size and sizes.loc[n, "test_accuracy"] > accuracy]
    return (int(beating[0]), float(sizes.loc[beating[0], "test_accuracy"])) if beating else None
