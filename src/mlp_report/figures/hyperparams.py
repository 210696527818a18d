"""Figures of the hyperparameter chapter: one sweep with seed bands, the cost of each setting, the heatmap."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

sns.set_theme(context="notebook", style="whitegrid")  # the look these chapters' figures were drawn in


def _t_band(values):
    from ..hyperparams import t_interval

    return t_interval(values)


def _value_axis(ax, values: Sequence[float], log: bool) -> None:
    if log:
        ax.set_xscale("log", base=2 if all(float(v).is_integer() for v in values) else 10)
    ax.set_xticks(list(values))
    ax.set_xticklabels([f"{v:g}" for v in values])
    ax.minorticks_off()


SEED_STYLE = {"s": 16, "facecolors": "none", "edgecolors": "0.25", "linewidths": 0.8, "zorder": 4}  # hollow, dark: print


def _jitter(values, index, n: int, log: bool):
    """x positions of ``n`` seeds' points spread a little around ``values`` (in octaves on a log axis)."""
    width = 0.3 if log else 0.25
    offset = (np.asarray(index, float) - (n - 1) / 2) * width / max(n - 1, 1)
    return np.asarray(values, float) * (2.0**offset) if log else np.asarray(values, float) + offset


def sweep_figure(rows, parameter: str, label: str, *, log: bool):
    """Validation accuracy and loss against one parameter: mean over seeds with a 95 % t-interval band, and
    every seed's own value as a hollow point (:func:`mlp_report.hyperparams.seed_points`), spread a little
    sideways so that equal values stay apart."""
    from ..hyperparams import seed_points, without_diverged

    values = sorted(rows["value"].unique())
    fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(10, 3.6))
    rows = without_diverged(rows)  # diverged runs are marked below the curves, never averaged in
    plot = rows[~rows["diverged"]].assign(acc=lambda r: 100 * r["final_val_accuracy"], loss=lambda r: r["final_val_loss"])
    sns.lineplot(data=plot, x="value", y="acc", marker="o", errorbar=_t_band, ax=ax_acc, label="mean, 95 % CI")
    sns.lineplot(data=plot, x="value", y="loss", marker="o", errorbar=_t_band, color="C3", ax=ax_loss, label="mean, 95 % CI")
    points = seed_points(rows)
    if len(points):
        rank = points.groupby("value")["seed"].rank(method="first").to_numpy() - 1
        n = int(points.groupby("value")["seed"].count().max())
        x = _jitter(points["value"], rank, n, log)
        ax_acc.scatter(x, 100 * points["accuracy"], label="one seed", **SEED_STYLE)
        ax_loss.scatter(x, points["loss"], label="one seed", **SEED_STYLE)
    bad = rows[rows["diverged"]].groupby("value")["seed"].nunique()
    for ax in (ax_acc, ax_loss) if len(bad) else ():
        ax.scatter(bad.index, [0.02] * len(bad), transform=ax.get_xaxis_transform(), marker="x", color="black",
                   zorder=5, label="diverged: " + ", ".join(f"{n} seed{'s' * (n > 1)} at {v:g}" for v, n in bad.items()))
    for ax in (ax_acc, ax_loss):
        ax.legend(loc="best", fontsize=8)
    seeds = rows.groupby("value")["seed"].nunique().min()
    ax_acc.set(xlabel=label, ylabel="validation accuracy (%)", title=f"Accuracy (mean of {seeds} seed{'s' * bool(seeds != 1)}, 95 % CI)")
    ax_loss.set(xlabel=label, ylabel="validation cross-entropy", title="Loss")
    for ax in (ax_acc, ax_loss):
        _value_axis(ax, values, log)
    fig.tight_layout()
    return fig


def cost_figure(table):
    """What each setting costs: time per run and SGD updates against the batch size, parameters and time
    against the depth, and time against the learning rate."""
    from ..hyperparams import LABELS

    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    specs = [
        ("batch_size", "seconds", "training time per run (s)", True),
        ("batch_size", "updates", "SGD updates per run", True),
        ("hidden_layers", "params", "trainable parameters", False),
        ("learning_rate", "seconds", "training time per run (s)", True),
    ]
    for ax, (parameter, column, ylabel, log) in zip(axes.flat, specs, strict=True):
        rows = table[table.parameter == parameter].sort_values("value")
        ax.plot(rows["value"], rows[column], marker="o")
        ax.set(xlabel=LABELS[parameter], ylabel=ylabel)
        _value_axis(ax, rows["value"].tolist(), log)
        if column == "updates":
            ax.set_yscale("log")
    rows = table[table.parameter == "hidden_layers"].sort_values("value")
    twin = axes[1, 0].twinx()
    twin.plot(rows["value"], rows["seconds"], marker="s", color="C1")
    twin.set_ylabel("training time per run (s)", color="C1")
    twin.grid(False)
    fig.tight_layout()
    return fig


def heatmap_figure(heat):
    """Mean validation accuracy (%) over learning rate x batch size, annotated."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    sns.heatmap(
        100 * heat,
        annot=True,
        fmt=".1f",
        cmap="viridis",
        cbar_kws={"label": "validation accuracy (%)"},
        xticklabels=[f"{v:g}" for v in heat.columns],
        yticklabels=[f"{v:g}" for v in heat.index],
        ax=ax,
    )
    for i, j in zip(*np.where(heat.isna().to_numpy()), strict=True):  # every seed of that cell diverged
        ax.text(j + 0.5, i + 0.5, "diverged", ha="center", va="center", fontsize=8, color="black")
    ax.set(xlabel="batch size", ylabel="learning rate")
    fig.tight_layout()
    return fig
