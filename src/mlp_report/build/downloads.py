"""What a reader takes away from the HTML book: each chapter's executed notebook and the package's wheel.

As a Sphinx extension (``_config.yml``), at the end of every HTML build (``make book`` and a plain
``jupyter-book build .`` alike) it writes

* ``_downloads/notebooks/<chapter>.ipynb``: the executed chapter with its outputs, and a first cell
  (tagged ``remove-cell``: shown in Jupyter, hidden where a book renders it) that says how to run it
  elsewhere; its metadata ``mlp_report`` records the profile, parameters, execution time and the result
  files earlier chapters handed to it (Task 1's choice: Tasks 2 and 3 fall back to it when they run
  without Task 1, see :func:`mlp_report.results.read_best_setting`);
* ``_downloads/mlp_report-<version>-py3-none-any.whl``: the package, built from the checkout's
  ``src/`` (cached in ``.cache/wheel/`` by the sources' hash, so an unchanged package is not rebuilt),

and adds the notebook to each chapter page's download menu.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

NOTEBOOKS = "_downloads/notebooks"  # relative to the HTML output
WHEEL_DIR = "_downloads"
RECORDED_LINE = re.compile(r"^task1_recorded = None(?=\s|$)", re.MULTILINE)  # tasks 2 and 3
INPUT_NAMES = {"task1_best.json": "task1_recorded"}  # a handed result file -> the chapter variable it fills


def wheel_name(root: Path) -> str:
    """The file name of the package's wheel (from ``pyproject.toml``'s name and version)."""
    import tomllib

    project = tomllib.loads((Path(root) / "pyproject.toml").read_text())["project"]
    return f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"


def _sources_hash(root: Path) -> str:
    h = hashlib.sha256()
    files = [root / "pyproject.toml", root / "README.md", *sorted((root / "src").rglob("*"))]
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts and ".egg-info" not in str(path):
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def build_wheel(root: Path, dest: Path) -> Path:
    """The package's wheel in ``dest``, built with pip from a copy of the checkout's sources (the checkout
    gets no ``build/`` or ``*.egg-info``) and cached in ``root/.cache/wheel/<sources hash>/``."""
    root = Path(root)
    name = wheel_name(root)
    cached = root / ".cache" / "wheel" / _sources_hash(root) / name
    if not cached.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            copy_root = Path(tmp) / "src-copy"
            copy_root.mkdir()
            for file in ("pyproject.toml", "README.md"):
                shutil.copy2(root / file, copy_root / file)
            shutil.copytree(root / "src", copy_root / "src",
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
            out = Path(tmp) / "wheel"
            done = subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                 "--wheel-dir", str(out), str(copy_root)],
                capture_output=True, text=True,
            )
            if done.returncode != 0 or not (out / name).is_file():
                raise RuntimeError(f"building the package's wheel failed:\n{done.stderr.strip()[-2000:]}")
            cached.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / name, cached)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    if not target.is_file() or target.read_bytes() != cached.read_bytes():
        shutil.copyfile(cached, target)
    return target


def first_cell_text(chapter: str, wheel: str, recorded: dict[str, Any], profile: str | None = None) -> str:
    """The Markdown of a downloaded notebook's first cell: how to run it outside the book."""
    lines = [
        f"**Running this notebook outside the book.** It is the book's chapter `{chapter}`, executed when the",
        "book was built (the outputs are that run's). To run it again on another machine, in a fresh virtual",
        "environment with Python 3.10 to 3.12:",
        "",
        f"1. Download the package's wheel `{wheel}` from the book (it sits in the book's `_downloads/` folder,",
        f"   beside this notebook's folder: `<book>/_downloads/{wheel}`) and install it with its dependencies:",
        f"   `pip install {wheel}` (or, from a checkout of the repository: `pip install <checkout>`).",
        "2. MNIST: set `MNIST_DIR` to a folder holding the four original IDX files (`train-images-idx3-ubyte.gz`",
        "   and the others; their sha256 are checked), or leave it unset and the loader downloads MNIST with Keras.",
        f"3. Run it in Jupyter, or with papermill: `papermill {chapter}.ipynb out.ipynb -p profile quick`",
        "   (`quick` runs in seconds; `full` is the assignment's protocol). Training runs are cached in `./.cache/`.",
    ]
    if recorded:
        choice = ", ".join(f"{k}={v}" for k, v in recorded.get("setting", {}).items())
        lines += [
            "",
            "This chapter builds on Task 1's choice of setting. Run on its own (without Task 1's results file in",
            f"`./.cache/results/`), it uses the choice recorded when the book was built ({choice}; Task 1 ran with the",
            f"`{profile}` profile), kept in this",
            "notebook's metadata (`mlp_report.inputs`) and set as `task1_recorded` in its code; the chapter's text",
            "then says so.",
        ]
    return "\n".join(lines)


def downloadable_notebook(notebook: dict[str, Any], chapter: str, manifest: dict[str, Any], wheel: str) -> dict[str, Any]:
    """A copy of an executed notebook for download: the how-to cell first, the build's record in its
    metadata, and the handed result files (Task 1's choice) set in the chapter's code as its fallback."""
    nb = copy.deepcopy(notebook)
    inputs: dict[str, Any] = {}
    for path, sha in (manifest.get("depends", {}).get("inputs") or {}).items():
        file = Path(path)
        if file.name in INPUT_NAMES and file.is_file() and hashlib.sha256(file.read_bytes()).hexdigest() == sha:
            inputs[file.name] = json.loads(file.read_text())
    recorded = inputs.get("task1_best.json")
    if recorded is not None:
        literal = repr({"setting": recorded["setting"]})
        for cell in nb["cells"]:
            if cell.get("cell_type") == "code":
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                cell["source"] = RECORDED_LINE.sub(lambda _m: f"task1_recorded = {literal}", source)
    depends = manifest.get("depends", {})
    nb.setdefault("metadata", {})["mlp_report"] = {
        "chapter": chapter, "profile": depends.get("profile"), "parameters": depends.get("parameters", {}),
        "executed": manifest.get("executed"), "seconds": manifest.get("seconds"),
        "commit": (manifest.get("environment") or {}).get("commit"), "inputs": inputs,
    }
    cell = {"cell_type": "markdown", "id": "run-elsewhere", "metadata": {"tags": ["remove-cell"]},
            "source": first_cell_text(chapter, wheel, recorded or {}, depends.get("profile"))}
    nb["cells"].insert(0, cell)
    return nb


def write_downloads(root: Path, stage: Path, outdir: Path) -> list[Path]:
    """Write every executed chapter's downloadable notebook and the wheel into the HTML output ``outdir``."""
    from .book import toc_chapters

    wheel = build_wheel(root, outdir / WHEEL_DIR)
    written = [wheel]
    for chapter in toc_chapters(root):
        executed = stage / f"{chapter}.ipynb"
        if not executed.is_file():
            continue
        manifest_path = executed.with_suffix(".json")
        manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
        name = Path(chapter).name
        nb = downloadable_notebook(json.loads(executed.read_text()), name, manifest, wheel.name)
        target = outdir / NOTEBOOKS / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False))
        written.append(target)
    return written


def setup(app) -> dict[str, Any]:
    """Sphinx extension: the notebooks and the wheel in ``_downloads/``, the notebook in the download menu."""

    def download_entry(app, pagename, templatename, context, doctree) -> None:
        if app.builder.format != "html" or not pagename.startswith("chapters/"):
            return
        for button in context.get("header_buttons", []):
            if button.get("label") == "download-buttons":
                button["buttons"].insert(0, {
                    "type": "link",
                    "url": context["pathto"](f"{NOTEBOOKS}/{pagename.split('/')[-1]}.ipynb", 1),
                    "text": ".ipynb",
                    "tooltip": "Download this chapter as an executed notebook (with outputs) to run elsewhere",
                    "icon": "fas fa-code",
                    "label": "download-notebook-button",
                })

    def copy_downloads(app, exception) -> None:
        if exception is not None or app.builder.format != "html":
            return
        from .provenance import stage_for

        root = Path(app.srcdir).resolve()
        if (root / "src" / "mlp_report").is_dir() and (root / "_toc.yml").is_file():
            write_downloads(root, stage_for(root), Path(app.outdir))

    app.connect("html-page-context", download_entry, priority=600)  # after the theme's buttons (501)
    app.connect("build-finished", copy_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
