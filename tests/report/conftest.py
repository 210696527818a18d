"""Checks on the executed full-profile book: run with ``pytest tests/report --full-report .cache/book/full``."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def full_stage(request: pytest.FixtureRequest) -> Path:
    """The staged book whose chapters were executed with the full profile (``make book``)."""
    folder = request.config.getoption("--full-report")
    if not folder:
        pytest.skip("checks of the full report: run `make book`, then `make report-check`")
    path = Path(folder)
    if not (path / "chapters").is_dir():
        pytest.fail(f"--full-report {path} holds no executed chapters: run `make book` first")
    return path


@pytest.fixture(scope="session")
def executed_chapter(full_stage: Path):
    """``executed_chapter("task3") -> Path`` of that chapter's executed full-profile notebook."""

    def path(chapter: str) -> Path:
        notebook = full_stage / "chapters" / f"{chapter}.ipynb"
        if not notebook.is_file():
            pytest.fail(f"{notebook} does not exist: execute the book with `make book` first")
        return notebook

    return path


@pytest.fixture(scope="session")
def full_results(full_stage: Path) -> Path:
    """The results files the full-profile chapters wrote: ``.cache/results/full`` beside the stage folder
    ``.cache/book/full``, else ``results_dir("full")``."""
    from mlp_report.paths import results_dir

    beside = full_stage.parent.parent / "results" / full_stage.name
    folder = beside if beside.is_dir() else results_dir("full")
    if not folder.is_dir():
        pytest.fail(f"{folder} does not exist: execute the book with `make book` first")
    return folder
