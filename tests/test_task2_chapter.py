"""The Task 2 chapter, executed with the quick profile: glue keys, the matrix and the named pair.

``check_task2`` is shared with ``tests/report/test_task2_full.py``, which runs the same checks on the
executed full-profile notebook.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mlp_report.notebook import cell_errors, read_glue
from mlp_report.paths import results_dir

GLUE_KEYS = (
    "t2_batch_size",
    "t2_hidden_layers",
    "t2_learning_rate",
    "t2_test_acc_mean",
    "t2_cm_counts",
    "t2_cm_normalised",
    "t2_pair_true",
    "t2_pair_pred",
    "t2_pair_count",
    "t2_top5",
    "t2_pair_seeds",
    "t2_stability_text",
    "t2_gallery",
    "t2_report",
    "t2_weakest",
    "t2_target",
    "t2_remedy_table",
    "t2_tradeoff",
    "t2_recall_moved",
    "t2_errors_moved",
    "t2_precision_moved",
    "t2_accuracy_moved",
)


def check_task2(notebook: Path, results: Path, profile: str, n_seeds: int) -> dict:
    """Every check of the executed Task 2 notebook and the results file it wrote; returns the results."""
    assert cell_errors(notebook) == []
    glue = read_glue(notebook)
    missing = [k for k in GLUE_KEYS if k not in glue]
    assert not missing, f"glue keys missing from {notebook}: {missing}"
    doc = json.loads(results.read_text())
    assert doc["profile"] == profile and doc["seeds"] == list(range(n_seeds))

    # the matrix covers every test image evaluated, once
    cm = np.array(doc["matrix"])
    assert cm.shape == (10, 10) and (cm >= 0).all()
    assert cm.sum() == doc["n_test"] == int(glue["t2_n_test"])
    for m in doc["matrices"]:
        assert np.array(m).sum() == doc["n_test"]
    assert cm.tolist() == doc["matrices"][doc["seeds"].index(doc["shown_seed"])]

    # the named pair is the argmax of the off-diagonal cells (recomputed here, independently)
    off = cm.copy()
    np.fill_diagonal(off, -1)
    true, pred = np.unravel_index(int(np.argmax(off)), off.shape)
    pair = doc["pair"]
    assert pair["true"] != pair["predicted"]
    assert cm[pair["true"], pair["predicted"]] == pair["count"] == off.max() > 0
    assert (pair["true"], pair["predicted"]) == (true, pred)  # ties: the first cell in row-major order
    assert glue["t2_pair_true"] == str(pair["true"]) and glue["t2_pair_pred"] == str(pair["predicted"])
    assert int(glue["t2_pair_count"]) == pair["count"]

    # pooled over the seeds: the sum of the matrices, its largest cell and its largest pair in both directions
    pooled = np.sum(doc["matrices"], axis=0)
    off = pooled.copy()
    np.fill_diagonal(off, -1)
    assert doc["pooled_pair"]["count"] == off.max() == pooled[doc["pooled_pair"]["true"], doc["pooled_pair"]["predicted"]]
    both = pooled + pooled.T
    a, b = doc["both_ways"]["a"], doc["both_ways"]["b"]
    assert a < b and doc["both_ways"]["count"] == both[a, b] == max(both[i, j] for i in range(10) for j in range(i + 1, 10))

    # the top-5 table starts with that pair, in decreasing order
    counts = [row["images"] for row in doc["top5"]]
    assert counts == sorted(counts, reverse=True) and counts[0] == pair["count"]
    assert (doc["top5"][0]["true digit"], doc["top5"][0]["predicted as"]) == (pair["true"], pair["predicted"])

    # stability: one top pair per seed, and the glued count of seeds agrees with it
    assert len(doc["stability"]) == n_seeds
    same = sum((s["true"], s["predicted"]) == (pair["true"], pair["predicted"]) for s in doc["stability"])
    assert glue["t2_pair_seeds"] == str(same) and same >= 1

    # the remedy: the baseline and every weight over the same seeds, the glued target is the weighted digit
    weights = [row["weight"] for row in doc["remedy"]]
    assert weights[0] == 1.0 and len(weights) >= 2 and doc["chosen_weight"] in weights[1:]
    assert all(row["seeds"] == n_seeds for row in doc["remedy"])
    assert glue["t2_target"] == str(doc["target"]) and glue["t2_weakest"] == str(doc["weakest"])
    base = doc["remedy"][0]
    assert base["target_errors"] == pytest.approx(np.mean([np.array(m)[doc["target"]].sum() - np.array(m)[doc["target"], doc["target"]] for m in doc["matrices"]]))
    return doc


def test_quick_task2_chapter(quick_book):
    notebook = quick_book / "stage" / "chapters" / "task2.ipynb"
    doc = check_task2(notebook, results_dir("quick") / "task2.json", "quick", n_seeds=1)
    assert doc["n_test"] == 10_000
    # the setting is Task 1's, read from its results file and not typed in
    best = json.loads((results_dir("quick") / "task1_best.json").read_text())["setting"]
    assert doc["setting"] == best
