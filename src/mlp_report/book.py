"""Execute the chapters with papermill and build the HTML book from the executed notebooks.

The text notebooks in ``chapters/`` are never executed in place. Each is converted with Jupytext,
executed by papermill with a profile into a staging copy of the book (``_build/stage``), and Jupyter
Book renders that copy with ``execute_notebooks: "off"``, so what the page shows is exactly what ran.

    python -m mlp_report.book --profile full            # execute + build into _build/html
    python -m mlp_report.book --profile quick --only task0 --no-build
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .lock import BuildLockedError, hold_build_lock
from .paths import project_root
from .profiles import PROFILE_NAMES
from .validation import require_choice

# Book files copied into the staging folder (chapters are executed into it instead).
STAGE_FILES = ("_config.yml", "_toc.yml", "intro.md", "references.bib", "logo.svg")
STAGE_DIRS = ("_static", "widget_static")

# JavaScript the widget pages need, vendored from node_modules (package.json / package-lock.json) so that
# the book works offline and from file://. They go to widget_static/_static/widgets/: _config.yml lists
# widget_static under html_extra_path, whose contents Sphinx copies to the output root, so the files land
# in _static/widgets/ (where nb_ipywidgets_js points) without being in html_static_path, every *.js of which
# jupyter-book would add to every page.
WIDGET_JS_DIR = Path("_static") / "widgets"
WIDGET_VENDOR_FILES = {  # node_modules path -> path under _static/widgets/
    "requirejs/require.js": "require.js",
    "anywidget/dist/index.js": "anywidget.js",
    "@jupyter-widgets/html-manager/dist/embed-amd.js": "html-manager/embed-amd.js",
}
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".eot", ".svg")  # html-manager's icon fonts, beside embed-amd.js


def toc_chapters(root: Path) -> list[str]:
    """Chapter paths (``chapters/task0``...) in ``_toc.yml`` order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("file", "")).startswith("chapters/"):
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def vendor_widget_js(root: Path, dest: Path) -> list[Path]:
    """Copy the widget JavaScript from ``root/node_modules`` (and the require.js config script from the
    package) to ``dest/_static/widgets``; returns the files written. Run ``npm ci`` first."""
    modules = root / "node_modules"
    target = dest / WIDGET_JS_DIR
    pairs = [(modules / src, target / name) for src, name in WIDGET_VENDOR_FILES.items()]
    missing = [str(src) for src, _ in pairs if not src.is_file()]
    if missing:
        raise FileNotFoundError(
            f"Widget JavaScript missing: {', '.join(missing)}. Run `npm ci` in {root} (`make install` does it)."
        )
    fonts = modules / "@jupyter-widgets/html-manager/dist"
    pairs += [(font, target / "html-manager" / font.name) for font in sorted(fonts.iterdir()) if font.suffix in FONT_SUFFIXES]
    pairs.append((Path(__file__).with_name("static") / "require-config.js", target / "require-config.js"))
    for src, out in pairs:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, out)
    return [out for _, out in pairs]


def execute_chapter(
    source: Path,
    output: Path,
    parameters: Mapping[str, Any],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Path:
    """Convert a text notebook with Jupytext, execute it with papermill, hide papermill's injected cell."""
    import jupytext
    import nbformat
    import papermill

    output.parent.mkdir(parents=True, exist_ok=True)
    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata.pop("jupytext", None)
    nbformat.write(notebook, output)
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        papermill.execute_notebook(
            str(output),
            str(output),
            parameters=dict(parameters),
            kernel_name="python3",
            cwd=str(cwd or source.parent),
            progress_bar=False,
            log_output=False,
        )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    executed = nbformat.read(output, as_version=4)
    for cell in executed.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    executed.metadata.pop("papermill", None)
    nbformat.write(executed, output)
    return output


def stage_book(
    root: Path,
    stage: Path,
    profile: str,
    *,
    only: Iterable[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> list[Path]:
    """Copy the book's files into ``stage`` and execute its chapters there; returns the notebooks."""
    require_choice("profile", profile, PROFILE_NAMES)
    stage.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((root / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    # here the chapters *are* the executed .ipynb files
    config["exclude_patterns"] = [p for p in config.get("exclude_patterns", []) if not p.endswith(".ipynb")]
    (stage / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    for name in STAGE_FILES[1:]:
        if (root / name).is_file():
            shutil.copy2(root / name, stage / name)
    for name in STAGE_DIRS:
        if (root / name).is_dir():
            shutil.copytree(root / name, stage / name, dirs_exist_ok=True)
    vendor_widget_js(root, stage / "widget_static")
    run_env = {"MLP_REPORT_BATCH": "1", "MLP_REPORT_ROOT": str(root), **(env or {})}
    wanted = set(only or [])
    executed = []
    for chapter in toc_chapters(root):
        name = Path(chapter).name
        target = stage / f"{chapter}.ipynb"
        if wanted and name not in wanted:
            if not target.exists():
                raise FileNotFoundError(f"{target} was never executed: run without --only first.")
            continue
        start = time.perf_counter()
        execute_chapter(
            root / f"{chapter}.md", target, {"profile": profile, **(parameters or {})}, cwd=root / "chapters", env=run_env
        )
        print(f"executed {chapter} ({profile}) in {time.perf_counter() - start:.0f} s", flush=True)
        executed.append(target)
    return executed


def build_html(stage: Path, output_root: Path, *, strict: bool = True) -> Path:
    """Run ``jupyter-book build`` on the staged book; the HTML lands in ``output_root/_build/html``."""
    cli = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(cli), "build", str(stage), "--path-output", str(output_root), "--all"]
    if strict:
        cmd += ["-W", "--keep-going"]
    subprocess.run(cmd, check=True)
    return output_root / "_build" / "html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="full", choices=PROFILE_NAMES)
    parser.add_argument("--only", nargs="*", help="execute only these chapters (e.g. task0); others must exist")
    parser.add_argument("--no-build", action="store_true", help="execute the chapters, skip the HTML build")
    parser.add_argument(
        "--vendor-only",
        action="store_true",
        help="only copy the widget JavaScript from node_modules to ./widget_static (for a plain `jupyter-book build .`)",
    )
    args = parser.parse_args(argv)
    root = project_root()
    if args.vendor_only:
        files = vendor_widget_js(root, root / "widget_static")
        print(f"copied {len(files)} files to {root / 'widget_static'}")
        return 0
    try:
        hold_build_lock(root)  # one build per checkout: another would re-stage what this one renders
    except BuildLockedError as exc:
        parser.exit(1, f"error: {exc}\n")
    stage = root / "_build" / "stage"
    stage_book(root, stage, args.profile, only=args.only)
    if not args.no_build:
        html = build_html(stage, root)
        print(f"\nThe book is ready: open file://{(html / 'index.html').resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
