"""tools/compare_glue.py: what two executed books say, with formatting moved from the glue into the role."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import compare_glue  # noqa: E402


def glue_output(name: str, data: dict) -> dict:
    return {"output_type": "display_data", "data": data, "metadata": {"scrapbook": {"name": name, "mime_prefix": ""}}}


def stage(folder: Path, markdown: str, outputs: list[dict], printed: str = "settings\n") -> Path:
    cells = [
        {"cell_type": "code", "metadata": {"tags": ["remove-input"]}, "source": "", "outputs": [
            {"output_type": "stream", "name": "stdout", "text": printed},
            {"output_type": "stream", "name": "stderr", "text": "a warning that is not shown"},
        ]},
        {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "source": "", "outputs": outputs},
        {"cell_type": "markdown", "metadata": {}, "source": markdown},
    ]  # fmt: skip
    (folder / "chapters").mkdir(parents=True)
    (folder / "chapters" / "task9.ipynb").write_text(json.dumps({"cells": cells}))
    return folder


OLD_TEXT = "Accuracy {glue:}`acc` on {glue:}`n` images; {glue:}`why`.\n\n```{glue:figure} tab\n:name: t\n\nThe table.\n```\n"
NEW_TEXT = "Accuracy {glue:text}`acc:.2f` % on {glue:text}`n:,d` images; {glue:}`why`.\n\n```{glue:figure} tab\n:name: t\n\nThe table.\n```\n"
TABLE = '<style>#T_1 td {{}}</style><table id="T_{uid}"><tr><th>digit</th></tr><tr><td>4</td></tr></table>'


def old_outputs(why: str = "it is so") -> list[dict]:
    return [
        glue_output("acc", {"text/plain": "97.31 %", "text/markdown": "97.31 %"}),
        glue_output("n", {"text/plain": "50,000", "text/markdown": "50,000"}),
        glue_output("why", {"text/plain": why, "text/markdown": why}),
        glue_output("tab", {"text/html": TABLE.format(uid="abc"), "text/plain": "<Styler>"}),
    ]


def new_outputs(accuracy: float = 97.3123) -> list[dict]:
    return [
        glue_output("acc", {"text/plain": repr(accuracy)}),
        glue_output("n", {"text/plain": "50000"}),
        glue_output("why", {"text/plain": "it is so", "text/markdown": "it is so"}),
        glue_output("tab", {"text/html": TABLE.format(uid="xyz"), "text/plain": "<Styler>"}),
    ]


def test_formatting_moved_into_the_role_compares_equal(tmp_path, capsys):
    old = stage(tmp_path / "old", OLD_TEXT, old_outputs())
    new = stage(tmp_path / "new", NEW_TEXT, new_outputs())
    assert compare_glue.main([str(old), str(new)]) == 0
    assert "no differences" in capsys.readouterr().out
    text = compare_glue.chapter_text(json.loads((new / "chapters" / "task9.ipynb").read_text()), set())
    assert "Accuracy 97.31 % on 50,000 images;" in text and "settings" in text[0]
    assert not any("warning" in sentence for sentence in text)  # standard error is not shown in the book


def test_a_changed_value_sentence_or_table_is_reported(tmp_path, capsys):
    old = stage(tmp_path / "old", OLD_TEXT, old_outputs())
    assert compare_glue.main([str(old), str(stage(tmp_path / "a", NEW_TEXT, new_outputs(97.3191)))]) == 1
    assert "-Accuracy 97.31 % on 50,000 images;" in capsys.readouterr().out
    changed = stage(tmp_path / "b", NEW_TEXT.replace("images;", "pictures;"), new_outputs())
    assert compare_glue.main([str(old), str(changed)]) == 1
    table = new_outputs()
    table[3] = glue_output("tab", {"text/html": TABLE.format(uid="q").replace("<td>4", "<td>9"), "text/plain": ""})
    assert compare_glue.main([str(old), str(stage(tmp_path / "c", NEW_TEXT, table))]) == 1
    assert compare_glue.main([str(old), str(stage(tmp_path / "d", NEW_TEXT, new_outputs(), printed="other\n"))]) == 1


def test_ignored_keys_are_masked(tmp_path):
    old = stage(tmp_path / "old", OLD_TEXT, old_outputs(why="it took 3.1 s"))
    new_glue = new_outputs()
    new_glue[2] = glue_output("why", {"text/plain": "it took 9.9 s", "text/markdown": "it took 9.9 s"})
    new = stage(tmp_path / "new", NEW_TEXT, new_glue)
    assert compare_glue.main([str(old), str(new)]) == 1
    assert compare_glue.main([str(old), str(new), "--ignore", "why"]) == 0
