"""The capacity chapter's figures from synthetic runs."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from test_capacity import sweep_rows, synthetic_history

from mlp_report import capacity
from mlp_report.figures import capacity as figures


def test_figures_draw_from_synthetic_runs():
    runs = [synthetic_history(seed=s) for s in range(3)]
    summary = capacity.curve_summary(runs)
    fig = figures.learning_curves_figure(runs, summary)
    ax_loss, ax_acc = fig.axes
    assert ax_loss.get_xscale() == "log" and ax_acc.get_xscale() == "log"
    assert len(ax_loss.collections) == 3  # a seed band per evaluated set
    plt.close(fig)

    frame = pd.DataFrame({"seed": [0, 1, 2], "params": 10, "history": runs})
    seeds = {"none": capacity.final_metrics(frame), "early": capacity.early_stopping_metrics(frame, patience=5)}
    fig = figures.remedies_figure({"none": frame}, seeds, capacity.remedy_table(seeds))
    assert len(fig.axes) == 2
    plt.close(fig)

    rows = sweep_rows()
    fig = figures.more_data_figure(rows, capacity.more_data_table(rows), budget="1,000 updates")
    assert fig.axes[0].get_xscale() == "log"
    plt.close(fig)
