"""Figures of the basic network's chapter: sample digits and training curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

sns.set_theme(context="notebook", style="whitegrid")  # the look these chapters' figures were drawn in


def digit_grid(images: np.ndarray, labels: Sequence[int], *, titles: Sequence[str] | None = None, cols: int = 10):
    """A grid of 28x28 digits, each titled with its label (or the given titles)."""
    n = len(images)
    rows = max(1, -(-n // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.1 * cols, 1.3 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(np.asarray(images[i]).reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(titles[i] if titles is not None else str(labels[i]), fontsize=9)
    fig.tight_layout()
    return fig


def training_curves(history: Mapping[str, Sequence[float]], *, sets: Sequence[str] = ("val",)):
    """Loss and accuracy per epoch: the running training values and each evaluated set."""
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.4))
    epochs = np.arange(1, len(history["loss"]) + 1)
    names = {"val": "validation", "test": "test", "train": "training (evaluated)"}
    ax_loss.plot(epochs, history["loss"], marker="o", label="training (running)")
    ax_acc.plot(epochs, history["accuracy"], marker="o", label="training (running)")
    for s in sets:
        ax_loss.plot(epochs, history[f"{s}_loss"], marker="s", label=names.get(s, s))
        ax_acc.plot(epochs, history[f"{s}_accuracy"], marker="s", label=names.get(s, s))
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    for ax in (ax_loss, ax_acc):
        ax.set_xticks(epochs if len(epochs) <= 10 else ax.get_xticks())
        ax.legend()
    fig.tight_layout()
    return fig
