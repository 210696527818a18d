"""Task 1 on the full profile: every point has 5 seeds and the numbers are sane."""

from __future__ import annotations

import json

from mlp_report.notebook import cell_errors, read_glue


def test_task1_full(full_stage, full_results):
    notebook = full_stage / "chapters" / "task1.ipynb"
    assert cell_errors(notebook) == []
    glue = read_glue(notebook)
    report = json.loads((full_results / "task1.json").read_text())
    assert report["settings"] == 19 and report["seeds_per_point"] == [5] * 19
    assert report["default_val_accuracy"] > 0.85  # 3 epochs at lr 0.01 batch 32: ~90 %, chance is 10 %
    assert report["best_val_accuracy"] >= report["default_val_accuracy"]
    assert 0.95 < report["best_val_accuracy"] < 1.0
    assert report["best_val_accuracy"] == max(report["val_accuracy_by_setting"].values())
    for key in ("t1_fig_heat", "t1_table", "t1_best_acc", "t1_orig_mean"):
        assert key in glue
