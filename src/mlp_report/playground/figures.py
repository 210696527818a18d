"""Figures in the playground's colours: data sets, decision maps, loss curves and neurons."""


from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from .constants import BLUE, CLASSIFICATION, DENSITY, DOMAIN, GREY, ORANGE
from .datasets import Split, make_split
from .network import Run, decision_map, neuron_maps
from .presets import TARGET_TEST_LOSS

# ---------------------------------------------------------------------------------------------------
# Figures in the playground's colours
# ---------------------------------------------------------------------------------------------------


def colormap():
    """The playground's diverging colour scale: orange (-1), light grey (0), blue (+1)."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("playground", [ORANGE, GREY, BLUE])


def _square(ax, title: str | None = None, ticks: bool = True) -> None:
    ax.set(xlim=(-DOMAIN, DOMAIN), ylim=(-DOMAIN, DOMAIN), aspect="equal")
    ax.grid(False)
    if title:
        ax.set_title(title, fontsize=10)
    if not ticks:
        ax.set_xticks([])
        ax.set_yticks([])


def draw_points(ax, data: Split, *, size: float = 14) -> None:
    """Training points with a white edge and test points with a black edge, coloured by label."""
    cmap = colormap()
    for x, y, edge, name in (
        (data.x_train, data.y_train, "white", "train"),
        (data.x_test, data.y_test, "black", "test"),
    ):
        ax.scatter(
            x[:, 0],
            x[:, 1],
            c=y,
            cmap=cmap,
            vmin=-1,
            vmax=1,
            s=size,
            edgecolors=edge,
            linewidths=0.6,
            label=name,
        )


def draw_heatmap(ax, values: np.ndarray, *, alpha: float = 1.0):
    """A [density, density] map over [-6, 6]^2 (row 0 at y = -6), clipped to [-1, 1] as the playground."""
    return ax.imshow(
        np.clip(values, -1, 1),
        extent=(-DOMAIN, DOMAIN, -DOMAIN, DOMAIN),
        origin="lower",
        cmap=colormap(),
        vmin=-1,
        vmax=1,
        alpha=alpha,
        interpolation="nearest",
    )


def datasets_figure(seed: int = 0, noises: Sequence[float] = (0,), ratio: float = 0.5):
    """The four classification data sets (columns) at each noise level (rows), split as the playground."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        len(noises),
        len(CLASSIFICATION),
        figsize=(2.6 * len(CLASSIFICATION), 2.7 * len(noises)),
        squeeze=False,
    )
    for row, noise in zip(axes, noises, strict=True):
        for ax, name in zip(row, CLASSIFICATION, strict=True):
            draw_points(ax, make_split(name, noise, ratio, seed), size=6)
            _square(ax, f"{name}, noise {noise:g}", ticks=False)
    fig.tight_layout()
    return fig


def run_figure(data: Split, run: Run, others: Sequence[Run] = (), *, title: str = ""):
    """Left: the decision heatmap (100 x 100 over [-6, 6]^2) with training and test points. Right: the
    training and test loss per epoch of this run, the test loss of the ``others`` faint, the 0.07 target."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    fig, (ax_map, ax_loss) = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [1, 1.35]})
    image = draw_heatmap(ax_map, decision_map(run.model, run.features))
    draw_points(ax_map, data)
    _square(ax_map, title)
    ax_map.set(xlabel="x1", ylabel="x2")
    fig.colorbar(image, ax=ax_map, fraction=0.046, pad=0.03, label="network output")
    epochs = np.arange(len(run.test_loss))
    for other in others:
        ax_loss.plot(epochs, other.test_loss, color="grey", lw=0.7, alpha=0.5)
    ax_loss.plot(epochs, run.train_loss, color=BLUE, lw=1.6, label="training loss (this run)")
    ax_loss.plot(epochs, run.test_loss, color=ORANGE, lw=1.6, label="test loss (this run)")
    ax_loss.axhline(TARGET_TEST_LOSS, color="black", ls="--", lw=1, label=f"target {TARGET_TEST_LOSS}")
    ax_loss.set(yscale="log", xlabel="epoch", ylabel="playground loss", title="Loss per epoch")
    handles, labels = ax_loss.get_legend_handles_labels()
    if others:
        handles.append(Line2D([], [], color="grey", lw=0.7))
        labels.append("test loss, other seeds")
    ax_loss.legend(handles, labels, fontsize=8)
    fig.tight_layout()
    return fig


def neurons_figure(run: Run, *, title: str = "", density: int = DENSITY):
    """Small heatmaps of every neuron (inputs, hidden layers, output), one column per layer, as the
    playground draws them next to its nodes: each shows the neuron's output over [-6, 6]^2."""
    import matplotlib.pyplot as plt

    maps = neuron_maps(run.model, run.features, density)
    rows = max(len(layer) for layer in maps)
    fig, axes = plt.subplots(
        rows, len(maps), figsize=(1.45 * len(maps) + 0.4, 1.3 * rows + 0.5), squeeze=False
    )
    names = ["features"] + [f"hidden {k}" for k in range(1, len(maps) - 1)] + ["output"]
    for col, (layer, name) in enumerate(zip(maps, names, strict=True)):
        for row in range(rows):
            ax = axes[row, col]
            ax.axis("off")
            if row < len(layer):
                draw_heatmap(ax, layer[row])
                label = (
                    run.features[row]
                    if col == 0
                    else f"{name.split()[0][0]}{col}.{row + 1}"
                    if col < len(maps) - 1
                    else "output"
                )
                ax.set_title(label, fontsize=8)
        axes[0, col].text(
            0.5, 1.35, name, transform=axes[0, col].transAxes, ha="center", fontsize=9, weight="bold"
        )
    if title:
        fig.suptitle(title, fontsize=10, y=1.0)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------------
