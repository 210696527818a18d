"""The PDF build's preparation of the executed chapters, and the HTML side: the link to the PDF exists
exactly when the PDF does. The PDF itself is checked by tests/report/test_pdf_full.py (`make pdf-check`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mlp_report.build import pdf
from mlp_report.notebook import table_style

ROOT = Path(__file__).resolve().parents[1]


def styler_html(frame: pd.DataFrame) -> str:
    return table_style(frame).to_html()


def test_glued_table_becomes_a_list_table_with_content_widths():
    frame = pd.DataFrame(
        {"data set": ["Spiral", "XOR"], "seeds with test loss ≤ 0.07": [10, 9], "mean | loss": [0.01234, 0.5]}
    )
    markdown = pdf.html_table_to_markdown(styler_html(frame))
    assert markdown.startswith("```{list-table}\n:header-rows: 1\n")
    widths = [int(w) for w in markdown.split(":widths: ")[1].splitlines()[0].split()]
    assert len(widths) == 3
    assert widths[0] == len("Spiral") + 2  # the longest cell
    assert widths[1] == len("seeds with test loss ≤ 0.07") // 3 + 2  # a long header wraps
    lines = markdown.splitlines()
    assert "* - data set" in lines and "  - mean \\| loss" in lines  # Markdown specials escaped
    assert "* - Spiral" in lines and "  - 0.0123" in lines  # the Styler's 4-digit precision, no index
    assert "0" not in [line.strip("*- ") for line in lines]  # no index column


def test_html_without_a_table_is_left_alone():
    assert pdf.html_table_to_markdown("<pre>Model: mlp</pre>") is None


def notebook_with(outputs: list[dict]) -> dict:
    return {"cells": [{"cell_type": "code", "metadata": {}, "source": "", "outputs": outputs}]}


def test_prepare_notebook_adds_markdown_tables_and_drops_widgets():
    html = styler_html(pd.DataFrame({"a": [1, 2]}))
    glued = {
        "output_type": "display_data",
        "metadata": {"scrapbook": {"name": "t", "mime_prefix": pdf.RECORD_PREFIX}},
        "data": {pdf.RECORD_PREFIX + "text/html": html, pdf.RECORD_PREFIX + "text/plain": "a\n1\n2"},
    }
    widget = {"output_type": "execute_result", "data": {pdf.INTERACTIVE_MIME[0]: {"model_id": "x"}, "text/plain": "W"}}
    notebook = notebook_with([glued])
    notebook["cells"].append(notebook_with([widget])["cells"][0])
    counts = pdf.prepare_notebook(notebook)
    assert counts == {"tables": 1, "interactive_cells": 1}
    assert "{list-table}" in notebook["cells"][0]["outputs"][0]["data"][pdf.RECORD_PREFIX + "text/markdown"]
    assert notebook["cells"][1]["metadata"]["tags"] == ["remove-cell"]
    assert pdf.prepare_notebook(notebook) == {"tables": 0, "interactive_cells": 1}  # idempotent


def test_print_book_needs_the_executed_chapters(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"make book"):
        pdf.prepare_print_book(ROOT, tmp_path / "stage", tmp_path / "print")


def test_print_book_copies_every_page_of_the_toc_and_the_bibliography(tmp_path):
    import yaml

    stage = tmp_path / "stage"
    for chapter in ("task0", "task1", "task2", "task3", "task4"):
        (stage / "chapters").mkdir(parents=True, exist_ok=True)
        (stage / "chapters" / f"{chapter}.ipynb").write_text(json.dumps(notebook_with([])))
    pdf.prepare_print_book(ROOT, stage, tmp_path / "print")
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"], *(c["file"] for c in toc["chapters"])]
    for page in pages:
        assert (tmp_path / "print" / f"{page}.md").is_file() or (tmp_path / "print" / f"{page}.ipynb").is_file(), page
    config = yaml.safe_load((tmp_path / "print" / "_config.yml").read_text())
    for bib in config["bibtex_bibfiles"]:
        assert (tmp_path / "print" / bib).read_text() == (ROOT / bib).read_text()


def test_print_config_turns_execution_off_and_names_the_document():
    config = pdf.print_config(ROOT)
    assert config["execute"]["execute_notebooks"] == "off"
    assert not any(p.endswith(".ipynb") for p in config["exclude_patterns"])
    assert config["latex"]["latex_documents"]["targetname"] == pdf.TEX_NAME
    assert config["latex"]["latex_documents"]["title"] == config["title"]
    # the print copy's chapters are executed notebooks: nothing may stage or execute them again
    assert "mlp_report.build.sphinx_ext" not in config["sphinx"]["extra_extensions"]
    assert "mlp_report.build.pdf" in config["sphinx"]["extra_extensions"]


def build_tiny_html(tmp_path: Path, with_pdf: bool) -> Path:
    """A one-page Sphinx book with the book's theme and this extension, its root at ``tmp_path``."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'mlp_report.build.pdf']\nhtml_theme = 'sphinx_book_theme'\n"
        "html_theme_options = {'use_download_button': True}\n"
    )
    (src / "index.md").write_text("# Title\n\nFirst words.\n\n```{book-pdf}\n```\n\nLast words.\n")
    if with_pdf:
        target = tmp_path / "_build" / "pdf" / pdf.PDF_NAME
        target.parent.mkdir(parents=True)
        target.write_bytes(b"%PDF-1.4\n% a stand-in file for the link test\n")
    out = tmp_path / "html"
    env = {"MLP_REPORT_ROOT": str(tmp_path), "PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(src), str(out)], check=True, env=env)
    return out


def test_html_links_the_pdf_where_it_was_built(tmp_path):
    out = build_tiny_html(tmp_path, with_pdf=True)
    page = (out / "index.html").read_text()
    assert f'href="{pdf.HTML_PDF_PATH}"' in page  # the sentence on the first page and the download menu
    assert page.count(pdf.HTML_PDF_PATH) >= 2
    assert "download-book-pdf-button" in page
    shipped = out / pdf.HTML_PDF_PATH
    assert shipped.read_bytes() == (tmp_path / "_build" / "pdf" / pdf.PDF_NAME).read_bytes()


def test_html_has_no_link_without_the_pdf(tmp_path):
    out = build_tiny_html(tmp_path, with_pdf=False)
    page = (out / "index.html").read_text()
    assert "First words." in page and "Last words." in page
    assert pdf.PDF_NAME not in page
    assert not (out / pdf.HTML_PDF_PATH).exists()


def test_cli_reports_missing_chapters(tmp_path):
    env = {"MLP_REPORT_ROOT": str(ROOT), "PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "mlp_report.build.pdf", "--stage", str(tmp_path), "--output", str(tmp_path / "o"), "--no-html"],
        capture_output=True, text=True, env=env,
    )
    if pdf.missing_tex():
        assert result.returncode == 1 and "TeX is missing" in result.stderr
    else:
        assert result.returncode == 1 and "run `make book` first" in result.stderr
