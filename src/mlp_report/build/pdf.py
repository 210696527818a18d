"""The whole book as one PDF, built by Jupyter Book's LaTeX builder from the executed chapters.

``make book`` executes the chapters into the stage folder (``.cache/book/full/chapters``); this module
copies the book's files and those executed notebooks into ``_build/pdf/book``, prepares the copy for
print (glued tables become real tables, interactive outputs are dropped: the chapters give them a static
stand-in inside ``{only} latex``), and runs ``jupyter-book build --builder pdflatex`` on it with
execution off. The chapters are first brought up to date exactly as the HTML build does it
(:func:`mlp_report.build.book.stage_book`), so right after ``make book`` nothing is executed or trained.

    python -m mlp_report.build.pdf               # _build/pdf/mlp-report.pdf (after `make book`: executes nothing)
    python -m mlp_report.build.pdf --check-tex   # exit 1 (listing what is missing) without a usable TeX

The module is also a Sphinx extension (listed in ``_config.yml``): where the PDF exists, the HTML book
links it from its first page (the ``{book-pdf}`` directive) and from every page's download menu, and
the PDF is copied into the HTML output as ``_downloads/mlp-report.pdf``. Where it does not exist, the
HTML shows no link at all, so no link is ever broken.
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

PDF_NAME = "mlp-report.pdf"
TEX_NAME = "mlp-report.tex"
HTML_PDF_PATH = "_downloads/" + PDF_NAME  # where the HTML book serves the PDF, relative to its root

# What the LaTeX build needs: the engine, latexmk, and the styles that Sphinx, sphinx-jupyterbook-latex's
# class and the FreeFont OpenType fonts (Sphinx's default for xelatex) bring. `make pdf` installs the
# Debian packages that hold them where one is missing.
TEX_PROGRAMS = ("xelatex", "latexmk")
TEX_FILES = (
    "fontspec.sty",  # texlive-latex-recommended / texlive-xetex
    "polyglossia.sty",  # texlive-xetex
    "fncychap.sty",  # texlive-latex-extra
    "tabulary.sty",  # texlive-latex-extra
    "changepage.sty",  # texlive-latex-extra (jupyterBook.cls)
    "pgfplots.sty",  # texlive-pictures (jupyterBook.cls)
    "ucharclasses.sty",  # texlive-xetex (sphinx-jupyterbook-latex's preamble)
    "unicode-math.sty",  # texlive-latex-recommended (idem)
    "pzdr.tfm",  # texlive-fonts-recommended (hyperref's link font under xelatex)
    "FreeSerif.otf",  # fonts-freefont-otf
)
DEBIAN_TEX_PACKAGES = (
    "texlive-xetex",
    "texlive-latex-recommended",
    "texlive-latex-extra",
    "texlive-fonts-recommended",
    "texlive-pictures",
    "fonts-freefont-otf",
    "latexmk",
)

# sphinx-jupyterbook-latex's class loads `bbm` for \mathbbm macros that the book never uses; Debian ships
# bbm.sty only in texlive-fonts-extra (about 500 MB), so where it is missing the build gets this
# stand-in that maps \mathbbm to amssymb's \mathbb.
BBM_STY = r"""\NeedsTeXFormat{LaTeX2e}
\ProvidesPackage{bbm}[2026/01/01 mlp-report: mathbbm as amssymb's mathbb]
\RequirePackage{amssymb}
\providecommand{\mathbbm}[1]{\mathbb{#1}}
\endinput
"""

# MIME types that only live in a browser: their cells have no print form and are left out of the PDF.
INTERACTIVE_MIME = ("application/vnd.jupyter.widget-view+json",)
RECORD_PREFIX = "application/papermill.record/"  # myst_nb.glue stores glued outputs under this prefix


# --------------------------------------------------------------------------------------------------
# TeX set-up


def _kpsewhich(name: str) -> str:
    """The path of a TeX file (``""`` when TeX or the file is missing)."""
    if shutil.which("kpsewhich") is None:
        return ""
    return subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout.strip()


def missing_tex() -> list[str]:
    """The TeX programs and files the PDF build needs that this machine lacks (empty: ready)."""
    missing = [prog for prog in TEX_PROGRAMS if shutil.which(prog) is None]
    fonts = ""
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", "--format", "%{file}\\n"], capture_output=True, text=True).stdout
    for name in TEX_FILES:
        if not (_kpsewhich(name) or (name.endswith(".otf") and f"/{name}\n" in fonts)):
            missing.append(name)
    return missing


# --------------------------------------------------------------------------------------------------
# Preparing the staged notebooks for print


class _TableParser(HTMLParser):
    """Rows of cell texts of the first ``<table>`` of an HTML fragment (pandas' ``Styler`` output)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.header_rows = 0
        self._cell: list[str] | None = None
        self._in_head = False
        self._tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._tables += 1
        elif self._tables != 1:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self.rows.append([])
            if self._in_head:
                self.header_rows += 1
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._tables != 1:
            return
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._tables += 1  # ignore any later table

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|$#])")


def html_table_to_markdown(html: str) -> str | None:
    """A MyST ``list-table`` with the cells of the HTML table in ``html`` (``None`` if it holds none).

    Glued DataFrames are pandas ``Styler`` objects, whose only rich form is HTML, which LaTeX cannot
    use; their plain-text form would print as a monospaced block. As MyST Markdown, MyST-NB parses them
    into real tables. Column widths are proportional to each column's longest cell (or a third of its
    header), so numbers keep to one line and only the text columns and headers wrap.
    """
    parser = _TableParser()
    parser.feed(html)
    rows = [row for row in parser.rows if any(cell for cell in row)]
    if not rows:
        return None
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    header_rows = max(1, min(parser.header_rows, len(rows)))
    # several header rows (e.g. column index names) are joined per column into one header line
    header = [" ".join(cell for cell in column if cell) for column in zip(*rows[:header_rows], strict=True)]
    body = rows[header_rows:]
    widths = []
    for i, title in enumerate(header):
        longest_word = max((len(word) for word in title.split()), default=1)
        # a header takes at most about three lines
        widths.append(max([longest_word, len(title) // 3, *(len(row[i]) for row in body)]) + 2)
    lines = ["```{list-table}", f":header-rows: {1 if body else 0}", f":widths: {' '.join(map(str, widths))}", ""]
    for row in [header, *body]:
        for j, cell in enumerate(row):
            text = _MARKDOWN_SPECIAL.sub(r"\\\1", cell)
            lines.append((("* -" if j == 0 else "  -") + " " + text).rstrip())
    lines.append("```")
    return "\n".join(lines) + "\n"


def prepare_notebook(notebook: dict[str, Any]) -> dict[str, int]:
    """Make an executed notebook printable, in place; returns what was changed.

    - a glued or displayed HTML table also gets a ``text/markdown`` form (a real table in LaTeX);
    - a cell with an interactive output (a widget) is removed from print: the chapter gives a static
      stand-in for it inside an ``{only} latex`` block.
    """
    counts = {"tables": 0, "interactive_cells": 0}
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        if any(mime in out.get("data", {}) for out in outputs for mime in INTERACTIVE_MIME):
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "remove-cell" not in tags:
                tags.append("remove-cell")
            counts["interactive_cells"] += 1
            continue
        for out in outputs:
            data = out.get("data", {})
            for prefix in (RECORD_PREFIX, ""):
                html = data.get(prefix + "text/html")
                if html is None or prefix + "text/markdown" in data:
                    continue
                html = "".join(html) if isinstance(html, list) else html
                if "<table" not in html:
                    continue
                markdown = html_table_to_markdown(html)
                if markdown:
                    data[prefix + "text/markdown"] = markdown
                    counts["tables"] += 1
    return counts


def print_config(root: Path) -> dict[str, Any]:
    """The book's ``_config.yml`` for the print copy: execution off, its chapters are the executed
    ``.ipynb`` files (so without :mod:`mlp_report.build.sphinx_ext`, which would stage and execute chapters)."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    config["exclude_patterns"] = [p for p in config.get("exclude_patterns", []) if not p.endswith(".ipynb")]
    sphinx = config.setdefault("sphinx", {})
    sphinx["extra_extensions"] = [e for e in sphinx.get("extra_extensions", []) if e != "mlp_report.build.sphinx_ext"]
    # the Markdown form of glued tables is a MyST directive (MyST-NB's default parser is CommonMark)
    config.setdefault("sphinx", {}).setdefault("config", {})["nb_render_markdown_format"] = "myst"
    return config


# the book's own files, copied into the print copy beside the executed chapters
BOOK_FILES = ("_toc.yml", "intro.md", "references.md", "provenance.md", "references.bib", "logo.svg")
BOOK_DIRS = ("_static",)


def prepare_print_book(root: Path, stage: Path, dest: Path) -> dict[str, int]:
    """Copy the book's files from ``root`` and its executed chapters from ``stage`` (``stage/chapters/*.ipynb``)
    to ``dest``, and prepare every chapter for print; returns what :func:`prepare_notebook` changed."""
    import yaml

    from .book import toc_chapters

    chapters = toc_chapters(root)
    missing = [c for c in chapters if not (stage / f"{c}.ipynb").is_file()]
    if missing:
        raise FileNotFoundError(
            f"No executed chapters in {stage} ({', '.join(missing)} missing): run `make book` first; "
            "the PDF is built from the executed chapters and trains nothing."
        )
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in BOOK_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, dest / name)
    for name in BOOK_DIRS:
        if (root / name).is_dir():
            shutil.copytree(root / name, dest / name)
    config = print_config(root)
    if not _kpsewhich("bbm.sty"):
        (dest / "bbm.sty").write_text(BBM_STY)
        sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
        sphinx_config["latex_additional_files"] = [*sphinx_config.get("latex_additional_files", []), "bbm.sty"]
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    totals = {"tables": 0, "interactive_cells": 0}
    for chapter in chapters:
        notebook = json.loads((stage / f"{chapter}.ipynb").read_text())
        for key, value in prepare_notebook(notebook).items():
            totals[key] += value
        target = dest / f"{chapter}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False))
    return totals


# --------------------------------------------------------------------------------------------------
# The build


def build_pdf(root: Path, stage: Path, out_dir: Path, *, strict: bool = True) -> Path:
    """Build ``out_dir/mlp-report.pdf`` from the executed book in ``stage``; returns its path."""
    missing = missing_tex()
    if missing:
        raise RuntimeError(
            f"TeX is missing {', '.join(missing)}: `make pdf` installs it (Debian: apt-get install "
            f"{' '.join(DEBIAN_TEX_PACKAGES)})."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    book = out_dir / "book"
    counts = prepare_print_book(root, stage, book)
    print(f"print copy of the book in {book}: {counts['tables']} tables, "
          f"{counts['interactive_cells']} interactive cells left to their print stand-in", flush=True)
    latex = out_dir / "_build" / "latex"
    if latex.exists():
        shutil.rmtree(latex)
    cli = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(cli), "build", str(book), "--builder", "pdflatex", "--path-output", str(out_dir), "--all"]
    if strict:
        cmd += ["-W", "--keep-going"]
    log = out_dir / "build.log"
    start = time.perf_counter()
    with log.open("w") as fh:
        # the provenance page reads the manifests of the executed chapters printed here
        env = {**os.environ, "MLP_REPORT_STAGE": str(Path(stage).resolve())}
        result = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=root, env=env)
    built = latex / PDF_NAME
    if result.returncode != 0 or not built.is_file():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        raise RuntimeError(f"the PDF build failed (exit {result.returncode}); last lines of {log}:\n{tail}")
    problems = latex_problems(latex / TEX_NAME.replace(".tex", ".log"))
    if problems:
        raise RuntimeError("the PDF has typesetting problems:\n" + "\n".join(problems))
    target = out_dir / PDF_NAME
    shutil.copyfile(built, target)
    print(f"PDF built in {time.perf_counter() - start:.0f} s: {target}", flush=True)
    return target


def latex_problems(log: Path) -> list[str]:
    """Glyphs missing from the fonts (printed as nothing) and undefined references in a LaTeX log."""
    if not log.is_file():
        return [f"{log} does not exist"]
    text = log.read_text(errors="replace")
    found = sorted(set(re.findall(r"Missing character: There is no .*", text)))
    found += sorted(set(re.findall(r"LaTeX Warning: (?:Reference|Citation) .* undefined.*", text)))
    return found


# --------------------------------------------------------------------------------------------------
# The HTML side: a link to the PDF where it exists


def pdf_path() -> Path:
    """Where ``make pdf`` puts the PDF (``_build/pdf/mlp-report.pdf`` of the project)."""
    from ..paths import project_root

    return project_root() / "_build" / "pdf" / PDF_NAME


def _pages(path: Path) -> int | None:
    """The page count of a PDF, from ``pdfinfo`` (poppler-utils) where it is installed."""
    if shutil.which("pdfinfo") is None:
        return None
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    return int(match.group(1)) if match else None


def setup(app) -> dict[str, Any]:
    """Sphinx extension: the ``{book-pdf}`` directive, the download-menu entry and the PDF copy."""
    from docutils import nodes
    from sphinx.util.docutils import SphinxDirective

    class BookPdf(SphinxDirective):
        """A sentence linking the book's PDF, in the HTML only and only where the PDF was built."""

        has_content = False

        def run(self) -> list[nodes.Node]:
            path = pdf_path()
            # re-read when the PDF appears or changes (a missing dependency keeps the page outdated)
            self.env.note_dependency(str(path))
            if self.env.app.builder.format != "html" or not path.is_file():
                return []
            uri = posixpath.relpath(HTML_PDF_PATH, posixpath.dirname(self.env.docname) or ".")
            pages = _pages(path)
            size = f"{path.stat().st_size / 1e6:.1f} MB"
            detail = f" ({pages} pages, {size})" if pages else f" ({size})"
            para = nodes.paragraph(classes=["book-pdf"])
            para += nodes.Text("The whole book is also available as one PDF, for print or to hand in: ")
            para += nodes.reference("", PDF_NAME, refuri=uri, classes=["book-pdf-link"])
            para += nodes.Text(detail + ".")
            return [para]

    def download_entry(app, pagename, templatename, context, doctree) -> None:
        if app.builder.format != "html" or not pdf_path().is_file():
            return
        for button in context.get("header_buttons", []):
            if button.get("label") == "download-buttons":
                button["buttons"].append(
                    {
                        "type": "link",
                        "url": context["pathto"](HTML_PDF_PATH, 1),
                        "text": "book .pdf",
                        "tooltip": "Download the whole book as one PDF",
                        "icon": "fas fa-book",
                        "label": "download-book-pdf-button",
                    }
                )

    def copy_pdf(app, exception) -> None:
        if exception is None and app.builder.format == "html" and pdf_path().is_file():
            target = Path(app.outdir) / HTML_PDF_PATH
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf_path(), target)

    def outdated(app, env, added, changed, removed) -> list[str]:
        # every page's download menu depends on the PDF: re-render all pages when it appears or changes
        path = pdf_path()
        state = path.stat().st_mtime if path.is_file() else None
        if getattr(env, "mlp_report_pdf", None) == state:
            return []
        env.mlp_report_pdf = state
        return sorted(env.found_docs)

    app.add_directive("book-pdf", BookPdf)
    app.connect("env-get-outdated", outdated)
    app.connect("html-page-context", download_entry, priority=600)  # after the theme's buttons (501)
    app.connect("build-finished", copy_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", type=Path, help="the executed chapters (default: .cache/book/full)")
    parser.add_argument("--output", type=Path, help="output folder (default: _build/pdf)")
    parser.add_argument("--check-tex", action="store_true", help="only check that TeX is ready; exit 1 if not")
    parser.add_argument("--no-html", action="store_true", help="do not rebuild the HTML book to link the PDF")
    args = parser.parse_args(argv)
    if args.check_tex:
        missing = missing_tex()
        if missing:
            print("TeX is missing: " + ", ".join(missing))
            return 1
        return 0
    from ..paths import project_root, stage_dir
    from .book import ChapterError, build_html, stage_book
    from .lock import BuildLockedError, hold_build_lock

    root = project_root()
    stage = args.stage or stage_dir(root, "full")
    try:
        if args.stage is None:
            # the same executed chapters as the HTML: right after `make book` nothing is executed here;
            # a chapter whose sources changed since is executed first, as the HTML build would
            hold_build_lock(root)
            executed = stage_book(root, stage, "full")
            if executed:
                print(f"executed {len(executed)} chapters that changed since the last build", flush=True)
        pdf = build_pdf(root, stage, args.output or root / "_build" / "pdf")
    except (FileNotFoundError, RuntimeError, ChapterError, BuildLockedError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"\nThe PDF is ready: {pdf}")
    if not args.no_html and (root / "_build" / "html" / "index.html").is_file():
        # build the HTML again (incrementally, from the same executed chapters): it links and ships the PDF
        start = time.perf_counter()
        html = build_html(stage, root)
        print(f"HTML rebuilt with the PDF link in {time.perf_counter() - start:.0f} s: {html / HTML_PDF_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
