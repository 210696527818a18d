"""The chapters' Python: count its lines per code cell, or lint it with ruff.

    python tools/chapter_code.py count          # lines per cell, the largest, the median and the total
    python tools/chapter_code.py lint [ARGS]    # ruff check on every chapter's code cells (ARGS go to ruff)

Each chapter (``chapters/*.md``, MyST text notebooks) is read with Jupytext; a cell's Python lines are
its non-blank lines. ``lint`` writes the chapters as notebooks into a temporary folder and runs ruff on
them with the project's configuration (ruff lints notebooks cell by cell); a finding names the chapter
and the cell.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
MAX_CELL_LINES = 25
MAX_TOTAL_LINES = 400


def code_cells(chapter: Path) -> list[str]:
    """The source of every code cell of a chapter, in order."""
    import jupytext

    return [cell.source for cell in jupytext.read(chapter).cells if cell.cell_type == "code"]


def python_lines(source: str) -> int:
    """The non-blank lines of a cell."""
    return sum(1 for line in source.splitlines() if line.strip())


def counts(folder: Path = CHAPTERS) -> dict[str, list[int]]:
    """Python lines of every code cell, per chapter name."""
    return {path.stem: [python_lines(source) for source in code_cells(path)] for path in sorted(folder.glob("*.md"))}


def report(folder: Path = CHAPTERS) -> str:
    per_chapter = counts(folder)
    cells = [n for lines in per_chapter.values() for n in lines]
    rows = [f"{name}: {sum(lines)} lines in {len(lines)} cells, largest {max(lines)}" for name, lines in per_chapter.items()]
    rows.append(f"all chapters: {sum(cells)} lines in {len(cells)} cells, largest {max(cells)}, median {statistics.median(cells):g}")
    return "\n".join(rows)


def lint(ruff_args: list[str], folder: Path = CHAPTERS) -> int:
    """Run ruff on the chapters' code cells; returns ruff's exit status."""
    import jupytext

    with tempfile.TemporaryDirectory(prefix="chapters-lint-") as tmp:
        out = Path(tmp) / "chapters"
        out.mkdir()
        for path in sorted(folder.glob("*.md")):
            jupytext.write(jupytext.read(path), out / f"{path.stem}.ipynb")
        command = [sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml"), *ruff_args, str(out)]
        result = subprocess.run(command, capture_output=True, text=True)
        print((result.stdout + result.stderr).replace(str(out), "chapters"), end="")
        return result.returncode


def main(argv: list[str]) -> int:
    if argv[:1] == ["count"]:
        print(report())
        return 0
    if argv[:1] == ["lint"]:
        return lint(argv[1:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
