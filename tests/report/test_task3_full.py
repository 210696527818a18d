"""Checks on the executed FULL-profile Task 3 chapter: pytest tests/report --full-report .cache/book/full"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlp_report import capacity
from mlp_report.notebook import cell_errors, read_glue


@pytest.fixture(scope="module")
def notebook(executed_chapter) -> Path:
    return executed_chapter("task3")


@pytest.fixture(scope="module")
def glue(notebook) -> dict[str, str]:
    return read_glue(notebook)


def number(glue: dict[str, str], key: str) -> float:
    assert key in glue, f"glue key {key} is missing"
    return float(glue[key])


def test_no_cell_errors(notebook):
    assert cell_errors(notebook) == []


def test_glue_keys_present(glue):
    keys = (
        "t3_params", "t3_param_table", "t3_formula_calc", "t3_original_note", "t3_curves", "t3_remedies",
        "t3_remedy_table", "t3_more_data", "t3_more_table", "t3_updates", "t3_best_test_epoch", "t3_accuracy_gap",
        "t3_final_train_loss", "t3_final_train_accuracy", "t3_final_test_loss", "t3_final_test_accuracy",
    )  # fmt: skip
    assert [k for k in keys if k not in glue] == []


def test_the_assignments_protocol(glue):
    assert glue["t3_train_size"] == "1000"
    assert int(number(glue, "t3_epochs")) == 500
    assert int(number(glue, "t3_seeds")) >= 3


def test_parameter_count_is_the_built_networks(glue):
    hidden = int(glue["t3_hidden"])
    assert int(number(glue, "t3_params")) == capacity.count_parameters(hidden, 100)


def test_the_network_memorizes_its_training_images(glue):
    train = number(glue, "t3_final_train_accuracy") / 100  # glued in percent
    assert train == 1.0 or train > 0.99
    assert number(glue, "t3_final_train_loss") < 0.05


def test_test_accuracy_lies_far_below(glue):
    train, test = number(glue, "t3_final_train_accuracy") / 100, number(glue, "t3_final_test_accuracy") / 100
    assert train - test > 0.05  # 1,000 images: a gap of several percentage points
    assert 0.5 < test < 0.97  # far above chance, far below what 50,000 images give


def test_the_test_loss_bottoms_out_before_the_end(glue):
    assert int(number(glue, "t3_best_test_epoch")) < int(number(glue, "t3_epochs"))
    assert number(glue, "t3_final_test_loss") > number(glue, "t3_min_test_loss")


def test_more_data_beats_the_overfitted_run(glue):
    assert number(glue, "t3_largest_size_accuracy") > number(glue, "t3_final_test_accuracy")
