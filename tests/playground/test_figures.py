"""The static network diagram (figures.network_figure): one link per weight, coloured and sized by it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.patches import PathPatch, Rectangle  # noqa: E402

from mlp_report import playground as pg  # noqa: E402
from mlp_report.playground.figures import link_width  # noqa: E402


@pytest.fixture(scope="module")
def l1_run():
    """XOR's 3-1 network after a few epochs with a strong L1: some links dead, the others of both signs."""
    config = {**pg.PRESETS["xor"], "regularization": "L1", "regularization_rate": 0.1}
    return pg.seeded_run(config, 0, epochs=4)


def artists(fig, kind, prefix):
    return {a.get_gid(): a for a in fig.axes[0].findobj(kind) if (a.get_gid() or "").startswith(prefix)}


def test_one_link_per_weight_coloured_and_sized_by_it(l1_run) -> None:
    data, run = l1_run
    fig = pg.network_figure(run, data, title="xor")
    try:
        layers = run.layers()
        links = artists(fig, PathPatch, "link-")
        assert len(links) == sum(np.size(layer["kernel"]) for layer in layers) == 3 * 3 + 3 + 1
        n_dead = live_neg = live_pos = 0
        for k, layer in enumerate(layers):
            for i, row in enumerate(layer["kernel"]):
                for j, w in enumerate(row):
                    link = links[f"link-{k}-{i}-{j}"]
                    r, _, b, _ = link.get_edgecolor()
                    if layer["dead"][i][j]:
                        n_dead += 1
                        assert w == 0 and link.get_linestyle() != "-"
                        continue
                    assert link.get_linewidth() == pytest.approx(link_width(w))
                    if w < 0:  # orange: more red than blue
                        live_neg += 1
                        assert r > b, (k, i, j, w)
                    else:  # blue
                        live_pos += 1
                        assert b > r, (k, i, j, w)
        assert n_dead == sum(int(d.sum()) for d in run.dead) > 0 and live_neg and live_pos
        assert link_width(-2) == link_width(2) > link_width(0.5) > link_width(0) and link_width(50) == link_width(5)
        # biases: one square per neuron after the inputs, coloured by the bias' sign
        biases = artists(fig, Rectangle, "bias-")
        assert len(biases) == sum(len(layer["bias"]) for layer in layers)
        for k, layer in enumerate(layers):
            for j, b in enumerate(layer["bias"]):
                face = biases[f"bias-{k}-{j}"].get_facecolor()
                assert face == pytest.approx(to_rgba(pg.colormap()((np.clip(b, -1, 1) + 1) / 2)))
        # a heatmap per node (features, hidden neurons, output) and the output panel
        images = {im.get_gid() for im in fig.axes[0].get_images()}
        assert len(images) == 3 + 3 + 1 + 1 + 1 and "output-panel" in images
    finally:
        plt.close(fig)


def test_the_figure_renders(l1_run, tmp_path) -> None:
    data, run = l1_run
    fig = pg.network_figure(run)  # without data: no test points
    try:
        path = tmp_path / "network.png"
        fig.savefig(path, dpi=60)
        assert path.stat().st_size > 5_000
        assert not [c for c in fig.axes[0].collections if c.get_offsets().shape[0] > 1]
    finally:
        plt.close(fig)
