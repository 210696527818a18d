"""Figures of the confusion chapter: confusion matrices, the gallery of a confused pair, the remedy's trade-off."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import LogNorm
from matplotlib.ticker import FuncFormatter

from ..confusion import check_matrix, normalise_rows
from ..validation import ConfigError, require_int


def confusion_figure(matrix: object, *, normalise: bool = False, title: str | None = None):
    """A readable 10x10 heatmap: true digit down, predicted digit across, every cell annotated.

    Raw counts show integers; ``normalise=True`` shows each row in percent (its diagonal is the recall).
    The colour scale is logarithmic so that errors of a few images stand out next to a diagonal of ~1,000;
    empty cells stay white.
    """
    cm = check_matrix(matrix)
    values = 100 * normalise_rows(cm) if normalise else cm.astype(float)
    n = len(cm)
    shown = np.where(values > 0, values, np.nan)  # log scale: zeros are left blank
    positive = values[values > 0]
    low = float(positive.min()) if positive.size else 1.0
    high = float(positive.max()) if positive.size else 10.0
    norm = LogNorm(vmin=min(low, 0.1 if normalise else 1.0), vmax=max(high, 10.0))
    fig, ax = plt.subplots(figsize=(7.2, 6.0))
    sns.heatmap(
        shown,
        ax=ax,
        cmap="rocket_r",
        norm=norm,
        square=True,
        linewidths=0.5,
        linecolor="white",
        cbar_kws={"label": ("share of the true digit (%)" if normalise else "images") + ", log scale"},
        annot=False,
    )
    for i in range(n):
        for j in range(n):
            v = values[i, j]
            if np.isnan(v):  # a class without images: no recall
                text, colour = "–", "0.6"
            elif v == 0:
                text, colour = "0", "0.6"
            else:
                text = (f"{v:.1f}" if v < 99.95 else "100") if normalise else f"{int(v)}"
                colour = "white" if norm(v) > 0.6 else "black"  # dark cells get white text
            ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=8, color=colour)
    colourbar = ax.collections[0].colorbar
    colourbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))  # 1, 10, 100, not 10^k
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_xticks(np.arange(n) + 0.5, [str(c) for c in range(n)])
    ax.set_yticks(np.arange(n) + 0.5, [str(c) for c in range(n)], rotation=0)
    ax.tick_params(length=0)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def gallery_figure(
    images: np.ndarray,
    true: Sequence[int],
    predicted: Sequence[int],
    confidence: Sequence[float],
    *,
    max_images: int = 20,
    cols: int = 10,
):
    """Misclassified images, most confident mistakes first, titled "true → predicted" and the confidence."""
    max_images = require_int("max_images", max_images, minimum=1)
    cols = require_int("cols", cols, minimum=1)
    n = len(images)
    if not (len(true) == len(predicted) == len(confidence) == n):
        raise ConfigError(
            f"images, true, predicted and confidence have {n}, {len(true)}, {len(predicted)} and "
            f"{len(confidence)} entries: expected equally many."
        )
    if n == 0:
        fig, ax = plt.subplots(figsize=(6, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "no misclassified images of this pair", ha="center", va="center")
        return fig
    order = np.argsort(-np.asarray(confidence, dtype=float), kind="stable")[:max_images]
    shown = len(order)
    cols = min(cols, shown)
    rows = -(-shown // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.25 * cols, 1.55 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, order, strict=False):
        ax.imshow(np.asarray(images[i]).reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"{true[i]} → {predicted[i]}\n{100 * confidence[i]:.0f} %", fontsize=9)
    fig.tight_layout()
    return fig


def tradeoff_figure(per_run: pd.DataFrame, target: int, *, chosen: float | None = None):
    """The remedy's trade-off against the target's class weight (1 = baseline), every seed a faint dot.

    Left: the target's recall (what the remedy buys) and precision (the other digits' images it now
    claims). Right: overall accuracy and the other digits' mean recall.
    """
    for column in ("weight", "seed", "target_recall", "target_precision", "accuracy", "others_recall"):
        if column not in per_run.columns:
            raise ConfigError(f"per_run has no column {column!r}: expected the frame of remedy_runs().")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    panels = (
        (left, (("target_recall", f"recall of {target}"), ("target_precision", f"precision of {target}")), f"Digit {target}"),
        (right, (("accuracy", "overall accuracy"), ("others_recall", "other digits: mean recall")), "Everything else"),
    )
    weights = sorted(per_run["weight"].unique())
    for ax, series, title in panels:
        for (column, label), colour, marker in zip(series, ("C0", "C3"), ("o", "s"), strict=True):
            ax.scatter(per_run["weight"], 100 * per_run[column], color=colour, alpha=0.3, s=16)
            means = per_run.groupby("weight")[column].mean()
            ax.plot(means.index, 100 * means.to_numpy(), color=colour, marker=marker, label=f"{label} (mean)")
        if chosen is not None:
            ax.axvline(chosen, color="0.5", ls="--", lw=1, label="weight chosen on validation")
        ax.set_xscale("log", base=2)
        ax.set_xticks(weights, [f"{w:g}" for w in weights])
        ax.minorticks_off()
        ax.set(xlabel=f"class weight of digit {target} (1 = baseline)", ylabel="test set (%)", title=title)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
