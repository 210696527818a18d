"""Figures in the playground's colours: data sets, decision maps, loss curves and neurons."""


from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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



FEATURE_LABELS = {  # the playground's input labels, in mathtext
    "x1": "$x_1$",
    "x2": "$x_2$",
    "x1^2": "$x_1^2$",
    "x2^2": "$x_2^2$",
    "x1*x2": "$x_1 x_2$",
    "sin(x1)": r"$\sin(x_1)$",
    "sin(x2)": r"$\sin(x_2)$",
}


def link_width(weight: float) -> float:
    """Line width (points) of a link, growing with |w| up to |w| = 5 as the playground's
    ``linkWidthScale`` (1 to 10 px over 0 to 5)."""
    return 0.5 + 0.9 * min(abs(float(weight)), 5.0)


def network_figure(run: Run, data: Split | None = None, *, title: str = "", density: int = DENSITY):
    """The trained network drawn as TensorFlow Playground draws it: the input features, the hidden neurons
    and the output as small heatmaps of what each computes over [-6, 6]^2, curved links coloured by the
    weight's sign (orange negative, blue positive) and as wide as |w|, dead links (cut by L1) dashed grey,
    and each neuron's bias as a small square at its lower left. On the right, the output over the plane
    at full size, with the test points of ``data`` if given.

    Link artists carry the gid ``link-<layer>-<i>-<j>`` (the weight from neuron i to neuron j of layer
    ``layer + 1``), bias squares ``bias-<layer>-<j>`` and node heatmaps ``node-<layer>-<j>``, so tests
    and readers can find them.
    """
    import matplotlib.pyplot as plt
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MplPath

    maps = neuron_maps(run.model, run.features, density)
    layers = run.layers()
    sizes = [len(maps[0])] + [len(layer["bias"]) for layer in layers]
    cmap = colormap()
    node, gap, col = 1.0, 0.45, 2.6  # node side, vertical gap between nodes, column spacing
    big = 4.2  # side of the output panel
    rows = max(sizes)
    height = max(rows * (node + gap) - gap, big + 1.5)  # room for the colour bar under the panel
    x_out = col * (len(sizes) - 1)
    panel_x = x_out + node + 1.3
    fig_w = (panel_x + big + 0.4 + 1.6) * 0.62
    fig, ax = plt.subplots(figsize=(fig_w, (height + 1.6) * 0.62))
    ax.set_xlim(-1.6, panel_x + big + 0.4)
    ax.set_ylim(-height - 0.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")

    def centre(layer: int, j: int) -> tuple[float, float]:
        return col * layer, -(j * (node + gap) + node / 2)

    # links first, under the nodes: a cubic curve as d3's diagonal, ending spread over the target's side
    for k, layer in enumerate(layers):
        kernel, dead = np.asarray(layer["kernel"]), np.asarray(layer["dead"], dtype=bool)
        n_in = kernel.shape[0]
        for j in range(kernel.shape[1]):
            x1, y1 = centre(k + 1, j)
            for i in range(n_in):
                x0, y0 = centre(k, i)
                end_y = y1 + (i - (n_in - 1) / 2) / n_in * 0.35
                start, end = (x0 + node / 2, y0), (x1 - node / 2, end_y)
                mid = (start[0] + end[0]) / 2
                path = MplPath([start, (mid, start[1]), (mid, end[1]), end], [MplPath.MOVETO] + [MplPath.CURVE4] * 3)
                w = float(kernel[i, j])
                style = (
                    {"edgecolor": "#9a9a9a", "linestyle": (0, (2, 2)), "linewidth": 0.8}
                    if dead[i, j]
                    else {"edgecolor": cmap((np.clip(w, -1, 1) + 1) / 2), "linewidth": link_width(w)}
                )
                ax.add_patch(PathPatch(path, facecolor="none", capstyle="round", gid=f"link-{k}-{i}-{j}", zorder=1, **style))

    # nodes: heatmaps with a thin frame; biases as small squares at the lower left
    for k, layer_maps in enumerate(maps):
        for j, values in enumerate(layer_maps):
            cx, cy = centre(k, j)
            left, bottom = cx - node / 2, cy - node / 2
            ax.imshow(
                np.clip(values, -1, 1), extent=(left, left + node, bottom, bottom + node), origin="lower",
                cmap=cmap, vmin=-1, vmax=1, interpolation="nearest", zorder=3, gid=f"node-{k}-{j}",
            )
            ax.add_patch(Rectangle((left, bottom), node, node, fill=False, edgecolor="#555", linewidth=0.6, zorder=4))
            if k == 0:
                ax.text(left - 0.12, cy, FEATURE_LABELS[run.features[j]], ha="right", va="center", fontsize=9)
            else:
                b = float(layers[k - 1]["bias"][j])
                ax.add_patch(
                    Rectangle(
                        (left - 0.26, bottom - 0.04), 0.2, 0.2, facecolor=cmap((np.clip(b, -1, 1) + 1) / 2),
                        edgecolor="#555", linewidth=0.4, zorder=4, gid=f"bias-{k - 1}-{j}",
                    )
                )
    names = ["Features"] + [f"Hidden {k}: {n}" for k, n in enumerate(sizes[1:-1], 1)] + ["Output"]
    for k, name in enumerate(names):
        ax.text(col * k, 0.45, name, ha="center", va="bottom", fontsize=9, weight="bold")

    # the output at full size, with the test points
    panel = (panel_x, panel_x + big, -big, 0.0)
    ax.imshow(np.clip(maps[-1][0], -1, 1), extent=panel, origin="lower", cmap=cmap, vmin=-1, vmax=1,
              interpolation="nearest", zorder=3, gid="output-panel")
    ax.add_patch(Rectangle((panel_x, -big), big, big, fill=False, edgecolor="#555", linewidth=0.6, zorder=4))
    if data is not None:
        scale = big / (2 * DOMAIN)
        ax.scatter(panel_x + (data.x_test[:, 0] + DOMAIN) * scale, -big + (data.x_test[:, 1] + DOMAIN) * scale,
                   c=data.y_test, cmap=cmap, vmin=-1, vmax=1, s=8, edgecolors="black", linewidths=0.4, zorder=5)
    ax.text(panel_x + big / 2, 0.45, "Output over [-6, 6]²" + (" (test points)" if data is not None else ""),
            ha="center", va="bottom", fontsize=9, weight="bold")
    bar = ax.inset_axes((panel_x, -big - 0.75, big, 0.22), transform=ax.transData)
    colorbar = fig.colorbar(ScalarMappable(Normalize(-1, 1), cmap), cax=bar, orientation="horizontal", ticks=[-1, 0, 1])
    colorbar.ax.tick_params(labelsize=8)
    colorbar.set_label("outputs, weights and biases (link width: |weight|)", fontsize=8)
    # arrow from the output neuron to its panel
    ax.annotate("", xy=(panel_x - 0.1, -node / 2), xytext=(x_out + node / 2 + 0.1, -node / 2),
                arrowprops={"arrowstyle": "->", "color": "#555", "lw": 0.8})
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------------
