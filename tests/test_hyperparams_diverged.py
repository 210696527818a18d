"""Diverged runs (non-finite training loss) are flagged in Task 1's table, trends, heatmap and figures,
never averaged in as numbers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_hyperparams import STUDY, fake_runs

from mlp_report import hyperparams as hp
from mlp_report.figures import hyperparams as plots
from mlp_report.narrative import hyperparams as story
from mlp_report.sweeps import run_sweep
from mlp_report.validation import DivergedWarning

ACC = {("learning_rate", 0.1): 0.97, ("learning_rate", 0.4): 0.93, ("batch_size", 8): 0.95}


def diverging_runs():
    runs = fake_runs(ACC)
    runs["diverged"] = False
    lr = runs.learning_rate
    all_bad = (lr == 0.4) & (runs.batch_size == 32) & (runs.hidden_layers == 2)
    one_bad = (lr == 0.1) & (runs.batch_size == 32) & (runs.hidden_layers == 2) & (runs.seed == 0)
    for mask in (all_bad, one_bad):
        runs.loc[mask, "diverged"] = True
        runs.loc[mask, ["final_val_accuracy", "macro_f1"]] = 0.115  # argmax of nan logits: one class
        runs.loc[mask, "final_val_loss"] = np.nan
    return runs


def texts(fig) -> str:
    found = [t.get_text() for ax in fig.axes for t in ax.texts]
    for ax in fig.axes:
        legend = ax.get_legend()
        found += [t.get_text() for t in legend.get_texts()] if legend else []
    return " | ".join(found)


def test_table_counts_diverged_runs_and_never_averages_them():
    table = hp.summary_table(diverging_runs(), STUDY)
    lr = table[table.parameter == "learning_rate"].set_index("value")
    assert lr.loc[0.4, "diverged"] == 3 and np.isnan(lr.loc[0.4, "val_accuracy"])
    assert lr.loc[0.1, "diverged"] == 1 and lr.loc[0.1, "val_accuracy"] == pytest.approx(0.97, abs=0.01)
    shown = hp.display_table(table).set_index(["parameter", "value"])
    assert shown.loc[("learning rate", "0.4"), "val. accuracy (%)"] == "diverged (3 of 3 seeds)"
    assert shown.loc[("learning rate", "0.4"), "val. loss"] == "diverged (3 of 3 seeds)"
    assert shown.loc[("learning rate", "0.1"), "val. accuracy (%)"].endswith("(1 of 3 seeds diverged)")
    assert "nan" not in shown.to_string() and "11.50" not in shown.to_string()
    assert shown.loc[("batch size", "8"), "val. accuracy (%)"].count("diverged") == 0


def test_best_rule_and_trends_skip_diverged_settings():
    runs = diverging_runs()
    table = hp.summary_table(runs, STUDY)
    best = hp.best_setting(table)
    assert (best.parameter, best.value) == ("batch_size", 8)  # lr 0.1 has the best mean but a diverged seed
    trend = hp.trend(table, runs, "learning_rate", STUDY)
    assert trend.best_value == 0.1 and trend.worst_value != 0.4  # 0.4 has no mean to compare
    assert trend.diverged == (0.4,)
    assert story.trend_sentence(trend.shape, "learning rate", trend.diverged).endswith("(training diverged at learning rate 0.4, for every seed)")
    assert hp.trend(table, runs, "batch_size", STUDY).diverged == ()


def test_heatmap_and_figures_mark_diverged_runs():
    runs = diverging_runs()
    heat_runs = runs[runs.hidden_layers == 2]
    heat = hp.heatmap_table(heat_runs)
    assert np.isnan(heat.loc[0.4, 32]) and heat.loc[0.01, 32] == pytest.approx(0.9, abs=0.01)
    fig = plots.heatmap_figure(heat)
    assert "diverged" in texts(fig)
    plt.close(fig)
    fig = plots.sweep_figure(hp.sweep_rows(runs, "learning_rate", STUDY), "learning_rate", "learning rate", log=True)
    assert "diverged: 1 seed at 0.1, 3 seeds at 0.4" in texts(fig)
    plt.close(fig)


def test_real_diverging_sweep_reaches_the_table(mnist_dir, tmp_path):
    study = hp.Study(batch_sizes=(32,), hidden_layers=(2,), learning_rates=(0.01, 1e30), train_size=64, epochs=2, eval_size=200)
    with pytest.warns(DivergedWarning, match="1 of 2 runs diverged .* learning_rate=1e\\+30"):
        runs = run_sweep([c for _, c in study.one_at_a_time()], seeds=1, cache_dir=tmp_path, executor=None, progress="off")
    from mlp_report.data import load_mnist

    runs = hp.add_class_metrics(runs, load_mnist().y_val)
    shown = hp.display_table(hp.summary_table(runs, study)).set_index(["parameter", "value"])
    assert shown.loc[("learning rate", "1e+30"), "val. accuracy (%)"] == "diverged (1 of 1 seeds)"
    assert "diverged" not in shown.loc[("learning rate", "0.01"), "val. accuracy (%)"]
