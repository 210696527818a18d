"""The build profiler's timings: sections summed per chapter across processes, and the profile table."""

from __future__ import annotations

import json
import time

import pytest

from mlp_report import timing
from mlp_report.build.book import build_profile, format_profile


def test_sections_are_off_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv(timing.ENV, raising=False)
    with timing.section("training"):
        pass
    timing.flush()
    assert timing._tally == {}


def test_sections_flush_per_chapter_and_nested_ones_count_once(tmp_path, monkeypatch):
    path = tmp_path / "timings.jsonl"
    monkeypatch.setenv(timing.ENV, str(path))
    monkeypatch.setenv("MLP_REPORT_CHAPTER", "task3")
    with timing.section("training"), timing.section("training"):  # nested: not counted twice
        time.sleep(0.05)
    timing.add("figures", 1.5, 0.5)
    timing.flush()
    monkeypatch.setenv("MLP_REPORT_CHAPTER", "task1")
    timing.add("figures", 2.0, 1.0)
    timing.flush()
    timing.flush()  # nothing new: no line
    assert len(path.read_text().splitlines()) == 2
    totals = timing.read(path)
    assert 0.05 <= totals["task3"]["training"][0] < 1.0
    assert totals["task3"]["figures"] == [1.5, 0.5] and totals["task1"] == {"figures": [2.0, 1.0]}

    @timing.timed("figures")
    def draw():
        return 7

    assert draw() == 7 and len(path.read_text().splitlines()) == 3


def test_profile_table_from_a_stage(tmp_path):
    root = tmp_path / "book"
    (root / "chapters").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: chapters/task0\n- file: chapters/task1\n")
    stage = tmp_path / "stage" / "chapters"
    stage.mkdir(parents=True)
    cells = [{"cell_type": "code", "metadata": {"papermill": {"duration": d}}} for d in (1.0, 2.5)]
    (stage / "task0.ipynb").write_text(json.dumps({"cells": cells}))
    (stage / "task0.json").write_text(json.dumps({"seconds": 10.0}))  # task1 was not executed: no row
    timings = tmp_path / "timings.jsonl"
    timings.write_text(json.dumps({"chapter": "task0", "pid": 1, "training": [4.0, 3.0]}) + "\n")
    rows = build_profile(root, tmp_path / "stage", timings)
    assert [r["chapter"] for r in rows] == ["task0"]
    assert rows[0]["kernel start-up"] == 6.5 and rows[0]["training"] == (4.0, 3.0) and rows[0]["figures"] == (0.0, 0.0)
    table = format_profile(rows, {"HTML build": 3.0}).splitlines()
    assert table[0].startswith("| chapter | wall s | kernel start-up s | data s (CPU)")
    assert table[2] == "| task0 | 10.0 | 6.5 | 0.0 (0.0) | 0.0 (0.0) | 4.0 (3.0) | 0.0 (0.0) | 0.0 (0.0) | 0.0 (0.0) | -0.5 |"
    assert table[-1].startswith("| HTML build | 3.0 |")


def test_profile_cold_build_times_a_tiny_book(tmp_path):
    """The --profile-build path end to end on a one-chapter book (kernel, papermill, timings file), no HTML."""
    from mlp_report.build.book import profile_cold_build

    root = tmp_path / "book"
    (root / "chapters").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: chapters/only\n")
    code = (
        "import time\nfrom mlp_report import timing\n"
        "with timing.section('training'):\n    time.sleep(0.3)\ntiming.flush()"
    )
    (root / "chapters" / "only.md").write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3 (ipykernel)\n  language: python\n  name: python3\n---\n\n"
        "# only\n\n```{code-cell} ipython3\n:tags: [parameters]\n\nprofile = \"full\"\n```\n\n"
        f"```{{code-cell}} ipython3\n{code}\n```\n"
    )
    table = profile_cold_build(root, "quick", tmp_path / "profile", html=False, log=lambda _m: None)
    row = next(line for line in table.splitlines() if line.startswith("| only |"))
    training = row.split(" | ")[5]  # wall (CPU) seconds of the training column
    assert 0.3 <= float(training.split()[0]) < 5, row
    assert "load average" in table and (tmp_path / "profile" / "profile.md").is_file()
    with pytest.raises(FileExistsError, match="needs an empty folder"):
        profile_cold_build(root, "quick", tmp_path / "profile", html=False)
