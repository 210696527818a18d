"""Compare what two executed books say: every glued value as the prose shows it, every caption, every table.

    python tools/compare_glue.py OLD_STAGE NEW_STAGE [--ignore KEY ...] [--images]

OLD_STAGE and NEW_STAGE are staged books (``.cache/book/full``, formerly ``_build/stage``) whose ``chapters/*.ipynb`` were executed.
For each chapter, the script renders the markdown cells the way Jupyter Book does for glue: every
``{glue:}``/``{glue:any}``/``{glue:md}`` role becomes the glued text (its ``text/markdown``, else its
``text/plain``), every ``{glue:text}`key:spec``` role the ``text/plain`` value formatted with the spec
(myst-nb's own formatter), and every ``{glue:figure}`` the text of its table (``text/html``) or an image
marker; captions and the surrounding prose stay as written. The visible text outputs of code cells are
compared too (standard output, and displayed values as the page shows them; not standard error). So a refactor that moves formatting from the glue call into the role, or splits a code
cell, compares equal, while any change in what a reader sees is reported, sentence by sentence.

``--ignore KEY`` masks a glued value that legitimately differs between runs (e.g. a wall-clock time).
``--images`` also fails on glued figures whose PNG bytes differ (they are otherwise only counted).
Exit status: 0 when everything compares equal, 1 on any difference, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import html
import json
import re
import sys
from pathlib import Path

ROLE = re.compile(r"\{glue(?::(any|text|md)?)?\}`([^`]+)`")
FIGURE = re.compile(r"^```\{glue(?::figure)?\}\s+(\S+)", re.M)
CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
TAG = re.compile(r"<[^>]+>")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def glued(notebook: dict) -> dict[str, dict[str, str]]:
    """Glue key -> its output bundle (MIME type -> text), with papermill's MIME prefix removed."""
    found = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if meta:
                prefix = meta.get("mime_prefix", "")
                found[meta["name"]] = {k.removeprefix(prefix): _text(v) for k, v in output.get("data", {}).items()}
    return found


def table_text(markup: str) -> str:
    """The cells of an HTML table, in order, without markup or generated ids."""
    return " | ".join(" ".join(html.unescape(TAG.sub("", cell)).split()) for cell in CELL.findall(markup))


def render_role(kind: str | None, content: str, bundles: dict[str, dict[str, str]]) -> str:
    from myst_nb.core.variables import format_plain_text

    if kind == "text":
        key, spec = content.rsplit(":", 1) if ":" in content else (content, "s")
    else:
        key, spec = content, None
    bundle = bundles.get(key)
    if bundle is None:
        return f"<missing glue {key}>"
    if spec is not None:
        try:
            return format_plain_text(bundle.get("text/plain", ""), spec)
        except ValueError:  # a masked value, or one the book could not format either
            return bundle.get("text/plain", "")
    return bundle.get("text/markdown") or bundle.get("text/plain", "")


def render_figure(key: str, bundles: dict[str, dict[str, str]]) -> str:
    bundle = bundles.get(key)
    if bundle is None:
        return f"<missing glue {key}>"
    if "text/html" in bundle:
        return f"[table {key}: {table_text(bundle['text/html'])}]"
    return f"[figure {key}]"


def shown_output(data: dict) -> str:
    """A displayed value as the page shows it: a widget, a table's text, an image, else its plain text."""
    if "application/vnd.jupyter.widget-view+json" in data:
        return "[widget]"
    if "text/html" in data:
        return f"[html: {table_text(_text(data['text/html']))}]"
    if any(mime.startswith("image/") for mime in data):
        return "[image]"
    return _text(data.get("text/markdown") or data.get("text/plain", ""))


def chapter_text(notebook: dict, masked: set[str]) -> list[str]:
    """What a chapter says, as a list of sentences: markdown with glue rendered and visible outputs, in
order, split into paragraphs (so splitting a markdown cell between paragraphs changes nothing), then
sentences."""
    bundles = glued(notebook)
    for key in masked:
        if key in bundles:
            bundles[key] = {"text/plain": "<ignored>", "text/markdown": "<ignored>"}
    parts = []
    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown":
            source = _text(cell["source"])
            source = FIGURE.sub(lambda m: "```{glue:figure} " + render_figure(m.group(1), bundles), source)
            parts.append(ROLE.sub(lambda m: render_role(m.group(1), m.group(2), bundles), source))
        elif cell["cell_type"] == "code" and "remove-cell" not in tags and "remove-output" not in tags:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stdout":
                    parts.append(_text(output.get("text", "")))
                elif "scrapbook" not in output.get("metadata", {}) and output.get("data"):
                    parts.append(shown_output(output["data"]))
    paragraphs = [" ".join(p.split()) for part in parts for p in re.split(r"\n\s*\n", part)]
    return [s for p in paragraphs if p for s in re.split(r"(?<=[.:;!?])\s+", p) if s]


def image_digests(notebook: dict) -> dict[str, str]:
    return {
        key: hashlib.sha256(bundle["image/png"].encode()).hexdigest()
        for key, bundle in glued(notebook).items()
        if "image/png" in bundle
    }


def compare(old_stage: Path, new_stage: Path, masked: set[str], images: bool) -> int:
    old_chapters = {p.stem: p for p in sorted((old_stage / "chapters").glob("*.ipynb"))}
    new_chapters = {p.stem: p for p in sorted((new_stage / "chapters").glob("*.ipynb"))}
    if not old_chapters:
        print(f"{old_stage}/chapters holds no executed notebooks", file=sys.stderr)
        return 2
    differences = 0
    for name in sorted(old_chapters.keys() | new_chapters.keys()):
        if name not in old_chapters or name not in new_chapters:
            print(f"{name}: only in {'new' if name in new_chapters else 'old'} stage")
            differences += 1
            continue
        old_nb, new_nb = (json.loads(p.read_text()) for p in (old_chapters[name], new_chapters[name]))
        old_text, new_text = chapter_text(old_nb, masked), chapter_text(new_nb, masked)
        diff = [
            line
            for line in difflib.unified_diff(old_text, new_text, f"old/{name}", f"new/{name}", n=0, lineterm="")
            if not line.startswith("@@")
        ]
        old_images, new_images = image_digests(old_nb), image_digests(new_nb)
        changed = sorted(k for k in old_images.keys() | new_images.keys() if old_images.get(k) != new_images.get(k))
        status = "identical" if not diff else f"{sum(line[:1] in '+-' for line in diff[2:])} sentences differ"
        print(f"{name}: {len(old_text)} sentences, {status}; {len(changed)} of {len(old_images)} figure images differ in bytes")
        for line in diff[2:]:
            print(f"  {line}")
        differences += bool(diff) + (bool(changed) if images else 0)
        if changed and images:
            print(f"  images: {', '.join(changed)}")
    print("no differences" if not differences else f"{differences} chapter(s) differ")
    return 1 if differences else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old_stage", type=Path)
    parser.add_argument("new_stage", type=Path)
    parser.add_argument("--ignore", action="append", default=[], metavar="KEY", help="glue key to mask")
    parser.add_argument("--images", action="store_true", help="also fail on figure images that differ")
    args = parser.parse_args(argv)
    return compare(args.old_stage, args.new_stage, set(args.ignore), args.images)


if __name__ == "__main__":
    sys.exit(main())
