"""Glue in a real kernel: a notebook run by hand shows what it glues (figures, tables, one block of values
per cell); the book's executor and papermill record it only, exactly as before."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill
import pytest

from mlp_report.notebook import interactive

CELLS = [
    "profile = 'full'",
    "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\nimport pandas as pd\n"
    "from mlp_report.notebook import glue, glue_figure, glue_percent",
    "glue('n_images', 5000)\nglue_percent('accuracy', 0.9731)\nglue('verdict', 'fewer');",
    "fig, ax = plt.subplots()\nax.plot([1, 2])\nglue_figure('curve', fig)",
    "glue('table', pd.DataFrame({'a': [1, 2]}));",
    "from pathlib import Path\nfrom mlp_report.notebook import show_only_blocks\n"
    "Path('c.md').write_text('Text.\\n\\n````{only} html\\nOnly on the web.\\n````\\n')\nshow_only_blocks('c.md')",
]


def _run(tmp_path: Path, parameters: dict | None = None) -> list[list[dict]]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "glue.ipynb"
    nbformat.write(nb, path)
    papermill.execute_notebook(str(path), str(path), parameters=parameters, kernel_name="python3",
                               progress_bar=False, cwd=str(tmp_path), extra_arguments=["--IPKernelApp.log_level=ERROR"])
    cells = json.loads(path.read_text())["cells"]
    return [c["outputs"] for c in cells if "injected-parameters" not in c["metadata"].get("tags", [])]


def _records_only(outputs: list[list[dict]]) -> bool:
    return all(mime.startswith("application/papermill.record/") for cell in outputs for o in cell
               for mime in o.get("data", {}))


@pytest.mark.slow
def test_a_notebook_run_by_hand_shows_what_it_glues(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MLP_REPORT_BATCH", raising=False)
    outputs = _run(tmp_path)
    shown = [o for o in outputs[2] if "text/markdown" in o.get("data", {})]
    assert len(shown) == 1  # one block for the cell's three values, updated in place
    block = {mime: "".join(text) for mime, text in shown[0]["data"].items()}
    assert block["text/plain"] == "n_images = 5000\naccuracy = 97.31\nverdict = fewer"
    assert "| `accuracy` | 97.31 |" in block["text/markdown"]
    assert any(o.get("data", {}).get("image/png") and "metadata" in o and not o["metadata"].get("scrapbook")
               for o in outputs[3])
    assert any("text/html" in o.get("data", {}) and not o.get("metadata", {}).get("scrapbook") for o in outputs[4])
    assert not any(o.get("output_type") == "execute_result" for cell in outputs for o in cell)
    stand_in = "".join(outputs[5][0]["data"]["text/markdown"])  # the {only} html block, shown in the notebook
    assert stand_in.endswith("Only on the web.") and "HTML only" in stand_in


@pytest.mark.slow
@pytest.mark.parametrize("how", ["book", "papermill"])
def test_the_book_and_papermill_record_only(tmp_path, monkeypatch, how: str) -> None:
    if how == "book":
        monkeypatch.setenv("MLP_REPORT_BATCH", "1")
        outputs = _run(tmp_path)
    else:
        monkeypatch.delenv("MLP_REPORT_BATCH", raising=False)
        outputs = _run(tmp_path, {"profile": "quick"})  # papermill's injected cell
    assert _records_only(outputs)
    names = [o["metadata"]["scrapbook"]["name"] for cell in outputs for o in cell]
    assert names == ["n_images", "accuracy", "verdict", "curve", "table"]


def test_plain_python_is_not_interactive() -> None:
    assert interactive() is False
