"""The basic network's figures: sample digits and training curves."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from mlp_report.figures import basics


def test_digit_grid_titles_every_image():
    fig = basics.digit_grid(np.zeros((12, 784)), list(range(12)), cols=5)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [str(i) for i in range(12)] and len(fig.axes) == 15
    plt.close(fig)


def test_training_curves_plot_every_set():
    history = {"loss": [1.0, 0.5], "accuracy": [0.7, 0.8], "val_loss": [0.9, 0.6], "val_accuracy": [0.72, 0.81]}
    fig = basics.training_curves(history)
    ax_loss, ax_acc = fig.axes
    assert [line.get_label() for line in ax_loss.lines] == ["training (running)", "validation"]
    assert ax_acc.get_title() == "Accuracy"
    plt.close(fig)
