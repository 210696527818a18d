"""The Task 3 chapter executed with the quick profile (the session's quick book)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlp_report import capacity
from mlp_report.notebook import cell_errors, read_glue
from mlp_report.results import read_best_setting

FIGURES = ("t3_curves", "t3_remedies", "t3_more_data")
TABLES = ("t3_param_table", "t3_remedy_table", "t3_more_table")
VALUES = (  # glued raw, formatted by the prose (accuracies and the gap in percent)
    "t3_params",
    "t3_final_train_accuracy",
    "t3_final_test_accuracy",
    "t3_final_train_loss",
    "t3_final_test_loss",
    "t3_accuracy_gap",
    "t3_best_test_epoch",
    "t3_epochs",
    "t3_seeds",
)
PROSE = (
    "t3_params", "t3_formula_calc", "t3_original_note", "t3_depth_note", "t3_final_train_loss",
    "t3_final_train_accuracy", "t3_final_test_loss", "t3_final_test_accuracy", "t3_best_test_epoch",
    "t3_accuracy_gap", "t3_curve_text", "t3_remedy_text", "t3_updates", "t3_more_text", "t3_conclusion_text",
)  # fmt: skip


@pytest.fixture(scope="module")
def notebook(quick_book: Path) -> Path:
    return quick_book / "stage" / "chapters" / "task3.ipynb"


@pytest.fixture(scope="module")
def glue(notebook: Path) -> dict[str, str]:
    return read_glue(notebook)


def test_executed_without_errors(notebook):
    assert cell_errors(notebook) == []


def test_glue_keys_present(glue):
    missing = [k for k in (*FIGURES, *TABLES, *VALUES, *PROSE) if k not in glue]
    assert missing == []


def test_parameter_count_follows_the_best_setting(glue):
    hidden = read_best_setting("quick")["setting"]["hidden_layers"]
    assert int(glue["t3_params"]) == capacity.count_parameters(hidden, 100)
    assert glue["t3_formula_calc"].endswith(f"= {capacity.count_parameters(hidden, 100):,}")
    assert glue["t3_params_three"] == "99710"


def test_training_accuracy_exceeds_test_accuracy(glue):
    train, test = float(glue["t3_final_train_accuracy"]) / 100, float(glue["t3_final_test_accuracy"]) / 100
    assert 0.1 < test < train <= 1.0
    assert float(glue["t3_accuracy_gap"]) / 100 == pytest.approx(train - test, abs=1e-5)
    assert float(glue["t3_final_train_loss"]) < float(glue["t3_final_test_loss"])
    assert 1 <= int(glue["t3_best_test_epoch"]) <= int(glue["t3_epochs"])


def test_quick_profile_is_the_quick_one(glue):
    assert glue["t3_train_size"] == "1000"
    assert int(glue["t3_epochs"]) < 500
