"""Glue helpers for the chapters, and readers of executed notebooks for the tests and report checks."""

from __future__ import annotations

import json
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
    return value


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
