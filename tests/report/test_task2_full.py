"""Report check: the executed FULL Task 2 chapter passes the same checks as the quick one.

Skipped unless pytest gets ``--full-report <stage folder>`` (the folder holding ``chapters/task2.ipynb``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_task2_chapter import check_task2  # noqa: E402

from mlp_report.profiles import PROFILES  # noqa: E402


@pytest.fixture(scope="module")
def full_notebook(executed_chapter) -> Path:
    return executed_chapter("task2")


def test_full_task2_chapter(full_notebook, full_results):
    full = PROFILES["task2"]["full"]
    doc = check_task2(full_notebook, full_results / "task2.json", "full", n_seeds=full["seeds"])
    assert doc["n_test"] == 10_000  # the whole test set
    assert [row["weight"] for row in doc["remedy"]] == [1.0, *full["remedy_weights"]]
