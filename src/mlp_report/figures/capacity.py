"""Figures of the capacity chapter: learning curves, the remedies, more data at a fixed budget."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..capacity import CurveSummary, Runs, _require_columns, curve, evaluated_epochs, histories

SET_STYLE = {  # evaluated set -> (label, colour)
    "train": ("training (the 1,000 images)", "C0"),
    "val": ("validation", "C2"),
    "test": ("test", "C3"),
}

def _band(ax, x: np.ndarray, matrix: np.ndarray, *, label: str, color: str, linestyle: str = "-") -> None:
    """Mean over seeds as a line, the range over seeds (min to max) as a shaded band."""
    ax.plot(x, matrix.mean(0), color=color, linestyle=linestyle, label=label, lw=1.6)
    if len(matrix) > 1:
        ax.fill_between(x, matrix.min(0), matrix.max(0), color=color, alpha=0.2, lw=0)


def learning_curves_figure(runs: Runs, summary: CurveSummary, *, sets: Sequence[str] = ("train", "val", "test")):
    """Loss and accuracy after every evaluated epoch on a log epoch axis, mean over seeds with min–max
    bands, with the epoch of the lowest mean test loss marked."""
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.9))
    first = histories(runs)[0]
    shown = [s for s in sets if f"{s}_loss" in first]
    epochs = evaluated_epochs(runs, len(first[f"{shown[0]}_loss"])) if shown else np.arange(1, summary.epochs + 1)
    for s in shown:
        label, color = SET_STYLE.get(s, (s, None))
        style = "--" if s == "val" else "-"
        _band(ax_loss, epochs, curve(runs, f"{s}_loss"), label=label, color=color, linestyle=style)
        _band(ax_acc, epochs, curve(runs, f"{s}_accuracy"), label=label, color=color, linestyle=style)
    for ax in (ax_loss, ax_acc):
        ax.axvline(summary.best_test_epoch, color="0.3", ls=":", lw=1.2)
        ax.set_xscale("log")
        ax.set_xlabel("epoch (log scale)")
    ax_loss.plot(summary.best_test_epoch, summary.min_test_loss, "o", color="C3", ms=7, zorder=5,
                 label=f"lowest test loss (epoch {summary.best_test_epoch})")
    ax_loss.set_yscale("log")
    ax_loss.set(ylabel="cross-entropy loss (log scale)", title="Loss")
    ax_acc.set(ylabel="accuracy", title="Accuracy")
    ax_loss.legend(fontsize=8)
    ax_acc.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def remedies_figure(curves: Mapping[str, Runs], per_seed: Mapping[str, pd.DataFrame], table: pd.DataFrame):
    """Left: mean test accuracy per epoch of each trained variant in ``curves`` (log epoch axis, min–max
    bands over seeds); for a remedy whose per-seed metrics have a ``best_epoch`` (early stopping), the
    restored epochs are marked. Right: each remedy's test accuracy, mean ± sd (bars) and per seed (dots)."""
    fig, (ax_curve, ax_bar) = plt.subplots(1, 2, figsize=(10, 4.6), gridspec_kw={"width_ratios": [1.25, 1]})
    colors = {name: f"C{i}" for i, name in enumerate(table.index)}
    for name, runs in curves.items():
        acc = curve(runs, "test_accuracy")
        _band(ax_curve, evaluated_epochs(runs, acc.shape[1]), acc, label=name, color=colors.get(name, "0.4"))
    for name, frame in per_seed.items():
        if "best_epoch" in frame:
            ax_curve.plot(frame["best_epoch"], frame["test_accuracy"], "v", color=colors.get(name, "k"), ms=7,
                          label=f"{name}: restored epochs", zorder=5)
    ax_curve.set_xscale("log")
    # zoom on the range where the remedies differ; the first epochs fall below the axis
    ax_curve.set_ylim(max(0.0, float(table["test_accuracy"].min()) - 0.1), min(1.0, float(table["test_accuracy"].max()) + 0.03))
    ax_curve.set(xlabel="epoch (log scale)", ylabel="test accuracy", title="Test accuracy during training")
    ax_curve.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, frameon=False)

    y = np.arange(len(table))
    ax_bar.barh(y, table["test_accuracy"], color=[colors[n] for n in table.index], alpha=0.45)
    ax_bar.errorbar(table["test_accuracy"], y, xerr=table["test_accuracy_sd"], fmt="none", ecolor="0.2", capsize=3)
    for i, name in enumerate(table.index):
        if name in per_seed:
            values = per_seed[name]["test_accuracy"].to_numpy()
            ax_bar.plot(values, np.full(len(values), i), "o", color="k", ms=3.5, alpha=0.7)
    ax_bar.set_yticks(y, table.index)
    ax_bar.invert_yaxis()
    spread = float(table["test_accuracy_sd"].max())
    low = float(table["test_accuracy"].min()) - 3 * spread - 0.01
    high = float(table["test_accuracy"].max()) + 3 * spread + 0.01
    ax_bar.set_xlim(max(0.0, low), min(1.0, high))
    ax_bar.axvline(table["test_accuracy"].iloc[0], color="0.3", ls=":", lw=1.2)
    ax_bar.set(xlabel="test accuracy (mean ± sd; dots: seeds)", title="Test accuracy of the returned model")
    fig.tight_layout()
    return fig


def more_data_figure(runs: pd.DataFrame, table: pd.DataFrame, *, budget: str, test_size: int = 10_000):
    """Training and test accuracy against the training-set size (log axis) at a fixed budget; dots are seeds."""
    _require_columns(runs, ("train_size", "final_train_accuracy", "final_test_accuracy"))
    fig, ax = plt.subplots(figsize=(6.4, 3.9))
    sizes = table.index.to_numpy()
    ax.plot(sizes, table["train_accuracy"], "o-", color=SET_STYLE["train"][1], label="training (the images used)")
    ax.plot(sizes, table["test_accuracy"], "s-", color=SET_STYLE["test"][1], label=f"test ({test_size:,} images)")
    ax.plot(runs["train_size"], runs["final_test_accuracy"], ".", color="k", alpha=0.5, label="test, each seed")
    for n, row in table.iterrows():
        ax.annotate(f"{int(row['epochs']):,} epochs", (n, row["test_accuracy"]), textcoords="offset points",
                    xytext=(0, 8), ha="center", fontsize=7, color="0.3")
    ax.set_xscale("log")
    ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
    ax.minorticks_off()
    ax.set(xlabel="training images (log scale)", ylabel="final accuracy", title=f"More data at a fixed budget ({budget})")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
