"""Task 1: the one-at-a-time hyperparameter study, its summaries and the best-setting rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import f1_score, recall_score

from .sweeps import RunConfig
from .validation import ConfigError, require_choice

DEFAULTS = {"batch_size": 32, "hidden_layers": 2, "learning_rate": 0.01}
PARAMETERS = tuple(DEFAULTS)
LABELS = {"batch_size": "batch size", "hidden_layers": "hidden layers", "learning_rate": "learning rate"}
SHORT = {"batch_size": "bs", "hidden_layers": "hl", "learning_rate": "lr"}  # in the chapter's glue keys


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
    """Which runs diverged (:data:`mlp_report.learning.RULE`): the sweep's ``diverged`` column, else their
    history."""
    from .sweeps import diverged

    if "diverged" in runs:
        return runs["diverged"].fillna(False).astype(bool)
    if "history" in runs:
        return runs["history"].map(diverged).astype(bool)
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


def ci_half_width(values: Sequence[float], level: float = 0.95) -> float:
    """Half-width of the Student-t interval of the mean of the finite ``values`` (``nan`` with none)."""
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return float("nan")
    low, high = t_interval(values, level)
    return (high - low) / 2


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
    """One row per (parameter, value) of the three sweeps: mean and std over seeds of every metric, the
    accuracy's 95 % interval half-width, median and range, and every seed's accuracy (``seed_accuracies``)."""
    parts = [sweep_rows(runs, p, study) for p in PARAMETERS]
    long = without_diverged(pd.concat(parts, ignore_index=True))  # diverged runs count, but are not averaged
    grouped = long.groupby(["parameter", "value"], sort=False)
    table = grouped.agg(
        seeds=("seed", "nunique"),
        diverged=("diverged", "sum"),
        val_accuracy=("final_val_accuracy", "mean"),
        val_accuracy_std=("final_val_accuracy", "std"),
        val_accuracy_ci=("final_val_accuracy", ci_half_width),
        val_accuracy_median=("final_val_accuracy", "median"),
        val_accuracy_min=("final_val_accuracy", "min"),
        val_accuracy_max=("final_val_accuracy", "max"),
        val_loss_ci=("final_val_loss", ci_half_width),
        val_loss=("final_val_loss", "mean"),
        val_loss_std=("final_val_loss", "std"),
        macro_f1=("macro_f1", "mean"),
        worst_recall=("worst_recall", "mean"),
        worst_class=("worst_class", lambda s: int(s.mode().iloc[0]) if s.notna().any() else -1),
        seconds=("fit_seconds", "median"),  # robust to the runs that compiled a new shape
        updates=("updates", "first"),
        params=("params", "first"),
    ).reset_index()
    # every seed's accuracy ({seed: fraction}, nan where it diverged): the paired comparison of the best rule
    per_seed = grouped[["seed", "final_val_accuracy"]].apply(lambda g: dict(zip(g.seed.astype(int), g.final_val_accuracy, strict=True)))
    table["seed_accuracies"] = per_seed.to_numpy()
    return table.fillna({"val_accuracy_std": 0.0, "val_loss_std": 0.0, "val_accuracy_ci": 0.0, "val_loss_ci": 0.0})


TABLE_PARTS = {  # the columns of each part of the displayed summary (after parameter and value)
    "accuracy": ("seeds", "val. accuracy (%)", "median (%)", "range (%)", "val. loss"),
    "beyond": ("macro-F1 (%)", "worst class recall (%)", "median time per run (s)", "updates", "parameters"),
}


def display_table(table: pd.DataFrame, part: str = "all") -> pd.DataFrame:
    """The summary formatted for the page: accuracy and loss as the mean ± the half-width of its 95 % interval,
    the median and the range of the seeds (``part="accuracy"``), what accuracy hides (``"beyond"``), or both
    (``"all"``). Diverged runs are said, not averaged."""
    require_choice("part", part, ("all", *TABLE_PARTS))
    diverged = table["diverged"] if "diverged" in table else pd.Series(0, index=table.index)

    def cell(text: str, row: int) -> str:
        d, n = int(diverged.iloc[row]), int(table["seeds"].iloc[row])
        if d == 0:
            return text
        return f"diverged ({d} of {n} seeds)" if d >= n else f"{text} ({d} of {n} seeds diverged)"

    def metric(texts) -> list[str]:
        return [cell(t, i) for i, t in enumerate(texts)]

    shown = pd.DataFrame(
        {
            "parameter": table["parameter"].map(LABELS),
            "value": [f"{v:g}" for v in table["value"]],
            "seeds": table["seeds"],
            "val. accuracy (%)": metric(f"{100 * m:.2f} ± {100 * h:.2f}" for m, h in zip(table.val_accuracy, table.val_accuracy_ci, strict=True)),
            "median (%)": metric(f"{100 * m:.2f}" for m in table.val_accuracy_median),
            "range (%)": metric(f"{100 * lo:.2f}–{100 * hi:.2f}" for lo, hi in zip(table.val_accuracy_min, table.val_accuracy_max, strict=True)),
            "val. loss": metric(f"{m:.3f} ± {h:.3f}" for m, h in zip(table.val_loss, table.val_loss_ci, strict=True)),
            "macro-F1 (%)": metric(f"{100 * v:.2f}" for v in table.macro_f1),
            "worst class recall (%)": metric(f"{100 * v:.1f} (digit {c})" for v, c in zip(table.worst_recall, table.worst_class, strict=True)),
            "median time per run (s)": [f"{v:.2f}" for v in table.seconds],
            "updates": [f"{v:,}" for v in table.updates],
            "parameters": [f"{v:,}" for v in table.params],
        }
    )
    if part == "all":
        return shown
    return shown[["parameter", "value", *TABLE_PARTS[part]]]


@dataclass(frozen=True)
class Paired:
    """The paired difference ``a - b`` of two settings' accuracies over the seeds both ran (fractions):
    its mean and 95 % Student-t interval."""

    mean: float
    low: float
    high: float
    seeds: int

    @property
    def tied(self) -> bool | None:
        """Whether the interval contains 0 (``None`` with fewer than 2 shared seeds: no interval)."""
        if self.seeds < 2:
            return None
        return bool(self.low <= 0 <= self.high)


def paired_difference(a: Mapping[int, float], b: Mapping[int, float], level: float = 0.95) -> Paired:
    """``a - b`` seed by seed over the seeds with a finite accuracy in both (``{seed: accuracy}``)."""
    shared = sorted(s for s in set(a) & set(b) if np.isfinite(a[s]) and np.isfinite(b[s]))
    if not shared:
        return Paired(float("nan"), float("nan"), float("nan"), 0)
    diff = np.array([a[s] - b[s] for s in shared], float)
    low, high = t_interval(diff, level)
    return Paired(float(diff.mean()), float(low), float(high), len(shared))


@dataclass(frozen=True)
class Choice:
    """The best-setting rule's evidence: the highest mean, the runner-up (the next distinct setting),
    their paired difference, and the setting the rule chose (the faster of the two when they are tied)."""

    top: pd.Series
    runner: pd.Series | None
    paired: Paired | None  # top minus runner-up; None without a runner-up
    chosen: pd.Series

    @property
    def by_time(self) -> bool:
        """The tie-break decided: the two are tied and the runner-up is chosen for its training time."""
        return self.chosen is self.runner


def _setting_of(row: pd.Series) -> pd.Series:
    """The row with the three parameters as columns (the varied one at its value, the others at defaults)."""
    row = row.copy()
    setting = dict(DEFAULTS)
    setting[row["parameter"]] = row["value"]
    for key, value in setting.items():
        row[key] = value
    return row


def choose(table: pd.DataFrame) -> Choice:
    """The rule: the highest mean validation accuracy over the one-at-a-time settings (never a setting with
    a diverged seed, unless every setting has one); when the paired 95 % interval of its difference from
    the runner-up contains 0, the two are tied and the faster (median training time) is chosen."""
    stable = table[table["diverged"] == 0] if "diverged" in table else table
    if stable["val_accuracy"].notna().any():  # a setting with a diverged seed is never the best
        table = stable
    ranked = [_setting_of(row) for _, row in table.sort_values(["val_accuracy", "seconds"], ascending=[False, True]).iterrows()]
    top = ranked[0]
    key = tuple(top[k] for k in DEFAULTS)
    others = [row for row in ranked[1:] if tuple(row[k] for k in DEFAULTS) != key]  # the default is in every sweep
    if not others or not np.isfinite(others[0]["val_accuracy"]):
        return Choice(top, None, None, top)
    runner = others[0]
    paired = paired_difference(top["seed_accuracies"], runner["seed_accuracies"]) if "seed_accuracies" in top else None
    tied = paired is not None and paired.tied
    chosen = runner if tied and runner["seconds"] < top["seconds"] else top
    return Choice(top, runner, paired, chosen)


def best_setting(table: pd.DataFrame) -> pd.Series:
    """The setting the rule of :func:`choose` picks, with the three parameters as columns."""
    return choose(table).chosen


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
    diverged: tuple[float, ...] = ()  # values where every seed diverged: outside the curve, said in the sentence
    median_shape: str = ""  # the same classification of the seeds' medians (the explanations follow it)
    median_best_value: float = float("nan")  # where the median is highest


def curve_shape(accuracy: Sequence[float], flat_below: float = 0.003) -> str:
    """One of ``SHAPES`` for accuracies ordered by the parameter's value."""
    acc = np.asarray(accuracy, float)
    best = int(acc.argmax())
    if acc[best] - acc.min() < flat_below:
        return "is flat"
    if 0 < best < len(acc) - 1 and acc[best] - max(acc[0], acc[-1]) > flat_below:
        return "peaks inside the range"
    return "rises" if acc[-1] > acc[0] else "falls"


def trend(table: pd.DataFrame, runs: pd.DataFrame, parameter: str, study: Study, flat_below: float = 0.003) -> Trend:
    """Classify the curve of one parameter from its mean accuracies and seed intervals (and the curve of
    its medians)."""
    rows = table[table.parameter == parameter].sort_values("value")
    diverged = tuple(float(v) for v in rows.loc[rows["val_accuracy"].isna(), "value"])
    rows = rows[rows["val_accuracy"].notna()]  # values where every seed diverged have no mean
    values, acc = rows["value"].to_numpy(float), rows["val_accuracy"].to_numpy()
    best, worst = int(acc.argmax()), int(acc.argmin())
    spread = float(acc[best] - acc[worst])
    rho = float(stats.spearmanr(values, acc).statistic) if len(values) > 2 else float(np.sign(acc[-1] - acc[0]))
    shape = curve_shape(acc, flat_below)
    medians = rows["val_accuracy_median"].to_numpy(float) if "val_accuracy_median" in rows else acc
    per_run = without_diverged(sweep_rows(runs, parameter, study))
    separable = intervals_apart(
        per_run.loc[per_run.value == values[best], "final_val_accuracy"].dropna(),
        per_run.loc[per_run.value == values[worst], "final_val_accuracy"].dropna(),
    )
    return Trend(values[best], float(acc[best]), values[worst], float(acc[worst]), spread, rho, shape, separable,
                 diverged, curve_shape(medians, flat_below), float(values[int(medians.argmax())]))


# --------------------------------------------------------------------------------------------------
# Every seed: the points behind each mean, outliers, and means that their medians do not back
# --------------------------------------------------------------------------------------------------

OUTLIER_MADS = 3.0  # a seed further than this many scaled MADs from its setting's median ...
OUTLIER_MIN_GAP = 0.01  # ... and at least this far (1 percentage point) is an outlier
MAD_SCALE = 1.4826  # scales the median absolute deviation to the standard deviation of normal data
OUTLIER_MIN_SEEDS = 3  # below this a median says nothing about the others


@dataclass(frozen=True)
class Outlier:
    """One seed far from the other seeds of its setting."""

    value: float
    seed: int
    accuracy: float
    median: float


@dataclass(frozen=True)
class MeanMedianGap:
    """A setting whose mean and median differ by more than the half-width of the mean's 95 % interval."""

    value: float
    mean: float
    median: float
    half_width: float


def seed_points(rows: pd.DataFrame) -> pd.DataFrame:
    """Every seed's final validation accuracy and loss (``value``, ``seed``, ``accuracy``, ``loss``) of one
    sweep's runs (:func:`sweep_rows`), diverged runs left out: the points the sweep figure draws."""
    rows = without_diverged(rows)
    rows = rows[~rows["diverged"]]
    points = pd.DataFrame({"value": rows["value"].to_numpy(float), "seed": rows["seed"].to_numpy(int),
                           "accuracy": rows["final_val_accuracy"].to_numpy(float),
                           "loss": rows["final_val_loss"].to_numpy(float)})
    return points.sort_values(["value", "seed"], ignore_index=True)


def seed_outliers(rows: pd.DataFrame) -> list[Outlier]:
    """The rule: a seed is an outlier when its accuracy lies more than :data:`OUTLIER_MADS` scaled MADs
    (:data:`MAD_SCALE` x the median absolute deviation) and at least :data:`OUTLIER_MIN_GAP` from the median
    of its setting's seeds; settings with fewer than :data:`OUTLIER_MIN_SEEDS` seeds have none."""
    found = []
    points = seed_points(rows)
    for value, group in points.groupby("value", sort=True):
        acc = group["accuracy"].dropna()
        if len(acc) < OUTLIER_MIN_SEEDS:
            continue
        median = float(acc.median())
        limit = max(OUTLIER_MADS * MAD_SCALE * float((acc - median).abs().median()), OUTLIER_MIN_GAP)
        for seed, accuracy in zip(group["seed"], group["accuracy"], strict=True):
            if abs(accuracy - median) > limit + 1e-12:  # exactly at the limit is inside (rounding aside)
                found.append(Outlier(float(value), int(seed), float(accuracy), median))
    return found


def mean_median_gaps(table: pd.DataFrame, parameter: str) -> list[MeanMedianGap]:
    """The settings of one sweep whose mean and median differ by more than the mean's interval half-width."""
    rows = _sweep(table, parameter)
    rows = rows[(rows["seeds"] >= 2) & rows["val_accuracy"].notna()]
    gap = (rows["val_accuracy"] - rows["val_accuracy_median"]).abs()
    return [MeanMedianGap(float(r.value), float(r.val_accuracy), float(r.val_accuracy_median), float(r.val_accuracy_ci))
            for r in rows[gap > rows["val_accuracy_ci"]].itertuples()]


def seed_evidence(table: pd.DataFrame, runs: pd.DataFrame, parameter: str, study: Study, found: Trend) -> dict:
    """What :func:`mlp_report.narrative.hyperparams.seed_sentence` needs about one sweep's single seeds."""
    return {
        "label": LABELS[parameter],
        "seeds": int(table.seeds.min()),
        "widest": widest_seeds(table, parameter),
        "outliers": seed_outliers(sweep_rows(runs, parameter, study)),
        "gaps": mean_median_gaps(table, parameter),
        "shapes": (found.shape, found.median_shape),
        "bests": (found.best_value, found.median_best_value),
        "min_seeds": OUTLIER_MIN_SEEDS,
    }


def widest_seeds(table: pd.DataFrame, parameter: str) -> tuple[float, float, float]:
    """(value, lowest, highest seed accuracy) of the sweep's setting whose seeds spread most."""
    rows = _sweep(table, parameter)
    rows = rows[rows["val_accuracy"].notna()]
    row = rows.loc[(rows["val_accuracy_max"] - rows["val_accuracy_min"]).idxmax()]
    return float(row.value), float(row.val_accuracy_min), float(row.val_accuracy_max)


def intervals_apart(high: Sequence[float], low: Sequence[float]) -> bool | None:
    """Whether the 95 % interval of ``high`` lies above that of ``low``; ``None`` with fewer than 2 seeds."""
    if min(len(high), len(low)) < 2:
        return None
    return bool(t_interval(high)[0] > t_interval(low)[1])


def heatmap_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean validation accuracy, learning rates as rows and batch sizes as columns (``nan`` where every
    seed diverged; diverged runs are never averaged in)."""
    return without_diverged(runs).pivot_table(
        index="learning_rate", columns="batch_size", values="final_val_accuracy", aggfunc="mean", dropna=False
    )


def best_lr_per_batch(heat: pd.DataFrame) -> pd.Series:
    """For each batch size, the learning rate with the highest mean validation accuracy."""
    return heat.idxmax(axis=0)


@dataclass(frozen=True)
class ScalingFit:
    """Least-squares line of log(best learning rate) against log(batch size) over the heatmap's columns."""

    slope: float
    low: float  # 95 % Student-t interval of the slope (nan with fewer than 3 batch sizes)
    high: float
    points: int
    at_lowest_rate: tuple[float, ...]  # batch sizes whose best rate is the smallest of the grid ...
    at_highest_rate: tuple[float, ...]  # ... or the largest: the true best may lie beyond the grid


def scaling_fit(heat: pd.DataFrame, level: float = 0.95) -> ScalingFit:
    """How the best learning rate scales with the batch size: the slope of the log-log line (1 is the linear
    rule, 0.5 the square-root rule), its interval, and the batch sizes where the best rate is at the grid's edge."""
    best = best_lr_per_batch(heat).dropna()
    x, y = np.log(best.index.to_numpy(float)), np.log(best.to_numpy(float))
    edges = (float(heat.index.min()), float(heat.index.max()))
    low_edge = tuple(float(b) for b, lr in best.items() if lr == edges[0])
    high_edge = tuple(float(b) for b, lr in best.items() if lr == edges[1])
    if len(x) < 2 or np.ptp(x) == 0:
        return ScalingFit(float("nan"), float("nan"), float("nan"), len(x), low_edge, high_edge)
    fit = stats.linregress(x, y)
    if len(x) < 3:
        return ScalingFit(float(fit.slope), float("nan"), float("nan"), len(x), low_edge, high_edge)
    half = stats.t.ppf(0.5 + level / 2, len(x) - 2) * fit.stderr
    return ScalingFit(float(fit.slope), float(fit.slope - half), float(fit.slope + half), len(x), low_edge, high_edge)


# --------------------------------------------------------------------------------------------------
# Facts the chapter glues (fractions of accuracy are given in percent, as the prose shows them)
# --------------------------------------------------------------------------------------------------


def _sweep(table: pd.DataFrame, parameter: str) -> pd.DataFrame:
    return table[table.parameter == parameter].sort_values("value")


def default_row(table: pd.DataFrame) -> pd.Series:
    """The summary row of the default setting (from the batch-size sweep, which holds the other knobs at
    their defaults). A sweep that omits the default batch size gives the nearest one tried (on a log scale,
    the smaller on a tie): :func:`default_batch_size` says which."""
    rows = table[table.parameter == "batch_size"]
    value = default_batch_size(rows.value)
    return rows[rows.value == value].iloc[0]


def default_batch_size(values: Sequence[float]) -> int:
    """The batch size standing for the default: the default itself when it was tried, else the nearest."""
    values = sorted({int(v) for v in values})
    if not values:
        raise ConfigError("the batch-size sweep is empty: batch_sizes needs at least one value.")
    target = DEFAULTS["batch_size"]
    return min(values, key=lambda v: (abs(np.log(v / target)), v))


def overview_facts(table: pd.DataFrame, runs: pd.DataFrame, configs: Sequence[RunConfig]) -> dict[str, float]:
    """How many settings, distinct settings and runs, the training minutes, the default's accuracy and the
    outlier rule's constants."""
    return {
        "n_settings": len(table),
        "n_unique": len(set(configs)),
        "n_runs": len(runs),
        "total_minutes": float(runs["fit_seconds"].sum()) / 60,
        "default_accuracy": 100 * default_row(table).val_accuracy,
        "default_batch_size": default_batch_size(table[table.parameter == "batch_size"].value),
        "min_seeds_per_point": int(table.seeds.min()),
        # the outlier rule the text states (see outlier_seeds)
        "outlier_mads": OUTLIER_MADS, "mad_scale": MAD_SCALE, "outlier_gap": 100 * OUTLIER_MIN_GAP,
    }


def trend_facts(found: Trend) -> dict[str, float]:
    """The best and worst point of a sweep, their spread in points and the rank correlation."""
    return {
        "best": found.best_value,
        "best_acc": 100 * found.best_accuracy,
        "worst": found.worst_value,
        "worst_acc": 100 * found.worst_accuracy,
        "spread": 100 * found.spread,
        "rho": found.rho,
    }


def batch_size_facts(table: pd.DataFrame) -> dict[str, float]:
    """Updates of the smallest and largest batch size and how accuracy correlates with log(updates)."""
    sweep = _sweep(table, "batch_size")
    return {
        "updates_rho": float(np.corrcoef(np.log(sweep.updates), sweep.val_accuracy)[0, 1]),
        "updates_small": int(sweep.updates.iloc[0]),
        "updates_large": int(sweep.updates.iloc[-1]),
        "small": sweep.value.iloc[0],
        "large": sweep.value.iloc[-1],
    }


def depth_facts(table: pd.DataFrame) -> dict[str, float]:
    """Parameters of the shallowest and deepest network, and the depth where the seeds disagree most."""
    sweep = _sweep(table, "hidden_layers")
    most_spread = sweep.sort_values("val_accuracy_std").iloc[-1]
    return {
        "params_min": int(sweep.params.iloc[0]),
        "params_max": int(sweep.params.iloc[-1]),
        "min": int(sweep.value.iloc[0]),
        "max": int(sweep.value.iloc[-1]),
        "std_max": 100 * most_spread.val_accuracy_std,
        "std_max_value": int(most_spread.value),
    }


def learning_rate_facts(table: pd.DataFrame, runs: pd.DataFrame, study: Study) -> dict[str, float]:
    """Runs that ended below 50 % accuracy or diverged, and the largest rate's accuracy (``nan`` and
    ``top_diverged`` when every seed diverged there)."""
    rows = sweep_rows(runs, "learning_rate", study)
    top = _sweep(table, "learning_rate").iloc[-1]
    failed = ~(rows.final_val_accuracy >= 0.5)  # below 50 %, or nan: a diverged run
    return {
        "diverged": int(failed.sum()),
        "runs": len(rows),
        "top": top.value,
        "top_acc": 100 * top.val_accuracy,
        "top_diverged": bool(not np.isfinite(top.val_accuracy)),
    }


def heatmap_facts(heat: pd.DataFrame) -> dict[str, float]:
    """The best learning rate at the smallest and largest batch size, how it scales (correlation of the
    logarithms), the best cell, and the largest batch at its best rate and at rate 0.01."""
    best_lr = best_lr_per_batch(heat)
    rho = 0.0
    if best_lr.nunique() > 1:
        rho = float(np.corrcoef(np.log(best_lr.index.to_numpy(float)), np.log(best_lr.to_numpy(float)))[0, 1])
    large = best_lr.index[-1]
    (peak_lr, peak_bs), cells = heat.stack().idxmax(), heat.stack()
    at_default = heat.loc[0.01, large] if 0.01 in heat.index else heat[large].iloc[0]
    return {
        "rho": rho,
        "best_lr_small": best_lr.iloc[0],
        "bs_small": best_lr.index[0],
        "best_lr_large": best_lr.iloc[-1],
        "bs_large": large,
        "peak_lr": peak_lr,
        "peak_bs": peak_bs,
        "peak_acc": 100 * cells.max(),
        "large_best_acc": 100 * heat[large].max(),
        "large_default_acc": 100 * at_default,
    }


def scaling_facts(heat: pd.DataFrame) -> dict[str, Any]:
    """The slope of log(best rate) against log(batch size), its 95 % interval and the batch sizes whose best
    rate sits at an edge of the grid (:func:`scaling_fit`)."""
    fit = scaling_fit(heat)
    return {"slope": fit.slope, "slope_low": fit.low, "slope_high": fit.high, "slope_points": fit.points,
            "at_lowest_rate": fit.at_lowest_rate, "at_highest_rate": fit.at_highest_rate}


def cost_facts(table: pd.DataFrame, epochs: int) -> dict[str, float]:
    """Median seconds per run and updates per epoch of the first and last batch size of the sweep."""
    sweep = table[table.parameter == "batch_size"].set_index("value")
    return {
        "time_small": sweep.seconds.iloc[0],
        "time_large": sweep.seconds.iloc[-1],
        "time_ratio": sweep.seconds.iloc[0] / sweep.seconds.iloc[-1],
        "updates_per_epoch_small": int(sweep.updates.iloc[0] // epochs),
        "updates_per_epoch_large": int(sweep.updates.iloc[-1] // epochs),
    }


def chosen_setting(best: pd.Series) -> dict[str, float]:
    """The best row as a setting of the three parameters (integers, and a float learning rate)."""
    return {k: (int(best[k]) if k != "learning_rate" else float(best[k])) for k in DEFAULTS}


def best_facts(table: pd.DataFrame) -> tuple[dict[str, float], Choice]:
    """The chosen setting, its accuracy and seed spread, the highest mean and the runner-up, and their
    paired difference over the shared seeds in percentage points (``nan`` where there is none)."""
    choice = choose(table)
    best, top, runner = choice.chosen, choice.top, choice.runner
    setting = chosen_setting(best)
    nan = float("nan")
    paired = choice.paired or Paired(nan, nan, nan, 0)
    facts = {
        "best_parameter": LABELS[best.parameter],
        "best_value": best.value,
        "best_bs": setting["batch_size"],
        "best_hl": setting["hidden_layers"],
        "best_lr": setting["learning_rate"],
        "best_acc": 100 * best.val_accuracy,
        "best_std": 100 * best.val_accuracy_std,
        "top_parameter": LABELS[top.parameter],
        "top_value": top.value,
        "top_acc": 100 * top.val_accuracy,
        "top_seconds": top.seconds,
        "runner_parameter": LABELS[runner.parameter] if runner is not None else "",
        "runner_value": runner.value if runner is not None else nan,
        "runner_acc": 100 * runner.val_accuracy if runner is not None else nan,
        "runner_seconds": runner.seconds if runner is not None else nan,
        "pair_diff": 100 * paired.mean,
        "pair_low": 100 * paired.low,
        "pair_high": 100 * paired.high,
        "pair_seeds": paired.seeds,
        "pair_tied": bool(paired.tied),
        "by_time": choice.by_time,
    }
    return facts, choice


BEST_RULE = (
    "highest mean validation accuracy over the one-at-a-time settings; when the paired 95 % interval of its "
    "difference from the runner-up contains 0, the two are tied and the faster run is taken"
)


def choice_evidence(facts: Mapping[str, Any], choice: Choice) -> dict:
    """What :func:`mlp_report.narrative.hyperparams.best_choice` needs, from :func:`best_facts`."""
    runner = choice.runner is not None
    return {
        "top": (facts["top_parameter"], facts["top_value"]),
        "top_acc": facts["top_acc"],
        "runner": (facts["runner_parameter"], facts["runner_value"]) if runner else None,
        "runner_acc": facts["runner_acc"],
        "paired": (facts["pair_diff"], facts["pair_low"], facts["pair_high"], facts["pair_seeds"]),
        "seconds": (facts["top_seconds"], facts["runner_seconds"]),
        "runner_chosen": choice.by_time,
    }


def best_record(choice: Choice) -> dict:
    """The chosen setting and its evidence, as Task 1 hands it to Tasks 2 and 3 (``task1_best.json``):
    ``setting`` as before, the rule, the chosen setting's accuracy, and the comparison that chose it."""
    best, paired = choice.chosen, choice.paired
    return {
        "setting": chosen_setting(best),
        "rule": BEST_RULE,
        "val_accuracy": float(best.val_accuracy),
        "val_accuracy_std": float(best.val_accuracy_std),
        "seeds": int(best.seeds),
        "highest_mean": chosen_setting(choice.top),
        "runner_up": chosen_setting(choice.runner) if choice.runner is not None else None,
        "paired_difference_points": None if paired is None else {
            "mean": 100 * paired.mean, "low": 100 * paired.low, "high": 100 * paired.high, "seeds": paired.seeds,
            "tied": paired.tied,
        },
        "tie_break": choice.by_time,
    }


def beyond_accuracy_facts(table: pd.DataFrame, y_val: np.ndarray) -> dict[str, float]:
    """What accuracy hides: the weakest class recall anywhere, the chosen setting's weakest class, the
    largest seed spread, the class balance of ``y_val`` and the cheapest setting within half a point."""
    best, default = best_setting(table), default_row(table)
    weakest, most_spread = notable_row(table, "weakest class"), notable_row(table, "largest spread")
    cheap = notable_row(table, "cheapest")
    counts = np.bincount(y_val, minlength=10)
    return {
        "worst_recall": 100 * weakest.worst_recall,
        "worst_recall_digit": int(weakest.worst_class),
        "worst_recall_acc": 100 * weakest.val_accuracy,
        "best_worst_recall": 100 * best.worst_recall,
        "best_worst_digit": int(best.worst_class),
        "best_macro_f1": 100 * best.macro_f1,
        "max_std": 100 * most_spread.val_accuracy_std,
        "class_min": int(counts.min()),
        "class_min_digit": int(counts.argmin()),
        "class_max": int(counts.max()),
        "class_max_digit": int(counts.argmax()),
        "best_seconds": best.seconds,
        "default_seconds": default.seconds,
        "cheap_acc": 100 * cheap.val_accuracy,
        "cheap_seconds": cheap.seconds,
    }


NOTABLE_ROWS = ("lowest loss", "highest accuracy", "weakest class", "largest spread", "cheapest")


def notable_row(table: pd.DataFrame, which: str) -> pd.Series:
    """One notable row of the summary: the "lowest loss", the "highest accuracy", the "weakest class"
    (lowest worst-class recall), the "largest spread" over seeds, or the "cheapest" setting within half a
    point of the best accuracy."""
    if which == "cheapest":
        best = best_setting(table)
        return table[table.val_accuracy >= best.val_accuracy - 0.005].sort_values("seconds").iloc[0]
    column, pick = {
        "lowest loss": ("val_loss", "idxmin"),
        "highest accuracy": ("val_accuracy", "idxmax"),
        "weakest class": ("worst_recall", "idxmin"),
        "largest spread": ("val_accuracy_std", "idxmax"),
    }[which]
    return table.loc[getattr(table[column], pick)()]


def results_report(table: pd.DataFrame, runs: pd.DataFrame | None = None, study: Study | None = None) -> dict:
    """The machine-readable summary the chapter writes to ``task1.json`` (with ``runs`` and ``study``, also
    the single seeds each sweep figure draws, :func:`seed_points`)."""
    best = best_setting(table)
    figures = {} if runs is None or study is None else {
        p: seed_points(sweep_rows(runs, p, study)).to_dict("records") for p in PARAMETERS
    }
    return {
        "figure_seeds": figures,
        "seeds_per_point": table.seeds.tolist(),
        "settings": len(table),
        "default_val_accuracy": float(default_row(table).val_accuracy),
        "val_accuracy_by_setting": {
            f"{p}={v:g}": float(a) for p, v, a in zip(table.parameter, table.value, table.val_accuracy, strict=True)
        },
        "best": chosen_setting(best),
        "best_val_accuracy": float(best.val_accuracy),
        # every seed's accuracy per setting (null where it diverged): the values behind the means and the figures
        "seed_accuracies": {
            f"{p}={v:g}": {str(seed): (float(a) if np.isfinite(a) else None) for seed, a in sorted(per_seed.items())}
            for p, v, per_seed in zip(table.parameter, table.value, table.seed_accuracies, strict=True)
        },
    }
