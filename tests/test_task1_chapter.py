"""The Task 1 chapter, executed with the quick profile."""

from __future__ import annotations

import json

from mlp_report.notebook import read_glue
from mlp_report.paths import results_dir
from mlp_report.profiles import PROFILES
from mlp_report.results import read_best_setting

KEYS = [
    "t1_seeds", "t1_n_settings", "t1_default_accuracy", "t1_fig_bs", "t1_fig_hl", "t1_fig_lr", "t1_fig_heat",
    "t1_fig_cost", "t1_table", "t1_table_beyond", "t1_bs_sentence", "t1_bs_hypothesis", "t1_hl_hypothesis", "t1_lr_hypothesis",
    "t1_heat_sentence", "t1_best_parameter", "t1_best_bs", "t1_best_hl", "t1_best_lr", "t1_best_acc",
    "t1_loss_vs_acc", "t1_worst_recall", "t1_max_std", "t1_cheap_setting", "t1_orig_mean", "t1_bs_seeds", "t1_hl_seeds",
    "t1_lr_seeds", "t1_best_choice", "t1_pair_diff", "t1_heat_slope", "t1_heat_slope_low", "t1_heat_slope_verdict",
]


def test_glue_keys_and_figures(quick_book):
    glue = read_glue(quick_book / "stage" / "chapters" / "task1.ipynb")
    missing = [k for k in KEYS if k not in glue]
    assert not missing
    html = (quick_book / "_build" / "html" / "chapters" / "task1.html").read_text()
    for name in ("fig-t1-batch", "fig-t1-layers", "fig-t1-lr", "fig-t1-heat", "fig-t1-cost", "tab-t1-all", "tab-t1-beyond"):
        assert f'id="{name}"' in html, name
    assert html.count("<img") >= 5
    assert "<table" in html


def test_best_setting_file_is_written_and_is_the_argmax(quick_book):
    best = read_best_setting("quick")
    report = json.loads((results_dir("quick") / "task1.json").read_text())
    assert best["setting"] == report["best"]
    quick = PROFILES["task1"]["quick"]
    assert best["setting"]["batch_size"] in quick["batch_sizes"]
    assert best["setting"]["learning_rate"] in quick["learning_rates"]
    assert best["val_accuracy"] == max(report["val_accuracy_by_setting"].values())
    assert best["rule"].startswith("highest mean validation accuracy")
    assert best["highest_mean"] == best["setting"] and best["tie_break"] is False  # one seed: no interval, no tie
    n_points = len(quick["batch_sizes"]) + len(quick["hidden_layers"]) + len(quick["learning_rates"])
    assert report["settings"] == n_points and set(report["seeds_per_point"]) == {quick["seeds"]}
