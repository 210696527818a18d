"""What ``papermill`` and ``jupyter-book`` typed on the command line print when they fail for a reason this
project explains in one line (the start-up hook :mod:`mlp_report_startup` calls :func:`short_form`).

* ``papermill``: a chapter stopped by one of the project's one-line errors (:data:`SHORT_ERRORS`, the
  subclasses of :class:`mlp_report.validation.ShortError`) ends with where it stopped and, last, the error as
  the notebook shows it, instead of papermill's traceback through its own CLI. Any other error in a
  notebook keeps papermill's report (its traceback is the notebook's, which the user needs).
* ``jupyter-book build``: an invalid ``_config.yml``/``_toc.yml`` of this book ends with one line naming the
  file, the line and what to fix (:func:`mlp_report.build.book.check_book_files`, the check the book command
  runs first), also when Jupyter Book itself fails reading them; when the book's Sphinx extension stopped
  the build (a failing chapter, a bad ``_config.yml``), Sphinx has printed the cause last and the
  traceback of Jupyter Book's CLI under it is left out.

Everything else is left to Python's own hook (``short_form`` returns None).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

# the project's errors whose message says all (ShortError's subclasses; tests/test_cli_errors.py keeps
# this list complete): in a notebook they show as one line ``Name: message``
SHORT_ERRORS = frozenset({"ConfigError", "CacheError", "MnistDataError"})


def short_form(command: str, exc: BaseException, tb: TracebackType | None) -> str | None:
    """The text that ends a failed ``command`` instead of its traceback ("" to add nothing), or None to
    leave ``exc`` to Python's hook."""
    if command == "papermill":
        return _papermill(exc, tb)
    if command == "jupyter-book":
        return _jupyter_book(exc, tb)
    return None


def _frame_locals(tb: TracebackType | None, module: str, function: str) -> dict | None:
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == function and tb.tb_frame.f_globals.get("__name__") == module:
            return dict(tb.tb_frame.f_locals)
        tb = tb.tb_next
    return None


def _papermill(exc: BaseException, tb: TracebackType | None) -> str | None:
    from papermill.exceptions import PapermillExecutionError

    if not isinstance(exc, PapermillExecutionError) or exc.ename not in SHORT_ERRORS:
        return None
    if len(exc.traceback or []) != 1:  # ours render as one line in the notebook; another library's ConfigError does not
        return None
    where = _frame_locals(tb, "papermill.execute", "execute_notebook") or {}
    source, output = where.get("input_path"), where.get("output_path")
    said = f"papermill: {source} stopped at cell In [{exc.exec_count}]" if source else "papermill: stopped"
    if output and output != "-":
        said += f" (the executed notebook, the error marked: {output})"
    return f"{said}\n{exc.ename}: {exc.evalue}"


def _jupyter_book(exc: BaseException, tb: TracebackType | None) -> str | None:
    build = _frame_locals(tb, "jupyter_book.cli.main", "build")
    if build is None:
        return None
    cause = exc.__cause__
    if cause is not None and type(cause).__module__ == "mlp_report.build.sphinx_ext":
        return ""  # Sphinx printed the extension's one-line message last; Jupyter Book's traceback adds nothing
    root = build.get("PATH_SRC_FOLDER")
    if root is None or not (Path(root) / "_config.yml").is_file():
        return None
    if "mlp_report.build" not in (Path(root) / "_config.yml").read_text(errors="replace"):
        return None  # not this project's book
    from ..validation import ConfigError
    from .book import check_book_files

    try:
        check_book_files(Path(root))
    except ConfigError as found:
        return f"error: {found}"
    return None
