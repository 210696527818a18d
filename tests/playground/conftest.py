"""A small static page with playground widgets embedded as the book embeds them (fast: no book build).

The page loads the vendored require.js, the require.js config and html-manager's embed-amd.js from
``_static/widgets/`` beside it, holds the widgets' state in a ``application/vnd.jupyter.widget-state+json``
script and one view script per widget, as myst-nb writes them; its ``<main>`` is as wide as the book's
content column, and ``theme`` sets ``html[data-theme]`` as the pydata theme does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTENT_WIDTH = 740  # px: the book's content column at a 1280-px window (sphinx-book-theme, sidebars shown)

PAGE = """<!doctype html>
<html lang="en" data-theme="{theme}"><head><meta charset="utf-8"><title>playground</title>
<style>body{{margin:0;background:{bg}}} main{{width:{width}px;margin:20px auto;font-family:sans-serif}}</style>
<script src="_static/widgets/require.js"></script>
<script src="_static/widgets/require-config.js"></script>
<script src="_static/widgets/html-manager/embed-amd.js"></script>
<script type="application/vnd.jupyter.widget-state+json">{state}</script>
</head><body><main>
{views}
</main></body></html>
"""


def write_widget_page(folder: Path, widgets: Sequence, *, theme: str = "light", width: int = CONTENT_WIDTH,
                      name: str = "page.html") -> Path:
    """``folder/name``: the widgets embedded in a static page, with the widget JavaScript vendored."""
    from ipywidgets.embed import embed_data

    from mlp_report.build.book import vendor_widget_js

    if not (folder / "_static" / "widgets" / "require.js").is_file():
        vendor_widget_js(ROOT, folder)
    data = embed_data(views=list(widgets), drop_defaults=False)
    views = "\n".join(
        f'<section class="cell"><script type="application/vnd.jupyter.widget-view+json">{json.dumps(view)}</script></section>'
        for view in data["view_specs"]
    )
    state = json.dumps(data["manager_state"]).replace("</", "<\\/")
    page = folder / name
    page.write_text(PAGE.format(theme=theme, bg="#121212" if theme == "dark" else "#fff", width=width, state=state, views=views))
    return page


@pytest.fixture(scope="session")
def widget_page(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``widget_page(widgets, theme=..., width=..., name=...) -> Path`` of a static page in one session folder."""
    folder = tmp_path_factory.mktemp("widget_page")

    def make(widgets: Sequence, **kwargs) -> Path:
        return write_widget_page(folder, widgets, **kwargs)

    return make
