"""Task 1's sweep figure: every seed is drawn beside the mean and its band."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_hyperparams import STUDY, fake_runs

from mlp_report import hyperparams as hp
from mlp_report.figures import hyperparams as plots


@pytest.mark.parametrize(("parameter", "log"), [("batch_size", True), ("hidden_layers", False)])
def test_sweep_figure_draws_every_seed(parameter, log):
    runs = fake_runs({(parameter, STUDY.grid(parameter)[0]): 0.95}, seeds=4, noise=0.01)
    runs = runs.drop_duplicates([*hp.PARAMETERS, "seed"], ignore_index=True)
    rows = hp.sweep_rows(runs, parameter, STUDY)
    fig = plots.sweep_figure(rows, parameter, hp.LABELS[parameter], log=log)
    ax_acc, ax_loss = fig.axes
    points = hp.seed_points(rows)
    (acc_dots,) = [c for c in ax_acc.collections if c.get_label() == "one seed"]
    (loss_dots,) = [c for c in ax_loss.collections if c.get_label() == "one seed"]
    assert np.sort(np.asarray(acc_dots.get_offsets())[:, 1]) == pytest.approx(np.sort(100 * points["accuracy"]))
    assert np.sort(np.asarray(loss_dots.get_offsets())[:, 1]) == pytest.approx(np.sort(points["loss"]))
    # spread sideways around their value, never onto a neighbouring value
    x = np.asarray(acc_dots.get_offsets())[:, 0]
    values = np.asarray(STUDY.grid(parameter), float)
    nearest = values[np.abs(np.log(x)[:, None] - np.log(values)).argmin(axis=1)] if log else values[np.abs(x[:, None] - values).argmin(axis=1)]
    assert sorted(nearest) == sorted(points["value"]) and len(set(np.round(x, 6))) == len(x)
    legend = [t.get_text() for t in ax_acc.get_legend().get_texts()]
    assert "one seed" in legend and "mean, 95 % CI" in legend
    plt.close(fig)
