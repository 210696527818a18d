"""The book's Sphinx extension, loaded through ``sphinx: extra_extensions`` in ``_config.yml``.

It makes a plain ``jupyter-book build .`` build the same book as ``make book``:

* when the build starts, it takes the checkout's build lock (:mod:`mlp_report.build.lock`; a build
  started by ``python -m mlp_report.build.book`` hands its lock down), so no other build writes the stage
  meanwhile, and SIGTERM/SIGHUP/SIGINT end the chapter's kernel with the build
  (:mod:`mlp_report.build.children`);
* then :func:`mlp_report.build.book.stage_book` brings the executed chapters up to date
  (papermill, full profile unless ``MLP_REPORT_PROFILE`` says otherwise; only what changed is executed)
  and a chapter that fails stops the build with its own error;
* each chapter is rendered from its executed notebook (``_config.yml`` switches myst-nb's execution off);
* a chapter whose executed notebook changed is re-read, so Sphinx re-renders only what changed;
* the widget JavaScript (require.js, html-manager, anywidget) is copied from ``node_modules`` into
  ``_static/widgets/`` of the HTML output, so the playground works offline with no extra step;
* the book's own CSS (``build/static/mlp-report.css``) and theme templates (``build/templates/``) fix what
  the theme leaves below WCAG AA (model-summary colours, the search and colour-mode buttons' names).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from sphinx.errors import ExtensionError

_STATE: dict[str, Any] = {"stage": None, "chapters": {}}


class BookError(ExtensionError):
    """Stops the build with a one-line message (Sphinx prints it last; ``jupyter-book build`` typed on the
    command line then ends there, see :mod:`mlp_report.build.cli_errors`)."""


def _check_book_files(app, config) -> None:
    # an invalid _config.yml/_toc.yml stops `jupyter-book build .` as it stops the book command: one line
    # naming the file, the line and what to fix, before anything is executed
    from ..validation import ConfigError
    from .book import check_book_files

    root = Path(app.srcdir).resolve()
    if (root / "_toc.yml").is_file() and (root / "_config.yml").is_file():
        try:
            check_book_files(root)
        except ConfigError as exc:
            raise BookError(str(exc)) from None


def _stage(app) -> None:
    from ..paths import absolutize_path_variables, stage_dir
    from ..validation import ConfigError
    from .book import BOOK_FILE, ChapterError, stage_book, toc_chapters

    root = Path(app.srcdir).resolve()
    if not (root / "_toc.yml").is_file() or not toc_chapters(root):
        return
    _hold_lock(root)
    absolutize_path_variables()  # relative to where `jupyter-book build` was typed, not to chapters/
    profile = os.environ.get("MLP_REPORT_PROFILE") or "full"
    stage = stage_dir(root, profile)
    parameters: dict[str, Any] = {}
    if os.environ.get("MLP_REPORT_STAGE") and (stage / BOOK_FILE).is_file():
        book = json.loads((stage / BOOK_FILE).read_text())  # executed by the caller with these settings
        if book.get("profile") == profile or not os.environ.get("MLP_REPORT_PROFILE"):
            profile, parameters = book["profile"], book["parameters"]
    os.environ.setdefault("MLP_REPORT_ROOT", str(root))
    try:
        stage_book(root, stage, profile, parameters=parameters, log=lambda msg: print(msg, flush=True))
    except (ChapterError, ConfigError) as exc:  # ConfigError: e.g. a cache or the stage is not writable
        # a short message naming the chapter and its error, not the kernel's chained tracebacks
        raise BookError(str(exc)) from None
    _STATE["stage"] = stage
    _STATE["chapters"] = {str((root / f"{c}.md").resolve()): stage / f"{c}.ipynb" for c in toc_chapters(root)}


def _hold_lock(root: Path) -> None:
    from .children import end_with_this_process
    from .lock import BuildLockedError, hold_build_lock, release_build_lock

    try:
        hold_build_lock(root)
    except BuildLockedError as exc:
        raise BookError(str(exc)) from None
    if threading.current_thread() is threading.main_thread():
        end_with_this_process(lambda: release_build_lock(root))


def _outdated(app, env, added, changed, removed) -> list[str]:
    # a chapter whose executed notebook changed (its code, the package or its inputs changed) is re-read
    from .book import chapter_keys

    if _STATE["stage"] is None:
        return []
    keys = chapter_keys(_STATE["stage"])
    known = getattr(env, "mlp_report_keys", {})
    outdated = [doc for doc, key in keys.items() if doc in env.found_docs and known.get(doc) != key]
    env.mlp_report_keys = keys
    return outdated


def _install_reader() -> None:
    # myst-nb chooses a notebook reader per source path; for a staged chapter, read its executed notebook
    import myst_nb.sphinx_ as mystnb_sphinx
    from myst_nb.core.read import NbReader

    original = mystnb_sphinx.create_nb_reader
    if getattr(original, "_mlp_report", False):
        return

    def create_nb_reader(path, md_config, nb_config, content):
        executed = _STATE["chapters"].get(str(Path(path).resolve()))
        if executed is not None and executed.is_file():
            import nbformat

            return NbReader(lambda _text: nbformat.read(executed, as_version=4), md_config)
        return original(path, md_config, nb_config, content)

    create_nb_reader._mlp_report = True
    mystnb_sphinx.create_nb_reader = create_nb_reader


def _copy_widget_js(app, exception) -> None:
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    from ..paths import project_root
    from .book import vendor_widget_js

    root = Path(app.srcdir).resolve()
    modules_root = root if (root / "node_modules").is_dir() else project_root()
    try:
        vendor_widget_js(modules_root, Path(app.outdir))
    except FileNotFoundError as exc:
        raise BookError(str(exc)) from None


def _dedupe_scripts(app, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    # sphinx-thebe 0.3 adds its `const THEBE_JS_URL = ...` body script twice under jupyter-book 1,
    # which throws "Identifier 'THEBE_JS_URL' has already been declared" on every page.
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        body = getattr(script, "attributes", {}).get("body")
        key = ("body", body) if body else ("file", getattr(script, "filename", str(script)))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def _plain_citation_list(app, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    # docutils marks the bibliography up as role="list" holding role="doc-biblioentry" entries: a role
    # that DPUB-ARIA 1.1 deprecates, and a list whose children axe-core rejects (WCAG 2.1 A). Plain
    # divs read the same; the entries keep their ids, so every citation link still lands on its entry.
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">').replace(
            ' role="doc-biblioentry"', ""
        )


_HERE = Path(__file__).resolve().parent


def _own_templates_and_css(app, config) -> None:
    """The book's templates come before the theme's components; its CSS file is added to every page."""
    config.templates_path.insert(0, str(_HERE / "templates"))
    config.html_static_path.append(str(_HERE / "static"))


def setup(app) -> dict[str, Any]:
    app.connect("config-inited", _check_book_files, priority=100)  # before the other extensions' handlers
    app.connect("config-inited", _own_templates_and_css)
    app.add_css_file("mlp-report.css")
    # emit_firstresult stops at the first handler returning a value, so run early
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    app.connect("html-page-context", _plain_citation_list)
    _install_reader()
    app.connect("builder-inited", _stage)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _copy_widget_js)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
