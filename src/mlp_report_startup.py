"""Interpreter start-up hook of the ``papermill`` and ``jupyter-book`` commands (installed as ``mlp_report.pth``).

Python runs the ``.pth`` file's one line in every interpreter of the environment; it imports this module only
in a process started as ``papermill``, ``jupyter-book``, ``jb`` or ``python -m papermill`` (the line checks
``sys.argv[0]`` first, so other processes import nothing). :func:`install` then puts a ``sys.excepthook`` in front of the default one:
a failure this project explains in one line (a chapter's ``ConfigError``/``MnistDataError``, an invalid
``_config.yml``/``_toc.yml``) ends the command's output with that line instead of the command's own
traceback; every other exception goes to the hook that was there. The exit status stays 1.
What the short form says is decided in :mod:`mlp_report.build.cli_errors`, imported only on failure.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {"papermill": "papermill", "jupyter-book": "jupyter-book", "jb": "jupyter-book"}


def command(argv: list[str], orig_argv: list[str] | None = None) -> str | None:
    """``"papermill"`` or ``"jupyter-book"`` when ``argv`` is one of those commands as typed (or ``python -m
    papermill``: ``argv`` is then ``["-m", ...]`` at start-up and ``orig_argv`` names the module), else None."""
    if argv[:1] == ["-m"]:
        orig = list(orig_argv or [])
        module = orig[orig.index("-m") + 1] if "-m" in orig[:-1] else None
        return "papermill" if module == "papermill" else None
    return COMMANDS.get(os.path.basename(argv[0])) if argv else None


def install(argv: list[str] | None = None, orig_argv: list[str] | None = None) -> None:
    """Put the short-failure hook in front of ``sys.excepthook`` (once) if this process is one of the commands."""
    which = command(sys.argv if argv is None else argv, sys.orig_argv if orig_argv is None else orig_argv)
    if which is None or getattr(sys.excepthook, "mlp_report", False):
        return
    original = sys.excepthook

    def excepthook(kind, value, tb):
        try:
            from mlp_report.build.cli_errors import short_form

            text = short_form(which, value, tb)
        except Exception:  # the hook never hides the real error
            text = None
        if text is None:
            original(kind, value, tb)
        elif text:
            print(text, file=sys.stderr, flush=True)

    excepthook.mlp_report = True
    sys.excepthook = excepthook
