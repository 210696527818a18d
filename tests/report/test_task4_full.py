"""Checks on the executed FULL-profile Task 4 chapter: pytest tests/report --full-report .cache/book/full"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlp_report import playground as pg
from mlp_report.notebook import cell_errors, read_glue


@pytest.fixture(scope="module")
def notebook(executed_chapter) -> Path:
    return executed_chapter("task4")


@pytest.fixture(scope="module")
def results(full_results) -> dict:
    return json.loads((full_results / "task4.json").read_text())


def test_no_cell_errors(notebook):
    assert cell_errors(notebook) == []


def test_it_is_the_full_profile_with_at_least_five_seeds(results):
    assert results["profile"] == "full"
    for summary in results["noise_0"].values():
        assert len(summary["seeds"]) >= 5
    assert results["hard_noise"] >= 10


@pytest.mark.parametrize("name", sorted(pg.PRESETS))
def test_every_seed_reaches_the_target_at_noise_0(results, name):
    summary = results["noise_0"][name]
    assert max(summary["test_loss"]) <= pg.TARGET_TEST_LOSS, summary


def test_harder_variant_is_reported(results, notebook):
    glue = read_glue(notebook)
    for name in pg.PRESETS:
        assert len(results["noise_hard"][name]["test_loss"]) == len(results["noise_0"][name]["test_loss"])
        assert f"t4_{name}_hard_worst" in glue


def test_glue_keys_present(notebook):
    glue = read_glue(notebook)
    for name in pg.PRESETS:
        for key in (f"t4_{name}_mean", f"t4_{name}_worst", f"t4_{name}_run", f"t4_{name}_neurons"):
            assert key in glue, key
    for key in ("t4_results_table", "t4_spiral_features_table", "t4_bottleneck_table", "t4_datasets"):
        assert key in glue, key
    assert glue["t4_verdict"] == "reach the target on every seed"
