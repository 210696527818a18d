"""Glue helpers for the chapters, and readers of executed notebooks for the tests and report checks."""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

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


def glue(name: str, value: Any, fmt: str | None = None) -> Any:
    """Glue ``value`` (formatted with ``fmt`` if given) for ``{glue:}`name``` in the prose.

    Numbers are glued as formatted text so that the page never shows ``np.float64(...)``;
    DataFrames become compact tables without the index; figures are glued as they are. Returns the value for reuse in the cell.
    """
    from myst_nb import glue as myst_glue

    value = plain(value)
    if _is_dataframe(value):
        shown = table_style(value)
    elif isinstance(value, str):
        shown: Any = Text(value)
    elif isinstance(value, numbers.Number) and not isinstance(value, bool):
        shown = Text(format(value, fmt) if fmt else (f"{value:,}" if isinstance(value, int) else f"{value:.4g}"))
    else:
        shown = value
    myst_glue(name, shown, display=False)
    return value


def _is_dataframe(value: Any) -> bool:
    import pandas as pd

    return isinstance(value, pd.DataFrame)


def table_style(frame):
    """How every glued table looks: no index column, compact type and padding."""
    return frame.style.hide(axis="index").format(precision=4).set_table_styles(
        [{"selector": "", "props": "font-size: 0.85em;"}, {"selector": "td, th", "props": "padding: 2px 6px;"}]
    )


def glue_percent(name: str, fraction: float, digits: int = 2) -> float:
    """Glue a fraction as a percentage string, e.g. 0.9731 -> ``97.31 %`` (``nan``: "no value (diverged)")."""
    value = plain(fraction)
    glue(name, f"{100 * value:.{digits}f} %" if value == value else "no value (diverged)")
    return fraction


def glue_figure(name: str, fig) -> None:
    """Glue a matplotlib figure for ``{glue:figure}`` and close it so it is not shown twice."""
    import matplotlib.pyplot as plt
    from myst_nb import glue as myst_glue

    myst_glue(name, fig, display=False)
    plt.close(fig)


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


def write_json(path: str | Path, payload: Mapping[str, Any]) -> Path:
    """Write ``payload`` as JSON atomically (temp file + rename)."""
    from .paths import atomic_write_text

    return atomic_write_text(path, json.dumps(payload, indent=2, default=plain))
