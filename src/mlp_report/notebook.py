"""Glue helpers for the chapters, and readers of executed notebooks for the tests and report checks.

In a book run (papermill, from :mod:`mlp_report.build.book`) a glued value is recorded only
(``display=False``): the prose shows it where a role or ``{glue:figure}`` names it. Run interactively
(JupyterLab, or any kernel papermill did not parameterize), the cell that glues also *shows* what it
glued, as the page would: figures and tables in full, values in one compact block per cell
(``name = value``), so a writer sees in the notebook what the book will print. The book's executed
notebooks are byte for byte what they were without this.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import timing

GLUE_MIME = "application/papermill.record/text/plain"


class Text:
    """A string that displays without quotes, so ``{glue:}`` shows it as typed."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


BATCH_ENV = "MLP_REPORT_BATCH"  # set by the book's executor (mlp_report.build.book.stage_book)


def interactive() -> bool:
    """True in a kernel a person drives: an IPython kernel that neither the book's executor nor papermill
    runs. The book sets ``MLP_REPORT_BATCH``; papermill, run by hand, leaves its ``# Parameters`` cell in
    the history."""
    if os.environ.get(BATCH_ENV):
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return False
    shell = get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return False  # plain Python or a terminal IPython: nothing renders rich output
    from .profiles import injected_parameters

    return not injected_parameters(shell.user_ns)


class GluedValues:
    """The values one cell glued, shown as one compact block (updated in place as the cell glues more)."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    def __repr__(self) -> str:
        return "\n".join(f"{name} = {shown}" for name, shown in self.items.items())

    def _repr_markdown_(self) -> str:
        rows = "".join(f"| `{name}` | {shown.replace('|', chr(92) + '|')} |\n" for name, shown in self.items.items())
        return "| glued | value |\n|:--|:--|\n" + rows


_shown: dict[str, Any] = {"cell": None, "values": None, "handle": None}


def _current_cell() -> Any:
    from IPython import get_ipython

    shell = get_ipython()
    return getattr(shell, "execution_count", None)


def _show_value(name: str, value: Any) -> None:
    """Add ``name = value`` to this cell's block of glued values (a new block in a new cell)."""
    from IPython.display import display

    shown = value.text if isinstance(value, Text) else repr(value)
    cell = _current_cell()
    if _shown["cell"] != cell or _shown["handle"] is None:
        _shown.update(cell=cell, values=GluedValues(), handle=None)
    _shown["values"].items[name] = " ".join(shown.split())
    if _shown["handle"] is None:
        _shown["handle"] = display(_shown["values"], display_id=True)
    else:
        _shown["handle"].update(_shown["values"])


def plain(value: Any) -> Any:
    """Turn NumPy scalars into Python ones (NumPy 2 would print ``np.float64(...)``)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def glue(name: str, value: Any) -> Any:
    """Glue the raw ``value`` for the prose, which formats numbers in the role (``{glue:text}`name:.2f```).

    NumPy scalars become Python ones (so ``text/plain`` is a literal the role can format), strings
    display without quotes, DataFrames become compact tables without the index, figures are glued as
    they are. Returns the value for reuse in the cell.
    """
    from myst_nb import glue as myst_glue

    value = plain(value)
    if _is_dataframe(value):
        shown: Any = table_style(value)
    elif isinstance(value, str):
        shown = Text(value)
    else:
        shown = value
    myst_glue(name, shown, display=False)
    if interactive():
        if _is_dataframe(value) or not _is_scalar(value):
            from IPython.display import display

            display(shown)
        else:
            _show_value(name, shown)
    return value


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool, Text)) or value is None


def glue_all(facts: Mapping[str, Any], prefix: str = "") -> Mapping[str, Any]:
    """Glue every fact of ``facts`` under ``prefix + name``; returns ``facts``."""
    for name, value in facts.items():
        glue(prefix + name, value)
    return facts


def _is_dataframe(value: Any) -> bool:
    import pandas as pd

    return isinstance(value, pd.DataFrame)


def table_style(frame):
    """How every glued table looks: no index column, compact type and padding."""
    return frame.style.hide(axis="index").format(precision=4).set_table_styles(
        [{"selector": "", "props": "font-size: 0.85em;"}, {"selector": "td, th", "props": "padding: 2px 6px;"}]
    )


def glue_percent(name: str, fraction: float) -> float:
    """Glue a fraction in percent (0.9731 -> 97.31), for a role such as ``{glue:text}`name:.2f` %``."""
    glue(name, 100 * plain(fraction))
    return fraction


def glue_figure(name: str, fig) -> None:
    """Glue a matplotlib figure for ``{glue:figure}`` and close it so it is not shown twice."""
    import matplotlib.pyplot as plt
    from myst_nb import glue as myst_glue

    # with timings on (--profile-build), the figure is timed from its creation to its rendered PNG
    wall, cpu = getattr(fig, "_mlp_report_created", None) or (time.perf_counter(), time.process_time())
    myst_glue(name, fig, display=False)  # renders the PNG
    if interactive():  # the notebook shows the figure where the cell glues it; the book, where the prose does
        import io

        from IPython.display import Image, display

        png = io.BytesIO()
        fig.savefig(png, format="png", bbox_inches="tight")  # as the inline backend draws it, whatever the backend
        display(Image(data=png.getvalue(), format="png"))
    plt.close(fig)
    timing.add("figures", time.perf_counter() - wall, time.process_time() - cpu)
    timing.flush()


def _stamp_figures() -> None:
    """With timings on, every matplotlib figure records when it was created (for :func:`glue_figure`)."""
    from matplotlib.figure import Figure

    if getattr(Figure.__init__, "_stamped", False):
        return
    init = Figure.__init__

    def stamped(self, *args, **kwargs):
        self._mlp_report_created = (time.perf_counter(), time.process_time())
        init(self, *args, **kwargs)

    stamped._stamped = True  # type: ignore[attr-defined]
    Figure.__init__ = stamped


if timing.enabled():
    _stamp_figures()


def show_only_blocks(chapter: str | Path, output: str = "html") -> None:
    """In an interactive kernel, display the text of the chapter's ``{only} <output>`` blocks as Markdown.

    JupyterLab's MyST renderer does not know Sphinx's ``{only}`` directive and shows an "Unknown Directive"
    box instead of its content; a hidden cell calling this right after such a block is its stand-in in
    the notebook. In the book (and with papermill) it does nothing: the page renders the block itself.
    """
    if not interactive():
        return
    import re

    from IPython.display import Markdown, display

    text = Path(chapter).read_text(encoding="utf-8")
    fence = re.compile(r"^(?P<fence>`{3,}|~{3,})\{only\}\s*" + re.escape(output) + r"\s*\n(?P<body>.*?)^(?P=fence)\s*$",
                       re.MULTILINE | re.DOTALL)
    for block in fence.finditer(text):
        display(Markdown(f"*In the book's {output.upper()} only:*\n\n" + block["body"].strip()))


def read_notebook(path: str | Path) -> dict:
    return json.loads(Path(path).read_text())


def read_glue(path: str | Path) -> dict[str, str]:
    """Every glued key of an executed notebook with its ``text/plain`` value."""
    found: dict[str, str] = {}
    for cell in read_notebook(path)["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                data = out.get("data", {})
                text = data.get(GLUE_MIME) or data.get("text/plain") or ""
                found[meta["name"]] = "".join(text) if isinstance(text, list) else text
    return found


def cell_errors(path: str | Path) -> list[str]:
    """Error outputs of an executed notebook (empty when every cell ran)."""
    errors = []
    for cell in read_notebook(path)["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(f"{out.get('ename')}: {out.get('evalue')}")
    return errors
