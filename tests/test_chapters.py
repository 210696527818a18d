"""Every chapter executes with the quick profile, and bad papermill parameters fail at the top."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlp_report.build.book import ChapterError, execute_chapter, toc_chapters
from mlp_report.notebook import cell_errors, read_glue, read_notebook

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [Path(c).name for c in toc_chapters(ROOT)]


def failed_cell(error: ChapterError) -> int:
    """The failed code cell as the chapter's writer counts them, from the message ("... (code cell 3, line 33): ...")."""
    return int(re.search(r"\(code cell (\d+), line \d+\)", str(error)).group(1))


def test_toc_lists_one_chapter_per_task():
    assert CHAPTERS == ["task0", "task1", "task2", "task3", "task4"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_is_a_paired_text_notebook_with_one_parameters_cell(chapter):
    import jupytext

    nb = jupytext.read(ROOT / "chapters" / f"{chapter}.md")
    assert nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and 'profile = "full"' in tagged[0].source


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_quick_chapter_executed_without_errors(quick_book, chapter):
    executed = quick_book / "stage" / "chapters" / f"{chapter}.ipynb"
    assert cell_errors(executed) == []
    cells = read_notebook(executed)["cells"]
    injected = [c for c in cells if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and all("remove-cell" in c["metadata"]["tags"] for c in injected)
    assert 'profile = "quick"' in "".join(injected[0]["source"])


def test_task0_glue(quick_book):
    glue = read_glue(quick_book / "stage" / "chapters" / "task0.ipynb")
    for key in ("t0_val_accuracy", "t0_val_loss", "t0_params", "t0_hidden", "t0_digits", "t0_curves"):
        assert key in glue, key
    assert glue["t0_params"] == "89610" and glue["t0_hidden"] == "2"  # raw; the prose formats them
    accuracy = float(glue["t0_val_accuracy"])  # in percent
    assert 50 < accuracy <= 100  # quick profile: 5,000 images, 2 epochs, still far above chance (10 %)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_unknown_profile_fails_at_the_parameters(chapter, tmp_path):
    with pytest.raises(ChapterError) as err:
        execute_chapter(ROOT / "chapters" / f"{chapter}.md", tmp_path / "out.ipynb", {"profile": "medium"})
    assert "profile='medium' is invalid: expected one of 'quick', 'full'" in str(err.value)
    assert failed_cell(err.value) <= 3  # the first cells after the parameters, before any work


def test_invalid_knob_fails_with_a_clear_message(tmp_path):
    with pytest.raises(ChapterError) as err:
        execute_chapter(
            ROOT / "chapters" / "task0.md", tmp_path / "out.ipynb", {"profile": "quick", "epochs": 0}
        )
    assert "epochs=0 is invalid: expected an integer >= 1" in str(err.value)
