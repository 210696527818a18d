"""Small Sphinx fixes for the book, loaded through ``sphinx: extra_extensions`` in ``_config.yml``."""

from __future__ import annotations

from typing import Any


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


def setup(app) -> dict[str, Any]:
    # emit_firstresult stops at the first handler returning a value, so run early
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
