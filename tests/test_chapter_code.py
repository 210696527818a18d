"""The chapters stay thin: their code cells are short and lint-clean (the logic lives in the package)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = (ROOT / "chapters" / "task0.md").read_text().split("---\n", 2)[1]  # a chapter's Jupytext header
sys.path.insert(0, str(ROOT / "tools"))
import chapter_code  # noqa: E402


def test_every_cell_is_short_and_all_cells_stay_under_the_budget():
    counts = chapter_code.counts()
    assert set(counts) == {"task0", "task1", "task2", "task3", "task4"}
    too_long = {name: n for name, cells in counts.items() for n in cells if n > chapter_code.MAX_CELL_LINES}
    assert too_long == {}, f"cells over {chapter_code.MAX_CELL_LINES} lines: {too_long}"
    total = sum(sum(cells) for cells in counts.values())
    assert total <= chapter_code.MAX_TOTAL_LINES, f"{total} lines of Python in the chapters"


def test_the_counter_counts_non_blank_lines(tmp_path):
    chapter = tmp_path / "demo.md"
    chapter.write_text(
        f"---\n{HEADER}---\n\n"
        "# Demo\n\n```{code-cell} ipython3\nx = 1\n\n# a comment\ny = 2\n```\n\nProse.\n\n"
        "```{code-cell} ipython3\nprint(x)\n```\n"
    )
    assert chapter_code.counts(tmp_path) == {"demo": [3, 1]}


def test_chapters_pass_ruff(capsys):
    assert chapter_code.lint([]) == 0, capsys.readouterr().out


def test_lint_names_the_chapter_and_cell(tmp_path, capsys):
    (tmp_path / "bad.md").write_text(
        f"---\n{HEADER}---\n\n"
        "```{code-cell} ipython3\nimport os\n```\n"
    )
    assert chapter_code.lint([], tmp_path) == 1
    out = capsys.readouterr().out
    assert "F401" in out and "chapters/bad.ipynb:cell 1" in out
