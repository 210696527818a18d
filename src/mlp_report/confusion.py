"""Task 2: confusion matrices, the most-confused pair, per-class metrics and a measured class-weight remedy.

Everything here works on predicted classes (arrays of digits), so it is tested on small synthetic
predictions; the chapter feeds it the test-set predictions that :func:`mlp_report.sweeps.run_sweep` keeps.
Ties are broken deterministically: among equal counts the cell with the smaller (true, predicted) wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import classification_report, confusion_matrix

from .data import N_CLASSES
from .validation import ConfigError, require_choice, require_float, require_int

METRICS = ("precision", "recall", "f1-score")


@dataclass(frozen=True)
class Confusion:
    """One off-diagonal cell: ``count`` images of digit ``true`` were predicted as ``predicted``."""

    true: int
    predicted: int
    count: int

    def label(self) -> str:
        return f"{self.true} → {self.predicted}"


# ---------------------------------------------------------------- input checks


def _labels(name: str, values: object, n_classes: int) -> np.ndarray:
    """``values`` as a 1-D int64 array of classes in [0, n_classes), or a clear ConfigError."""
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.size == 0:
        raise ConfigError(f"{name} has shape {arr.shape}: expected a non-empty 1-D array of class labels.")
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise ConfigError(f"{name} has dtype {arr.dtype}: expected integer class labels 0..{n_classes - 1}.")
    bad = arr[(arr < 0) | (arr >= n_classes)]
    if bad.size:
        raise ConfigError(f"{name} contains {bad[0].item()!r}, which is invalid: expected class labels 0..{n_classes - 1}.")
    return arr.astype(np.int64)


def _pair(y_true: object, y_pred: object, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    n_classes = require_int("n_classes", n_classes, minimum=2)
    t, p = _labels("y_true", y_true, n_classes), _labels("y_pred", y_pred, n_classes)
    if len(t) != len(p):
        raise ConfigError(f"y_true has {len(t)} labels but y_pred has {len(p)}: expected equally many.")
    return t, p


def check_matrix(matrix: object) -> np.ndarray:
    """``matrix`` as a square int64 array of non-negative counts, or a clear ConfigError."""
    cm = np.asarray(matrix)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] < 2:
        raise ConfigError(f"confusion matrix has shape {cm.shape}: expected a square (k, k) array with k >= 2.")
    if cm.dtype.kind == "f" and np.all(np.isfinite(cm)) and np.all(cm == np.round(cm)):
        cm = cm.astype(np.int64)
    if cm.dtype.kind not in "iu" or (cm < 0).any():
        raise ConfigError("confusion matrix is invalid: expected non-negative integer counts.")
    return cm.astype(np.int64)


# ---------------------------------------------------------------- confusion matrices


def confusion(y_true: object, y_pred: object, n_classes: int = N_CLASSES) -> np.ndarray:
    """scikit-learn's confusion matrix with every class as a row (true) and a column (predicted)."""
    t, p = _pair(y_true, y_pred, n_classes)
    return confusion_matrix(t, p, labels=np.arange(n_classes)).astype(np.int64)


def normalise_rows(matrix: object) -> np.ndarray:
    """Each row divided by its sum: the share of each true class given each prediction (the diagonal is recall).

    A class with no images has no recall: its row is NaN rather than a misleading 0.
    """
    cm = check_matrix(matrix).astype(float)
    support = cm.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(support > 0, cm / np.where(support > 0, support, 1), np.nan)


def _off_diagonal_cells(cm: np.ndarray) -> list[Confusion]:
    """Every off-diagonal cell, largest count first, ties by (true, predicted)."""
    cells = [Confusion(i, j, int(cm[i, j])) for i in range(len(cm)) for j in range(len(cm)) if i != j]
    return sorted(cells, key=lambda c: (-c.count, c.true, c.predicted))


def most_confused(matrix: object) -> Confusion:
    """The largest off-diagonal cell (the argmax over all (true, predicted) pairs with true != predicted)."""
    cm = check_matrix(matrix)
    top = _off_diagonal_cells(cm)[0]
    if top.count == 0:
        raise ConfigError("the confusion matrix has no off-diagonal counts: there is no confused pair to name.")
    return top


def most_confused_both_ways(matrix: object) -> tuple[int, int, int]:
    """The pair of digits ``(a, b)``, ``a < b``, with the most confusions in either direction, and that count."""
    cm = check_matrix(matrix)
    both = cm + cm.T
    np.fill_diagonal(both, -1)
    upper = np.triu(both, k=1) - np.tril(np.ones_like(both))  # each unordered pair once
    a, b = np.unravel_index(int(np.argmax(upper)), upper.shape)  # first in row-major order on ties
    if both[a, b] <= 0:
        raise ConfigError("the confusion matrix has no off-diagonal counts: there is no confused pair to name.")
    return int(a), int(b), int(both[a, b])


def top_confusions(matrix: object, k: int = 5) -> pd.DataFrame:
    """The ``k`` largest off-diagonal cells with their count and share of the true class (cells of 0 left out)."""
    cm = check_matrix(matrix)
    k = require_int("k", k, minimum=1)
    support = cm.sum(axis=1)
    rows = [
        {
            "true digit": c.true,
            "predicted as": c.predicted,
            "images": c.count,
            "share of the true digit (%)": round(100 * c.count / support[c.true], 2),
        }
        for c in _off_diagonal_cells(cm)[:k]
        if c.count > 0
    ]
    table = pd.DataFrame(rows, columns=["true digit", "predicted as", "images", "share of the true digit (%)"])
    table.index = pd.RangeIndex(1, len(table) + 1, name="rank")
    return table


def pair_facts(matrix: object, k: int = 5) -> dict[str, float]:
    """The most-confused pair of one matrix with its reverse mistake and its shares (in percent) of the
    true digit's images and of all errors; how many of the ``k`` largest cells there are and what share
    of the errors they hold, against the share they would hold if errors were spread evenly."""
    cm = check_matrix(matrix)
    pair, top = most_confused(cm), top_confusions(cm, k=k)
    errors = int(cm.sum() - np.trace(cm))
    return {
        "pair_true": pair.true,
        "pair_pred": pair.predicted,
        "pair_count": pair.count,
        "reverse_count": int(cm[pair.predicted, pair.true]),
        "pair_share_true": 100 * pair.count / cm[pair.true].sum(),
        "pair_share_errors": 100 * pair.count / errors,
        "top5_rows": len(top),
        "top5_share": 100 * top["images"].sum() / errors,
        "even_share": 100 * len(top) / (len(cm) * (len(cm) - 1)),
    }


def pair_stability(matrices: Sequence[object], seeds: Sequence[int] | None = None) -> pd.DataFrame:
    """The top pair of each seed's matrix: one row per seed (seed, true, predicted, count, errors)."""
    if len(matrices) == 0:
        raise ConfigError("matrices=[] is invalid: expected at least one confusion matrix.")
    seeds = list(range(len(matrices))) if seeds is None else list(seeds)
    if len(seeds) != len(matrices):
        raise ConfigError(f"seeds has {len(seeds)} entries but matrices has {len(matrices)}: expected equally many.")
    rows = []
    for seed, matrix in zip(seeds, matrices, strict=True):
        cm = check_matrix(matrix)
        top = most_confused(cm)
        rows.append(
            {"seed": seed, "true": top.true, "predicted": top.predicted, "count": top.count, "errors": int(cm.sum() - np.trace(cm))}
        )
    return pd.DataFrame(rows)


def pair_counts(stability: pd.DataFrame) -> Counter:
    """How often each (true, predicted) pair was the top confusion across the seeds of :func:`pair_stability`."""
    return Counter(zip(stability["true"].astype(int), stability["predicted"].astype(int), strict=True))


# ---------------------------------------------------------------- per-class metrics


def per_class_report(y_true: object, y_pred: object, n_classes: int = N_CLASSES) -> pd.DataFrame:
    """scikit-learn's ``classification_report`` per class: precision, recall, F1 and support (rows = digits)."""
    t, p = _pair(y_true, y_pred, n_classes)
    report = classification_report(t, p, labels=np.arange(n_classes), output_dict=True, zero_division=0)
    table = pd.DataFrame({c: report[str(c)] for c in range(n_classes)}).T
    table["support"] = table["support"].astype(int)
    table.index.name = "digit"
    return table[[*METRICS, "support"]]


def report_table(report: pd.DataFrame) -> pd.DataFrame:
    """The per-class report for the page: metrics in percent (2 decimals), readable column names."""
    table = report.copy()
    for metric in METRICS:
        table[metric] = (100 * table[metric]).round(2)
    table.columns = ["precision (%)", "recall (%)", "F1 (%)", "test images"]
    return table


def matrix_facts(matrix: object) -> dict[str, float]:
    """Images, errors and accuracy (in percent) of a confusion matrix, and its rarest and most frequent digit."""
    cm = check_matrix(matrix)
    support = cm.sum(axis=1)
    smallest, largest = int(np.argmin(support)), int(np.argmax(support))
    return {
        "matrix_total": int(cm.sum()),
        "errors": int(cm.sum() - np.trace(cm)),
        "shown_accuracy": 100 * np.trace(cm) / cm.sum(),
        "smallest_class": smallest,
        "smallest_support": int(support[smallest]),
        "largest_class": largest,
        "largest_support": int(support[largest]),
    }


def weakest_class(report: pd.DataFrame, metric: str = "f1-score") -> int:
    """The class with the lowest ``metric`` (ties: the smaller digit)."""
    require_choice("metric", metric, METRICS)
    values = report[metric].astype(float)
    return int(values.index[int(np.argmin(values.to_numpy()))])


def class_facts(report: pd.DataFrame) -> dict[str, float]:
    """The weakest digit by F1 (its F1, recall and precision in percent), the digit with the lowest recall
    and the easiest digit by F1, from :func:`per_class_report`."""
    weakest, lowest_recall = weakest_class(report, "f1-score"), weakest_class(report, "recall")
    best = int(report["f1-score"].astype(float).idxmax())
    return {
        "weakest": weakest,
        "weakest_f1": 100 * report.loc[weakest, "f1-score"],
        "weakest_recall": 100 * report.loc[weakest, "recall"],
        "weakest_precision": 100 * report.loc[weakest, "precision"],
        "lowest_recall": lowest_recall,
        "lowest_recall_value": 100 * report.loc[lowest_recall, "recall"],
        "best_class": best,
        "best_f1": 100 * report.loc[best, "f1-score"],
    }


def mean_recall(y_true: object, predictions: Sequence[object], n_classes: int = N_CLASSES) -> np.ndarray:
    """Recall of every class averaged over several runs' predictions of the same images."""
    if len(predictions) == 0:
        raise ConfigError("predictions=[] is invalid: expected the predictions of at least one run.")
    recalls = np.vstack([np.diag(normalise_rows(confusion(y_true, p, n_classes))) for p in predictions])
    present = ~np.isnan(recalls).all(axis=0)  # a class without images has no recall: NaN, without a warning
    out = np.full(n_classes, np.nan)
    out[present] = np.nanmean(recalls[:, present], axis=0)
    return out


# ---------------------------------------------------------------- the remedy


def class_metrics(y_true: object, y_pred: object, target: int, n_classes: int = N_CLASSES) -> dict[str, float]:
    """What a remedy for ``target`` gains and costs, from one run's predictions.

    ``target_errors`` counts the target's images predicted as something else; ``false_alarms`` the
    other classes' images predicted as the target. ``others_*`` average over the other classes.
    """
    target = require_int("target", target, minimum=0, maximum=n_classes - 1)
    cm = confusion(y_true, y_pred, n_classes)
    report = per_class_report(y_true, y_pred, n_classes)
    others = [c for c in range(n_classes) if c != target]
    return {
        "accuracy": float(np.trace(cm) / cm.sum()),
        "target_recall": float(report.loc[target, "recall"]),
        "target_precision": float(report.loc[target, "precision"]),
        "target_f1": float(report.loc[target, "f1-score"]),
        "target_errors": int(cm[target].sum() - cm[target, target]),
        "false_alarms": int(cm[:, target].sum() - cm[target, target]),
        "others_precision": float(report.loc[others, "precision"].mean()),
        "others_recall": float(report.loc[others, "recall"].mean()),
        "others_min_precision": float(report.loc[others, "precision"].min()),
    }


def remedy_runs(
    runs: pd.DataFrame, y_true: object, target: int, split: str = "test", n_classes: int = N_CLASSES
) -> pd.DataFrame:
    """One row per run of ``runs`` (a :func:`run_sweep` frame): the target's weight, the seed and :func:`class_metrics`."""
    split = require_choice("split", split, ("train", "val", "test"))
    for column in ("class_weight", "seed", "predictions"):
        if column not in runs.columns:
            raise ConfigError(f"runs has no column {column!r}: expected a run_sweep() result with predictions.")
    rows = []
    for _, run in runs.iterrows():
        if split not in run["predictions"]:
            raise ConfigError(f"a run has no {split!r} predictions: add {split!r} to RunConfig(predict=...).")
        weight = dict(run["class_weight"]).get(target, 1.0)
        rows.append({"weight": float(weight), "seed": int(run["seed"]), **class_metrics(y_true, run["predictions"][split], target, n_classes)})
    return pd.DataFrame(rows).sort_values(["weight", "seed"], ignore_index=True)


def remedy_summary(per_run: pd.DataFrame, baseline_weight: float = 1.0) -> pd.DataFrame:
    """Per weight: the mean of every metric over the seeds, and the mean paired change from the baseline.

    Paired: each remedy run is compared with the baseline run of the same seed (same initial weights and
    shuffles), so seed-to-seed noise cancels. ``seeds_improved`` counts seeds whose target recall rose.
    """
    baseline_weight = require_float("baseline_weight", baseline_weight, positive=True)
    weights = sorted(per_run["weight"].unique())
    if baseline_weight not in weights:
        raise ConfigError(f"baseline_weight={baseline_weight!r} is invalid: expected one of the run weights {weights}.")
    base = per_run[per_run["weight"] == baseline_weight].set_index("seed")
    metrics = [c for c in per_run.columns if c not in ("weight", "seed")]
    rows = []
    for weight in weights:
        runs = per_run[per_run["weight"] == weight].set_index("seed")
        missing = sorted(set(runs.index) ^ set(base.index))
        if missing:
            raise ConfigError(f"weight {weight} and the baseline were run on different seeds (differ in {missing}).")
        change = runs[metrics] - base.loc[runs.index, metrics]
        row: dict[str, float] = {"weight": weight, "seeds": len(runs)}
        row.update({m: float(runs[m].mean()) for m in metrics})
        row.update({f"{m}_std": float(runs[m].std(ddof=1)) if len(runs) > 1 else 0.0 for m in metrics})
        row.update({f"change_{m}": float(change[m].mean()) for m in metrics})
        row["seeds_improved"] = int((change["target_recall"] > 0).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def choose_weight(val_summary: pd.DataFrame, baseline_weight: float = 1.0) -> float:
    """The remedy weight (not the baseline) with the best mean validation F1 of the target class.

    F1 rewards the recall a higher weight wins and charges the precision it loses (the other digits'
    images it now claims), so the choice is made on validation and the test set only measures it.
    """
    remedies = val_summary[val_summary["weight"] != baseline_weight]
    if remedies.empty:
        raise ConfigError("val_summary holds only the baseline: expected at least one remedy weight.")
    best = remedies.sort_values(["target_f1", "weight"], ascending=[False, True]).iloc[0]
    return float(best["weight"])


def weight_helps(val_summary: pd.DataFrame, weight: float, baseline_weight: float = 1.0) -> bool:
    """Whether ``weight`` has a higher mean validation F1 of the target than the baseline."""
    f1 = val_summary.set_index("weight")["target_f1"]
    return bool(f1[weight] > f1[baseline_weight])


def remedy_table(summary: pd.DataFrame, target: int) -> pd.DataFrame:
    """The test-set summary as a readable table: one row per class weight of ``target``."""
    pct = 100.0
    table = pd.DataFrame(
        {
            f"weight of digit {target}": [f"{w:g}" + (" (baseline)" if i == 0 else "") for i, w in enumerate(summary["weight"])],
            f"recall of {target} (%)": (pct * summary["target_recall"]).round(2),
            f"{target} misclassified (images)": summary["target_errors"].map(lambda v: f"{v:.1f}"),
            f"precision of {target} (%)": (pct * summary["target_precision"]).round(2),
            f"others read as {target} (images)": summary["false_alarms"].map(lambda v: f"{v:.1f}"),
            "other digits: mean precision (%)": (pct * summary["others_precision"]).round(2),
            "other digits: mean recall (%)": (pct * summary["others_recall"]).round(2),
            "accuracy (%)": (pct * summary["accuracy"]).round(2),
            "change in accuracy (points)": (pct * summary["change_accuracy"]).map(lambda v: f"{v:+.2f}"),
            "seeds with higher recall": [f"{int(k)} of {int(n)}" for k, n in zip(summary["seeds_improved"], summary["seeds"], strict=True)],
        }
    )
    return table.set_index(f"weight of digit {target}")


def display_table(frame: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """``frame`` ready to glue: the index becomes the first column, floats become text with ``decimals``."""
    decimals = require_int("decimals", decimals, minimum=0)
    table = frame.reset_index() if frame.index.name is not None else frame.reset_index(drop=True)
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):
            table[column] = table[column].map(lambda v: f"{v:,.{decimals}f}")
    return table
