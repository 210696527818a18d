"""Task 1: the one-at-a-time hyperparameter study, its summaries and the best-setting rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import f1_score, recall_score

from .sweeps import RunConfig

DEFAULTS = {"batch_size": 32, "hidden_layers": 2, "learning_rate": 0.01}
PARAMETERS = tuple(DEFAULTS)
LABELS = {"batch_size": "batch size", "hidden_layers": "hidden layers", "learning_rate": "learning rate"}


@dataclass(frozen=True)
class Study:
    """The grids of Task 1 and the protocol shared by every run."""

    batch_sizes: Sequence[int]
    hidden_layers: Sequence[int]
    learning_rates: Sequence[float]
    train_size: int
    epochs: int
    eval_size: int | None = None

    def grid(self, parameter: str) -> Sequence:
        return {"batch_size": self.batch_sizes, "hidden_layers": self.hidden_layers, "learning_rate": self.learning_rates}[parameter]

    def config(self, **setting) -> RunConfig:
        """One run at the defaults except ``setting``; validation predictions are kept for the metrics."""
        return RunConfig.make(
            **{**DEFAULTS, **setting},
            epochs=self.epochs,
            train_size=self.train_size,
            eval_sets=("val",),
            eval_size=self.eval_size,
            predict=("val",),
        )

    def one_at_a_time(self) -> list[tuple[str, RunConfig]]:
        """(varied parameter, config) for every point of the three sweeps (the default appears in each)."""
        return [(p, self.config(**{p: v})) for p in PARAMETERS for v in self.grid(p)]

    def heatmap(self) -> list[RunConfig]:
        """Every learning rate x batch size pair at the default depth."""
        return [self.config(batch_size=b, learning_rate=lr) for lr in self.learning_rates for b in self.batch_sizes]


METRICS = ("final_val_accuracy", "final_val_loss", "macro_f1", "worst_recall")


def diverged_mask(runs: pd.DataFrame) -> pd.Series:
    """Which runs diverged (non-finite training loss): the sweep's ``diverged`` column, else their history."""
    if "diverged" in runs:
        return runs["diverged"].fillna(False).astype(bool)
    if "history" in runs:
        return runs["history"].map(lambda h: not np.isfinite(h.get("loss", [])).all())
    return pd.Series(False, index=runs.index)


def without_diverged(runs: pd.DataFrame) -> pd.DataFrame:
    """A copy whose diverged runs have no metrics (``nan``), so that no mean includes them; ``diverged``
    says which they were."""
    runs = runs.copy()
    runs["diverged"] = diverged_mask(runs)
    for column in METRICS:
        if column in runs:
            runs.loc[runs["diverged"], column] = np.nan
    return runs


def add_class_metrics(runs: pd.DataFrame, y_val: np.ndarray) -> pd.DataFrame:
    """Add macro-F1 and the worst per-class recall (and its class) from each run's validation predictions."""
    runs = runs.copy()
    f1, worst, worst_class = [], [], []
    for predictions in runs["predictions"]:
        pred = np.asarray(predictions["val"])
        truth = y_val[: len(pred)]
        f1.append(f1_score(truth, pred, average="macro"))
        recalls = recall_score(truth, pred, average=None, labels=range(10), zero_division=0)
        worst.append(float(recalls.min()))
        worst_class.append(int(recalls.argmin()))
    runs["macro_f1"], runs["worst_recall"], runs["worst_class"] = f1, worst, worst_class
    return runs


def t_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float]:
    """Student-t confidence interval of the mean (a single seed gives a zero-width interval)."""
    values = np.asarray(values, float)
    mean = float(values.mean())
    if len(values) < 2:
        return mean, mean
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return mean - half, mean + half


def sweep_rows(runs: pd.DataFrame, parameter: str, study: Study) -> pd.DataFrame:
    """The runs of one parameter's sweep (others at their defaults), with a ``value`` column."""
    mask = np.ones(len(runs), bool)
    for other, default in DEFAULTS.items():
        if other != parameter:
            mask &= runs[other] == default
    rows = runs[mask & runs[parameter].isin(list(study.grid(parameter)))].copy()
    rows["parameter"], rows["value"] = parameter, rows[parameter]
    return rows


def summary_table(runs: pd.DataFrame, study: Study) -> pd.DataFrame:
    """One row per (parameter, value) of the three sweeps: mean and std over seeds of every metric."""
    parts = [sweep_rows(runs, p, study) for p in PARAMETERS]
    long = without_diverged(pd.concat(parts, ignore_index=True))  # diverged runs count, but are not averaged
    grouped = long.groupby(["parameter", "value"], sort=False)
    table = grouped.agg(
        seeds=("seed", "nunique"),
        diverged=("diverged", "sum"),
        val_accuracy=("final_val_accuracy", "mean"),
        val_accuracy_std=("final_val_accuracy", "std"),
        val_loss=("final_val_loss", "mean"),
        val_loss_std=("final_val_loss", "std"),
        macro_f1=("macro_f1", "mean"),
        worst_recall=("worst_recall", "mean"),
        worst_class=("worst_class", lambda s: int(s.mode().iloc[0]) if s.notna().any() else -1),
        seconds=("fit_seconds", "median"),  # robust to the runs that compiled a new shape
        updates=("updates", "first"),
        params=("params", "first"),
    ).reset_index()
    return table.fillna({"val_accuracy_std": 0.0, "val_loss_std": 0.0})


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The summary formatted for the page (percentages, mean ± std); diverged runs are said, not averaged."""
    diverged = table["diverged"] if "diverged" in table else pd.Series(0, index=table.index)

    def cell(text: str, row: int) -> str:
        d, n = int(diverged.iloc[row]), int(table["seeds"].iloc[row])
        if d == 0:
            return text
        return f"diverged ({d} of {n} seeds)" if d >= n else f"{text} ({d} of {n} seeds diverged)"

    def metric(texts) -> list[str]:
        return [cell(t, i) for i, t in enumerate(texts)]

    return pd.DataFrame(
        {
            "parameter": table["parameter"].map(LABELS),
            "value": [f"{v:g}" for v in table["value"]],
            "seeds": table["seeds"],
            "val. accuracy (%)": metric(f"{100 * m:.2f} ± {100 * s:.2f}" for m, s in zip(table.val_accuracy, table.val_accuracy_std, strict=True)),
            "val. loss": metric(f"{m:.3f} ± {s:.3f}" for m, s in zip(table.val_loss, table.val_loss_std, strict=True)),
            "macro-F1 (%)": metric(f"{100 * v:.2f}" for v in table.macro_f1),
            "worst class recall (%)": metric(f"{100 * v:.1f} (digit {c})" for v, c in zip(table.worst_recall, table.worst_class, strict=True)),
            "median time per run (s)": [f"{v:.2f}" for v in table.seconds],
            "updates": [f"{v:,}" for v in table.updates],
            "parameters": [f"{v:,}" for v in table.params],
        }
    )


def best_setting(table: pd.DataFrame) -> pd.Series:
    """The rule: highest mean validation accuracy over the one-at-a-time settings; ties go to the faster run."""
    stable = table[table["diverged"] == 0] if "diverged" in table else table
    if stable["val_accuracy"].notna().any():  # a setting with a diverged seed is never the best
        table = stable
    ranked = table.sort_values(["val_accuracy", "seconds"], ascending=[False, True])
    row = ranked.iloc[0].copy()
    setting = dict(DEFAULTS)
    setting[row["parameter"]] = row["value"]
    for key, value in setting.items():
        row[key] = value
    return row


@dataclass(frozen=True)
class Trend:
    """How mean validation accuracy varies along one sweep, stated so that prose can follow it."""

    best_value: float
    best_accuracy: float
    worst_value: float
    worst_accuracy: float
    spread: float  # best minus worst mean accuracy
    rho: float  # Spearman correlation of accuracy with the parameter value
    shape: str  # "rises", "falls", "peaks inside the range", "is flat"
    separable: bool | None  # best and worst 95 % intervals do not overlap (None: one seed, unknown)

    def sentence(self, label: str) -> str:
        return {
            "rises": f"accuracy rises with the {label}",
            "falls": f"accuracy falls as the {label} grows",
            "peaks inside the range": f"accuracy peaks inside the range of the {label}",
            "is flat": f"accuracy hardly depends on the {label}",
        }[self.shape]


def trend(table: pd.DataFrame, runs: pd.DataFrame, parameter: str, study: Study, flat_below: float = 0.003) -> Trend:
    """Classify the curve of one parameter from its mean accuracies and seed intervals."""
    rows = table[table.parameter == parameter].sort_values("value")
    rows = rows[rows["val_accuracy"].notna()]  # values where every seed diverged have no mean
    values, acc = rows["value"].to_numpy(float), rows["val_accuracy"].to_numpy()
    best, worst = int(acc.argmax()), int(acc.argmin())
    spread = float(acc[best] - acc[worst])
    rho = float(stats.spearmanr(values, acc).statistic) if len(values) > 2 else float(np.sign(acc[-1] - acc[0]))
    if spread < flat_below:
        shape = "is flat"
    elif 0 < best < len(acc) - 1 and acc[best] - max(acc[0], acc[-1]) > flat_below:
        shape = "peaks inside the range"
    else:
        shape = "rises" if acc[-1] > acc[0] else "falls"
    per_run = without_diverged(sweep_rows(runs, parameter, study))
    separable = intervals_apart(
        per_run.loc[per_run.value == values[best], "final_val_accuracy"].dropna(),
        per_run.loc[per_run.value == values[worst], "final_val_accuracy"].dropna(),
    )
    return Trend(values[best], float(acc[best]), values[worst], float(acc[worst]), spread, rho, shape, separable)


def intervals_apart(high: Sequence[float], low: Sequence[float]) -> bool | None:
    """Whether the 95 % interval of ``high`` lies above that of ``low``; ``None`` with fewer than 2 seeds."""
    if min(len(high), len(low)) < 2:
        return None
    return bool(t_interval(high)[0] > t_interval(low)[1])


def noise_phrase(apart: bool | None, *, apart_text: str, overlap_text: str) -> str:
    """Prose for an interval comparison that stays true with one seed."""
    if apart is None:
        return "cannot be compared with a single seed"
    return apart_text if apart else overlap_text


def heatmap_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean validation accuracy, learning rates as rows and batch sizes as columns (``nan`` where every
    seed diverged; diverged runs are never averaged in)."""
    return without_diverged(runs).pivot_table(
        index="learning_rate", columns="batch_size", values="final_val_accuracy", aggfunc="mean", dropna=False
    )


def best_lr_per_batch(heat: pd.DataFrame) -> pd.Series:
    """For each batch size, the learning rate with the highest mean validation accuracy."""
    return heat.idxmax(axis=0)
