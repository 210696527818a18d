"""Checks on the book's PDF, as a reader meets it: ``make pdf``, then ``make pdf-check``.

The expected texts come from the executed chapters (``--full-report .cache/book/full``): every chapter
title, every figure caption and a sample of the glued numbers from each chapter must be in the PDF's
text (``pdftotext``); every font is embedded (``pdffonts``); no word sticks out of the page; the pages are
rendered to PNG under ``artifacts/pdf/`` (``pdftoppm``) for a look.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mlp_report.build.book import toc_chapters
from mlp_report.build.pdf import TEX_NAME
from mlp_report.notebook import read_glue, read_notebook
from mlp_report.paths import project_root

ARTIFACTS = Path("artifacts") / "pdf"
CAPTION_DIRECTIVE = re.compile(r"^(```+|~~~+)\{(?:glue:figure|figure)\}[^\n]*\n(.*?)^\1\s*$", re.S | re.M)
INLINE_GLUE = re.compile(r"\{glue(?::text|:)?\}`([A-Za-z0-9_]+)(?::([^`]+))?`")
NUMBER_LIKE = re.compile(r"^[−\-]?\d[\d,.]*( ?%)?$")


def normalise(text: str) -> str:
    """Text without whitespace, hyphens, quote styles and case, so that line breaks, hyphenation and
    the upper-case chapter headings of the PDF do not matter."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\ufb01", "fi").replace("\ufb02", "fl").replace("−", "-")
    return re.sub(r"[\s\-\u2010\u2011\u00ad]+", "", text).casefold()


def shown(value: str, spec: str | None) -> str | None:
    """A glued value as the prose shows it: ``{glue:text}`key:spec``` formats the number with ``spec``."""
    value = value.strip()
    if not spec:
        return value
    for kind in (int, float):
        try:
            return format(kind(value.replace(",", "")), spec)
        except ValueError:
            continue
    return None


def markdown_plain(text: str) -> str:
    """Caption or prose markdown as it reads in print (no backticks, emphasis or link targets)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[`*]", "", text)


@pytest.fixture(scope="session")
def book_pdf(request: pytest.FixtureRequest) -> Path:
    option = request.config.getoption("--pdf")
    if not option:
        pytest.skip("checks of the PDF: run `make pdf`, then `make pdf-check`")
    path = Path(option)
    if not path.is_file():
        pytest.fail(f"{path} does not exist: build it with `make pdf` (after `make book`)")
    for tool in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: apt-get install poppler-utils")
    return path


@pytest.fixture(scope="session")
def pdf_text(book_pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(book_pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="session")
def chapters(full_stage: Path) -> list[str]:
    return [Path(c).name for c in toc_chapters(project_root())]


def markdown_of(notebook: Path) -> str:
    cells = read_notebook(notebook)["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def chapter_title(notebook: Path) -> str:
    title = re.search(r"^# (.+)$", markdown_of(notebook), re.M)
    assert title, f"{notebook} has no title"
    return markdown_plain(title.group(1))


def test_title_page(pdf_text: str):
    import yaml

    config = yaml.safe_load((project_root() / "_config.yml").read_text())
    first_page = normalise(pdf_text.split("\f")[0])
    assert normalise(config["title"]) in first_page
    assert normalise(config["author"]) in first_page


def test_table_of_contents_lists_every_chapter(pdf_text: str, chapters: list[str], executed_chapter):
    pages = pdf_text.split("\f")[:5]
    contents = [page for page in pages if page.lstrip().lower().startswith("contents")]
    assert contents, "no table of contents in the first pages"
    for chapter in chapters:
        title = chapter_title(executed_chapter(chapter))
        assert normalise(title) in normalise(contents[0]), f"{title!r} not in the table of contents"


def test_every_chapter_title(pdf_text: str, chapters: list[str], executed_chapter):
    pages = pdf_text.split("\f")
    for chapter in chapters:
        title = normalise(chapter_title(executed_chapter(chapter)))
        # on a chapter's first page (besides the table of contents and the running heads)
        assert any(title in normalise(page) and "CHAPTER" in page.upper() for page in pages), title


def test_every_figure_caption(pdf_text: str, chapters: list[str], executed_chapter):
    text = normalise(pdf_text)
    checked = 0
    for chapter in chapters:
        for _fence, body in CAPTION_DIRECTIVE.findall(markdown_of(executed_chapter(chapter))):
            caption = "\n".join(line for line in body.splitlines() if not line.startswith(":")).strip()
            # up to the first role or math, which print as their rendered value
            caption = re.split(r"\{[a-z:]+\}`|\$", caption)[0]
            caption = markdown_plain(caption)[:120]
            if len(caption) < 12:
                continue
            assert normalise(caption) in text, f"{chapter}: caption {caption!r} not in the PDF"
            checked += 1
    assert checked >= 2 * len(chapters), f"only {checked} captions found in the chapters"


def test_glued_values_of_every_chapter(pdf_text: str, chapters: list[str], executed_chapter):
    text = normalise(pdf_text)
    for chapter in chapters:
        notebook = executed_chapter(chapter)
        glued = read_glue(notebook)
        used = list(dict.fromkeys(INLINE_GLUE.findall(markdown_of(notebook))))
        values = [(key, shown(glued[key], spec)) for key, spec in used if key in glued]
        numbers = [(key, value) for key, value in values if value and NUMBER_LIKE.match(value)]
        assert len(numbers) >= 3, f"{chapter}: fewer than 3 glued numbers in the prose ({numbers})"
        sample = numbers[:: max(1, len(numbers) // 8)]
        for key, value in sample:
            # the glued value with its neighbour in the prose, so a bare number elsewhere cannot match
            assert normalise(value) in text, f"{chapter}: glued {key} = {value!r} not in the PDF"


def test_glued_sentences_in_context(pdf_text: str, executed_chapter):
    # a glued number with the words around it, as in the prose of Task 0
    glued = read_glue(executed_chapter("task0"))
    text = normalise(pdf_text)
    markdown = markdown_of(executed_chapter("task0"))
    for match in re.finditer(r"([A-Za-z ,]{12,})\{glue(?::text|:)?\}`([A-Za-z0-9_]+)(?::([^`]+))?`", markdown):
        words, key, spec = match.groups()
        value = shown(glued[key], spec) if key in glued else None
        if value and NUMBER_LIKE.match(value):
            assert normalise(words.split(",")[-1] + value) in text, (words, key, value)
            return
    pytest.fail("no glued number after plain words in Task 0's prose")


def test_page_count_is_sensible(book_pdf: Path, chapters: list[str]):
    info = subprocess.run(["pdfinfo", str(book_pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 4 * len(chapters) <= pages <= 40 * len(chapters), f"{pages} pages for {len(chapters)} chapters"
    assert "A4" in info or "595.28 x 841.89" in info


def test_every_font_is_embedded(book_pdf: Path):
    out = subprocess.run(["pdffonts", str(book_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, "pdffonts lists no font"
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]  # columns: ... emb sub uni object ID
    assert not_embedded == [], not_embedded


def test_nothing_sticks_out_of_the_page(book_pdf: Path, tmp_path: Path):
    bbox = tmp_path / "bbox.html"
    subprocess.run(["pdftotext", "-bbox", str(book_pdf), str(bbox)], check=True)
    html = bbox.read_text()
    outside = []
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", html, re.S), start=1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for x_max, word in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', page):
            if float(x_max) > width - 28:  # 1 cm from the edge; the text block ends 1.75 cm from it
                outside.append((number, word, x_max))
    assert outside == [], f"words beyond the right margin (page, word, xMax): {outside[:10]}"


def test_no_overfull_lines_in_the_latex_log(book_pdf: Path):
    log = book_pdf.parent / "_build" / "latex" / TEX_NAME.replace(".tex", ".log")
    if not log.is_file():
        pytest.fail(f"{log} is missing: the PDF was not built by `make pdf`")
    widths = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log.read_text(errors="replace"))]
    assert [w for w in widths if w > 20] == [], f"lines overflowing by more than 20 pt: {sorted(widths)[-5:]}"


def test_render_pages_for_a_look(book_pdf: Path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(book_pdf), str(ARTIFACTS / "page")], check=True)
    info = subprocess.run(["pdfinfo", str(book_pdf)], capture_output=True, text=True, check=True).stdout
    pages = sorted(ARTIFACTS.glob("page-*.png"))
    assert len(pages) == int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    blank = [p.name for p in pages if p.stat().st_size < 2000]  # an empty A4 page at 50 dpi: about 1 kB
    assert blank == [], f"blank pages: {blank}"


def test_figures_keep_their_aspect(book_pdf: Path):
    out = subprocess.run(["pdfimages", "-list", str(book_pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.split()[2] == "image"]
    assert len(rows) >= 10, "fewer than 10 images in the PDF"
    # columns: page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    squeezed = [(row[0], row[12], row[13]) for row in rows if abs(int(row[12]) - int(row[13])) > 1]
    assert squeezed == [], f"images scaled differently across and down (page, x-ppi, y-ppi): {squeezed}"


def test_html_book_links_and_ships_the_pdf(book_pdf: Path):
    html = book_pdf.parent.parent / "html"
    if not (html / "index.html").is_file():
        pytest.skip(f"no HTML book beside {book_pdf}")
    from mlp_report.build.pdf import HTML_PDF_PATH

    intro = (html / "intro.html").read_text()
    assert f'href="{HTML_PDF_PATH}"' in intro
    assert (html / HTML_PDF_PATH).read_bytes() == book_pdf.read_bytes()
    assert f'href="../{HTML_PDF_PATH}"' in (html / "chapters" / "task4.html").read_text()  # download menu


def bib_entries() -> dict[str, tuple[str, str, str]]:
    """``{key: (title, first author's surname, year)}`` of every entry of references.bib."""
    text = (project_root() / "references.bib").read_text()
    entries = {}
    for key, body in re.findall(r"@\w+\{([^,]+),(.*?)\n\}", text, re.S):
        field = dict(re.findall(r"(\w+)\s*=\s*\{(.+?)\},?\n", body + "\n"))
        surname = re.sub(r"\\.|[{}'\"`^~]", "", field["author"].split(",")[0])
        entries[key] = (re.sub(r"[{}]", "", field["title"]).replace("--", "–"), surname, field["year"])
    return entries


def test_bibliography_lists_every_work(pdf_text: str):
    # the bibliography closes the book: sphinx-jupyterbook-latex moves it to the end
    tail = pdf_text[len(pdf_text) // 2:]
    assert re.search(r"^\s*(Bibliography|References|BIBLIOGRAPHY|REFERENCES)\s*$", tail, re.M), "no bibliography heading"
    text = normalise(tail).replace("–", "")
    entries = bib_entries()
    assert len(entries) >= 10
    for key, (title, _surname, _year) in entries.items():
        assert normalise(title).replace("–", "") in text, f"{key}: {title!r} not in the PDF's bibliography"


def test_citations_in_the_text(pdf_text: str, executed_chapter):
    # a sample of citations as the reader sees them (author-year), each in the chapter that cites it
    text = normalise(pdf_text)
    entries = bib_entries()
    cited = re.findall(r"\{cite:p\}`([^`]+)`", markdown_of(executed_chapter("task1")) + markdown_of(executed_chapter("task3")))
    keys = list(dict.fromkeys(k.strip() for group in cited for k in group.split(",")))
    assert {"goyal2017accurate", "zhang2017understanding", "srivastava2014dropout"} <= set(keys)
    for key in keys:
        _title, surname, year = entries[key]
        assert normalise(f"{surname}") in text and normalise(year) in text
        assert re.search(re.escape(normalise(surname)) + r"(etal\.?|and\w+)?,?" + year, text), f"citation of {key} not in the PDF"
