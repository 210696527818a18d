"""The confusion chapter's figures on small synthetic predictions."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from test_confusion import CELLS, predictions_from  # noqa: E402  (tests/ is on sys.path)

from mlp_report import confusion as cf  # noqa: E402
from mlp_report.figures import confusion as figures  # noqa: E402
from mlp_report.validation import ConfigError  # noqa: E402


def test_figures_show_every_cell_and_label_the_axes():
    import matplotlib.pyplot as plt

    y, p = predictions_from(CELLS)
    cm = cf.confusion(y, p)
    for normalise in (False, True):
        fig = figures.confusion_figure(cm, normalise=normalise)
        ax = fig.axes[0]
        texts = [t.get_text() for t in ax.texts]
        assert len(texts) == 100
        assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit"
        assert ("7" in texts) if not normalise else (f"{100 * 7 / 61:.1f}" in texts)
        plt.close(fig)

    images = np.zeros((3, 28, 28), np.float32)
    fig = figures.gallery_figure(images, [4, 4, 4], [9, 9, 9], [0.5, 0.9, 0.7], max_images=2)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["4 → 9\n90 %", "4 → 9\n70 %"]  # most confident first, capped at max_images
    plt.close(fig)
    with pytest.raises(ConfigError, match="expected equally many"):
        figures.gallery_figure(images, [4, 4], [9, 9, 9], [0.5, 0.9, 0.7])
