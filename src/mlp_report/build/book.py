"""Execute the chapters with papermill, incrementally, and build the HTML book from the executed notebooks.

The text notebooks in ``chapters/`` are never executed in place. Each is converted with Jupytext and
executed by papermill with a profile into a *stage* folder (default ``.cache/book/<profile>/chapters``,
which ``jupyter-book clean`` keeps). A manifest beside each executed notebook records what the run
depended on: the chapter's text, the package modules it imports (transitively), the parameters, the
MNIST files and the result files earlier chapters handed to it (Task 1's best setting). A chapter is
executed again only when one of these changed or its own result files are gone; when only the prose of
its markdown cells changed, the executed notebook takes the new text without running anything.

The Sphinx extension :mod:`mlp_report.build.sphinx_ext` calls :func:`stage_book` when a build starts and
renders each chapter from its executed notebook, so ``jupyter-book build .`` and ``make book`` (which
runs the same build with ``-W``) give the same pages from the same executed notebooks.

    python -m mlp_report.build.book --profile full            # execute what changed + build into _build/html
    python -m mlp_report.build.book --profile quick --only task0 --no-build
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from .. import runlog
from ..paths import (
    absolutize_path_variables,
    atomic_write_text,
    project_root,
    require_writable,
    results_dir,
    stage_dir,
)
from ..profiles import PROFILE_NAMES, check_outputs
from ..validation import ConfigError, require_choice
from . import provenance
from .children import die_with_parent, end_descendants, end_with_this_process
from .lock import BuildLockedError, hold_build_lock, lock_for_child, release_build_lock

PACKAGE = Path(__file__).resolve().parent.parent  # src/mlp_report
BOOK_FILE = "book.json"  # in the stage folder: the root, profile and parameters it was executed with

# JavaScript the widget pages need, vendored from node_modules (package.json / package-lock.json) so that
# the book works offline and from file://. The Sphinx extension copies them into the output's
# _static/widgets/ (where nb_ipywidgets_js in _config.yml points) at the end of every HTML build; they are
# not in html_static_path, every *.js of which jupyter-book would add to every page.
WIDGET_JS_DIR = Path("_static") / "widgets"
WIDGET_VENDOR_FILES = {  # node_modules path -> path under _static/widgets/
    "requirejs/require.js": "require.js",
    "anywidget/dist/index.js": "anywidget.js",
    "@jupyter-widgets/html-manager/dist/embed-amd.js": "html-manager/embed-amd.js",
}
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".eot", ".svg")  # html-manager's icon fonts, beside embed-amd.js


class ChapterError(RuntimeError):
    """A chapter failed to execute; the message names the chapter and carries its own error."""


def check_book_files(root: Path) -> None:
    """Fail with one line naming the file, the line and what to fix when ``_config.yml`` or ``_toc.yml`` is
    not valid YAML, is not a mapping, or the table of contents names a file that does not exist."""
    root = Path(root)
    docs = {}
    for name in ("_config.yml", "_toc.yml"):
        path = root / name
        if not path.is_file():
            raise ConfigError(f"{path} does not exist: the book needs it (see the checkout's own {name}).")
        text = path.read_text()
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            if "end of stream" in problem and getattr(exc, "context_mark", None):
                mark = exc.context_mark  # e.g. a quote never closed: where it opened, not the file's end
                problem = f"{exc.context}: {problem}"
            where = f", line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{path}{where}: not valid YAML ({problem}): fix that line.") from None
        if not isinstance(doc, dict):
            raise ConfigError(f"{path}, line 1: expected a YAML mapping (key: value lines), got {type(doc).__name__}.")
        docs[name] = (doc, text)
    config, text = docs["_config.yml"]
    for keys, problem in config_problems(config):
        raise ConfigError(f"{root / '_config.yml'}, line {_yaml_line(text, keys)}: `{'.'.join(map(str, keys))}`: "
                          f"{problem}: fix that value.")
    toc, text = docs["_toc.yml"]
    if "root" not in toc:
        raise ConfigError(f"{root / '_toc.yml'}: no `root:` entry: add `root: intro` (the landing page).")
    entries = [str(toc["root"])]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                entries.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    for entry in entries:
        stem = entry.removesuffix(".md").removesuffix(".ipynb")
        if not any((root / f"{stem}{suffix}").is_file() for suffix in (".md", ".ipynb", ".rst")):
            line = next((i for i, row in enumerate(text.splitlines(), 1) if entry in row), None)
            where = f", line {line}" if line else ""
            raise ConfigError(
                f"{root / '_toc.yml'}{where}: {entry!r} names no file ({root / stem}.md does not exist): "
                "correct the entry or create the file."
            )


def config_problems(config: Mapping[str, Any]) -> list[tuple[list[str | int], str]]:
    """What Jupyter Book's own schema of ``_config.yml`` rejects in ``config`` (Jupyter Book only warns and
    builds on), plus a non-boolean value for a key whose default in its ``default_config.yml`` is
    ``true``/``false`` (a key the schema leaves out, such as ``only_build_toc_files``):
    ``[(key path, problem)]``. The schema's keywords are ``type``, ``enum``, ``minimum``, ``properties`` and
    ``items``, checked here without jsonschema (whose import takes seconds)."""
    import importlib.util

    spec = importlib.util.find_spec("jupyter_book")  # its data files, without importing it (Sphinx and all)
    folder = Path(spec.origin).parent if spec is not None and spec.origin else None
    if folder is None or not (folder / "config_schema.json").is_file():
        return []
    problems = _schema_problems(json.loads((folder / "config_schema.json").read_text()), config, [])
    defaults = yaml.safe_load((folder / "default_config.yml").read_text()) or {}
    for key, default in defaults.items():
        if isinstance(default, bool) and key in config and not isinstance(config[key], bool):
            problems.append(([key], f"expected true or false, got {config[key]!r}"))
    return problems


_JSON_TYPES = {"string": (str, "a string"), "integer": (int, "an integer"), "number": ((int, float), "a number"),
               "boolean": (bool, "true or false"), "object": (dict, "a mapping (key: value lines)"),
               "array": (list, "a list"), "null": (type(None), "nothing")}


def _schema_problems(schema: Mapping[str, Any], value: Any, keys: list[str | int]) -> list[tuple[list[str | int], str]]:
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        ok = any(isinstance(value, _JSON_TYPES.get(n, (object, ""))[0])
                 and not (n in ("integer", "number") and isinstance(value, bool)) for n in names)
        if not ok:
            return [(keys, f"expected {' or '.join(_JSON_TYPES.get(n, (0, n))[1] for n in names)}, got {value!r}")]
    if "enum" in schema and value not in schema["enum"]:
        return [(keys, f"expected one of {', '.join(map(repr, schema['enum']))}, got {value!r}")]
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        return [(keys, f"expected a number >= {schema['minimum']!r}, got {value!r}")]
    found = []
    if isinstance(value, dict):
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                found += _schema_problems(sub, value[key], [*keys, key])
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            found += _schema_problems(schema["items"], item, [*keys, i])
    return found


def _yaml_line(text: str, keys: list[str | int]) -> int:
    """The line (from 1) of the value at ``keys`` in the YAML ``text``; the deepest key found."""
    node, line = yaml.compose(text), 1
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == str(key)), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def toc_chapters(root: Path) -> list[str]:
    """Chapter paths (``chapters/task0``...) in ``_toc.yml`` order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("file", "")).startswith("chapters/"):
                found.append(str(node["file"]).removesuffix(".md"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def check_widget_js(root: Path) -> None:
    """Fail (FileNotFoundError, one line) when ``root/node_modules`` lacks the widget JavaScript."""
    missing = [src for src in WIDGET_VENDOR_FILES if not (Path(root) / "node_modules" / src).is_file()]
    if missing:
        raise FileNotFoundError(
            f"Widget JavaScript missing: {', '.join(missing)} under {Path(root) / 'node_modules'}. Run `npm ci` in "
            f"{root} (`make install` does it), then build again."
        )


def vendor_widget_js(root: Path, dest: Path) -> list[Path]:
    """Copy the widget JavaScript from ``root/node_modules`` (and the require.js config script from the
    package) to ``dest/_static/widgets``; returns the files written. Run ``npm ci`` first."""
    check_widget_js(root)
    modules = root / "node_modules"
    target = dest / WIDGET_JS_DIR
    pairs = [(modules / src, target / name) for src, name in WIDGET_VENDOR_FILES.items()]
    fonts = modules / "@jupyter-widgets/html-manager/dist"
    pairs += [(font, target / "html-manager" / font.name) for font in sorted(fonts.iterdir()) if font.suffix in FONT_SUFFIXES]
    pairs.append((PACKAGE / "static" / "require-config.js", target / "require-config.js"))
    for src, out in pairs:
        out.parent.mkdir(parents=True, exist_ok=True)
        if not out.is_file() or out.stat().st_size != src.stat().st_size or out.read_bytes() != src.read_bytes():
            shutil.copyfile(src, out)
    return [out for _, out in pairs]


# ---- what a chapter depends on ------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _module_file(name: str) -> Path | None:
    """The source file of ``mlp_report[.x[.y]]`` inside this package, or None."""
    parts = name.split(".")
    if parts[0] != "mlp_report":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Absolute names of the ``mlp_report`` modules a parsed module (or chapter) imports."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import submodule`
    return {n for n in names if n == "mlp_report" or n.startswith("mlp_report.")}


def package_dependencies(code: str) -> dict[str, str]:
    """Hashes of every package file the code depends on: the modules it imports, transitively, with their
    parent packages' ``__init__`` and the ``static/`` files of each package involved."""
    todo = _imports(ast.parse(code), "__main__", False)
    seen: dict[str, Path] = {}
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
            prefix = ".".join(parts[:i])
            path = _module_file(prefix)
            if path is None or prefix in seen:
                continue
            seen[prefix] = path
            tree = ast.parse(path.read_text(), filename=str(path))
            todo |= _imports(tree, prefix, path.name == "__init__.py") - set(seen)
    files = set(seen.values())
    for path in list(files):
        static = path.parent / "static"
        if static.is_dir():
            files.update(p for p in static.rglob("*") if p.is_file())
    return {str(p.relative_to(PACKAGE)): _sha(p.read_bytes()) for p in sorted(files)}


def _chapter_code(notebook) -> str:
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    # IPython magics and shell escapes are not Python; the imports are all that matters here
    lines = [line for cell in cells for line in cell.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        ast.parse("\n".join(lines))
        return "\n".join(lines)
    except SyntaxError:
        return "\n".join(line for line in lines if line.lstrip().startswith(("import ", "from ")))


def data_fingerprint() -> dict[str, Any]:
    """Where MNIST comes from and the names and sizes of its files (the loader checks their sha256)."""
    folder = os.environ.get("MNIST_DIR")
    if not folder:
        return {"source": "download"}
    path = Path(folder).resolve()
    files = {p.name: p.stat().st_size for p in sorted(path.iterdir()) if p.is_file()} if path.is_dir() else {}
    return {"source": str(path), "files": files}


def _file_hashes(paths: Iterable[str]) -> dict[str, str | None]:
    return {p: (_sha(Path(p).read_bytes()) if Path(p).is_file() else None) for p in sorted(paths)}


def _results_snapshot(profile: str) -> dict[str, int]:
    folder = results_dir(profile)
    if not folder.is_dir():
        return {}
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".tmp")}


def chapter_key(
    source: Path, profile: str, parameters: Mapping[str, Any], inputs: Mapping[str, str | None]
) -> tuple[str, dict[str, Any]]:
    """The hash deciding whether an executed chapter is still valid, and what went into it."""
    import jupytext

    notebook = jupytext.reads(source.read_text(), fmt="md:myst")
    # the cells and the book's own metadata; Jupytext's header and the kernel's display name do not matter
    metadata = {k: v for k, v in notebook.metadata.items() if k not in ("jupytext", "kernelspec")}
    cells = [[c.cell_type, c.source, c.metadata] for c in notebook.cells]
    # the same without the prose: when only the text of markdown cells changed, nothing is executed again
    code = [[t, src if t == "code" else None, meta] for t, src, meta in cells]
    parts = {
        "chapter": _sha(json.dumps([cells, metadata], sort_keys=True, default=str).encode()),
        "code": _sha(json.dumps([code, metadata], sort_keys=True, default=str).encode()),
        "profile": profile,
        "parameters": {k: parameters[k] for k in sorted(parameters)},
        "package": package_dependencies(_chapter_code(notebook)),
        "data": data_fingerprint(),
        "inputs": dict(inputs),
        "python": sys.version.split()[0],
    }
    return _sha(json.dumps(parts, sort_keys=True, default=str).encode()), parts


# ---- executing -----------------------------------------------------------------------------------------


def execute_chapter(
    source: Path,
    output: Path,
    parameters: Mapping[str, Any],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Path:
    """Convert a text notebook with Jupytext, execute it with papermill, hide papermill's injected cell.

    The notebook is executed into a temporary file and moved to ``output`` only when every cell ran;
    a failing cell raises :class:`ChapterError` with the chapter's name and its error, and so does a
    failure to write the stage (a full disk), naming the file; nothing half-written is kept."""
    running = output.parent / ".running" / output.name
    try:
        return _execute_chapter(source, running, output, parameters, cwd=cwd, env=env)
    except OSError as exc:
        if exc.filename is not None and Path(exc.filename) == source:
            raise  # reading the chapter, not writing the stage
        running.unlink(missing_ok=True)
        where = exc.filename or running
        raise ChapterError(
            f"{source.name}: could not write {where} ({exc.strerror or exc}); nothing half-written was kept: "
            "free space there or set MLP_REPORT_STAGE to another folder."
        ) from None


def _execute_chapter(
    source: Path,
    running: Path,
    output: Path,
    parameters: Mapping[str, Any],
    *,
    cwd: Path | None,
    env: Mapping[str, str] | None,
) -> Path:
    import jupytext
    import nbformat
    import papermill

    output.parent.mkdir(parents=True, exist_ok=True)
    running.parent.mkdir(parents=True, exist_ok=True)
    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata.pop("jupytext", None)
    nbformat.write(notebook, running)
    try:
        with _environment(env or {}):
            papermill.execute_notebook(
                str(running),
                str(running),
                parameters=dict(parameters),
                kernel_name="python3",
                cwd=str(cwd or source.parent),
                progress_bar=False,
                log_output=False,
                extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not "running over TCP without encryption"
            )
    except papermill.PapermillExecutionError as exc:
        raise ChapterError(failure_message(source, running, exc.exec_count, exc.ename, exc.evalue)) from None
    executed = nbformat.read(running, as_version=4)
    for cell in executed.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    executed.metadata.pop("papermill", None)
    nbformat.write(executed, running)
    os.replace(running, output)
    return output


def update_prose(source: Path, executed: Path) -> None:
    """Give the executed notebook ``executed`` the markdown text of ``source`` (same cells otherwise)."""
    import jupytext
    import nbformat

    text = [c for c in jupytext.read(source).cells]
    notebook = nbformat.read(executed, as_version=4)
    ran = [c for c in notebook.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    if [c.cell_type for c in ran] != [c.cell_type for c in text]:
        raise ValueError(f"{executed} does not have the cells of {source}")
    for cell, new in zip(ran, text, strict=True):
        if cell.cell_type == "markdown":
            cell.source = new.source
    atomic_write_text(executed, nbformat.writes(notebook))


def stage_book(
    root: Path,
    stage: Path | None = None,
    profile: str = "full",
    *,
    only: Iterable[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    force: bool = False,
    timings: Path | None = None,
    log=print,
) -> list[Path]:
    """Bring the executed chapters in ``stage`` up to date (default ``.cache/book/<profile>``), in ``_toc.yml``
    order, executing only those whose dependencies changed; returns the notebooks executed now.

    ``timings`` (a file) turns on :mod:`mlp_report.timing` in the kernels and their sweep workers: where
    each executed chapter's time goes is appended there (see :func:`build_profile`)."""
    require_choice("profile", profile, PROFILE_NAMES)
    root = Path(root).resolve()
    stage = Path(stage).resolve() if stage is not None else stage_dir(root, profile)
    parameters = dict(parameters or {})
    # every folder the chapters write, checked before any chapter executes
    require_writable(stage / "chapters", "book stage folder", "MLP_REPORT_STAGE")
    check_outputs(profile)
    book = {"root": str(root), "profile": profile, "parameters": parameters}
    if not (stage / BOOK_FILE).is_file() or json.loads((stage / BOOK_FILE).read_text()) != book:
        atomic_write_text(stage / BOOK_FILE, json.dumps(book, indent=1, default=str))
    run_env = {"MLP_REPORT_BATCH": "1", "MLP_REPORT_ROOT": str(root), "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    if timings is not None:
        run_env[TIMINGS_ENV] = str(Path(timings).resolve())
    chapters = toc_chapters(root)
    wanted = set(only or [])
    known = [Path(c).name for c in chapters]
    unknown = sorted(wanted - set(known))
    if unknown:
        raise ConfigError(f"--only {' '.join(unknown)} is invalid: the chapters are {', '.join(known)}.")
    # chapters after the last one asked for are left alone; one before it never executed is run first
    last = max((known.index(n) for n in wanted), default=len(known) - 1)
    handed: dict[str, str | None] = {}  # result files earlier chapters wrote -> their hash now
    executed = []
    for chapter in chapters[: last + 1] if wanted else chapters:
        name = Path(chapter).name
        target = stage / f"{chapter}.ipynb"
        manifest_path = target.with_suffix(".json")
        manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
        key, parts = chapter_key(root / f"{chapter}.md", profile, parameters, handed)
        outputs = manifest.get("outputs", {})
        fresh = (
            not force
            and target.is_file()
            and manifest.get("key") == key
            and all(_file_hashes([p])[p] == h for p, h in outputs.items())
        )
        code_key = _sha(json.dumps({k: v for k, v in parts.items() if k != "chapter"}, sort_keys=True, default=str).encode())
        if (not fresh and not force and target.is_file() and manifest.get("code_key") == code_key
                and all(_file_hashes([p])[p] == h for p, h in outputs.items())):
            # only prose changed: the executed notebook takes the new text, its outputs stay
            update_prose(root / f"{chapter}.md", target)
            manifest = {**manifest, "key": key, "depends": parts}
            atomic_write_text(manifest_path, json.dumps(manifest, indent=1, default=str))
            log(f"updated the prose of {chapter} (nothing executed)")
            fresh = True
        if not fresh and wanted and name not in wanted:
            if target.exists():
                fresh = True  # the caller asked to leave it as it is
            else:
                log(f"executing {chapter} first: it was never executed, and the chapters asked for come after it")
        if not fresh:
            before = _results_snapshot(profile)
            run_log = target.parent / ".running" / f"{name}.runs.jsonl"  # the caches' hits, the trainings
            run_log.parent.mkdir(parents=True, exist_ok=True)
            run_log.unlink(missing_ok=True)
            executed_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
            start = time.perf_counter()
            execute_chapter(
                root / f"{chapter}.md", target, {"profile": profile, **parameters}, cwd=root / "chapters",
                env={**run_env, runlog.ENV_VAR: str(run_log), "MLP_REPORT_CHAPTER": name},
            )
            seconds = round(time.perf_counter() - start, 1)
            after = _results_snapshot(profile)
            outputs = _file_hashes(p for p, mtime in after.items() if before.get(p) != mtime)
            manifest = {"key": key, "code_key": code_key, "depends": parts, "outputs": outputs, "seconds": seconds,
                        "executed": executed_at, "runs": runlog.summarize(runlog.read_events(run_log)),
                        "environment": provenance.environment(root), "mnist": provenance.mnist_files()}
            run_log.unlink(missing_ok=True)
            atomic_write_text(manifest_path, json.dumps(manifest, indent=1, default=str))
            log(f"executed {chapter} ({profile}) in {manifest['seconds']:.0f} s")
            executed.append(target)
        handed.update(outputs)
    return executed


# ---- profiling a cold build -------------------------------------------------------------------------

TIMINGS_ENV = "MLP_REPORT_TIMINGS"
PROFILE_COLUMNS = ("data", "compilation", "training", "evaluation", "predictions", "figures")


def cell_seconds(notebook: Path) -> float:
    """The summed execution time of an executed notebook's cells (papermill records each cell's duration)."""
    cells = json.loads(Path(notebook).read_text())["cells"]
    return sum(float((c.get("metadata", {}).get("papermill") or {}).get("duration") or 0.0) for c in cells)


def build_profile(root: Path, stage: Path, timings: Path) -> list[dict[str, Any]]:
    """Per executed chapter of ``stage`` (of the book at ``root``): its wall time, the kernel's start-up (the wall time outside its
    cells: starting the kernel and shutting it down) and, from ``timings`` (:mod:`mlp_report.timing`),
    the wall and CPU seconds in loading MNIST, compiling, training steps, evaluation, predictions and
    figures, summed over the
    kernel and its sweep workers (with two workers busy, these can add up to more than the wall time)."""
    from .. import timing

    spent = timing.read(timings)
    rows = []
    for chapter in toc_chapters(root):
        name = Path(chapter).name
        notebook, manifest = stage / f"{chapter}.ipynb", stage / f"{chapter}.json"
        if not (notebook.is_file() and manifest.is_file()):
            continue
        wall = float(json.loads(manifest.read_text()).get("seconds", 0.0))
        row: dict[str, Any] = {"chapter": name, "wall": wall, "kernel start-up": wall - cell_seconds(notebook)}
        for column in PROFILE_COLUMNS:
            row[column] = tuple(spent.get(name, {}).get(column, (0.0, 0.0)))
        rows.append(row)
    return rows


def format_profile(rows: list[dict[str, Any]], extra: Mapping[str, float] | None = None) -> str:
    """The profile as a Markdown table: seconds of wall time (CPU seconds in brackets)."""
    head = ["chapter", "wall s", "kernel start-up s", *(f"{c} s (CPU)" for c in PROFILE_COLUMNS), "rest s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        parts = [row[c] for c in PROFILE_COLUMNS]
        rest = row["wall"] - row["kernel start-up"] - sum(p[0] for p in parts)
        cells = [row["chapter"], f"{row['wall']:.1f}", f"{row['kernel start-up']:.1f}",
                 *(f"{w:.1f} ({c:.1f})" for w, c in parts), f"{rest:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    total = sum(r["wall"] for r in rows)
    lines.append("| all chapters | " + f"{total:.1f} |" + " |" * (len(head) - 2))
    for name, seconds in (extra or {}).items():
        lines.append(f"| {name} | {seconds:.1f} |" + " |" * (len(head) - 2))
    return "\n".join(lines)


def profile_cold_build(root: Path, profile: str, folder: Path, *, html: bool = True, log=print) -> str:
    """Execute every chapter cold (empty run cache, results and stage, all under ``folder``), build the HTML
    from them unless ``html`` is false, and return the profile table (also written to ``folder/profile.md``).
    """
    folder = Path(folder).resolve()
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"--profile-build needs an empty folder for its cold build, {folder} is not empty.")
    folder.mkdir(parents=True, exist_ok=True)
    timings, stage = folder / "timings.jsonl", folder / "stage"
    extra = {}
    with _environment({"MLP_REPORT_CACHE": str(folder / "runs"), "MLP_REPORT_RESULTS": str(folder / "results")}):
        start = time.perf_counter()
        stage_book(root, stage, profile, force=True, timings=timings, log=log)
        extra["chapters executed (stage_book)"] = time.perf_counter() - start
        if html:
            start = time.perf_counter()
            build_html(stage, folder, root=root, profile=profile)
            extra["HTML build (jupyter-book)"] = time.perf_counter() - start
    table = format_profile(build_profile(root, stage, timings), extra)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").is_file() else []
    note = f"\n\nload average at the end (1, 5, 15 min): {' '.join(load)}; {os.cpu_count()} cores\n" if load else "\n"
    atomic_write_text(folder / "profile.md", table + note)
    return table + note


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block (kernels and builds started in it inherit them), then put
    back what was there."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def failure_message(source: Path, executed: Path, exec_count: int | None, ename: str, evalue: str) -> str:
    """The one line a failed chapter ends with: its name, the cell as its writer counts them, the error."""
    return f"{source.name} failed to execute ({_md_cell(source, executed, exec_count)}): {ename}: {evalue}"


def _md_cell(source: Path, executed: Path, exec_count: int | None) -> str:
    """Where the failed cell is in the chapter's text, as its writer counts: ``code cell 3, line 33``
    (papermill's injected cell and error banner are not the writer's)."""
    import nbformat

    try:
        cells = nbformat.read(executed, as_version=4).cells
        mine = [c for c in cells if not {"injected-parameters", "papermill-error-cell-tag"} & set(c.metadata.get("tags", []))]
        code = [c for c in mine if c.cell_type == "code"]
        number = next(i for i, c in enumerate(code, 1) if c.get("execution_count") == exec_count)
        fences = [i for i, line in enumerate(source.read_text().splitlines(), 1) if line.startswith("```{code-cell}")]
        return f"code cell {number}, line {fences[number - 1]}"
    except (StopIteration, IndexError, OSError, ValueError):
        return f"cell {exec_count}"


def chapter_keys(stage: Path) -> dict[str, str]:
    """``{docname: manifest key}`` of the executed chapters in ``stage``."""
    keys = {}
    for manifest in sorted((stage / "chapters").glob("*.json")):
        keys[f"chapters/{manifest.stem}"] = json.loads(manifest.read_text()).get("key", "")
    return keys


def build_html(
    stage: Path | None, output_root: Path, *, strict: bool = True, root: Path | None = None, profile: str | None = None
) -> Path:
    """Run ``jupyter-book build`` on the book whose chapters were executed into ``stage`` (the Sphinx extension
    renders them from there); the HTML lands in ``output_root/_build/html``. Sphinx re-renders only the
    pages whose source or executed notebook changed."""
    if stage is not None and (Path(stage) / BOOK_FILE).is_file():
        root = Path(json.loads((Path(stage) / BOOK_FILE).read_text())["root"])
    root = Path(root or project_root())
    cli = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(cli), "build", str(root), "--path-output", str(output_root)]
    if strict:
        cmd += ["-W", "--keep-going"]
    lock_env, lock_fds = lock_for_child(root)  # the child's Sphinx extension finds the lock held by us
    env = {**os.environ, **lock_env}
    if profile is not None:
        env["MLP_REPORT_PROFILE"] = profile
    if stage is not None:
        env["MLP_REPORT_STAGE"] = str(Path(stage).resolve())
    # its own process group, ended with this process (see children.py); it dies if this one is SIGKILLed
    proc = subprocess.Popen(cmd, env=env, pass_fds=lock_fds, start_new_session=True, preexec_fn=die_with_parent)
    try:
        returncode = proc.wait()
    finally:
        if proc.poll() is None:
            end_descendants()
    if returncode:
        raise subprocess.CalledProcessError(returncode, cmd)
    return Path(output_root) / "_build" / "html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="full", choices=PROFILE_NAMES)
    parser.add_argument("--only", nargs="*", help="execute only these chapters (e.g. task0); others must exist")
    parser.add_argument("--force", action="store_true", help="execute every chapter even if nothing changed")
    parser.add_argument("--no-build", action="store_true", help="execute the chapters, skip the HTML build")
    parser.add_argument(
        "--profile-build", metavar="FOLDER", nargs="?", const="",
        help="time a cold build (empty caches in FOLDER, default a temporary folder): per chapter, the time in "
        "training, evaluation, predictions, figures and kernel start-up; leaves .cache/ alone",
    )
    args = parser.parse_args(argv)
    absolutize_path_variables()  # relative to where the command was typed, not to the kernels' chapters/
    root = project_root()
    if args.profile_build is not None:
        import tempfile

        folder = Path(args.profile_build) if args.profile_build else Path(tempfile.mkdtemp(prefix="mlp-report-profile-"))
        try:
            print(profile_cold_build(root, args.profile, folder, html=not args.no_build))
        except ChapterError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"(executed chapters, caches and timings in {folder})")
        return 0
    try:
        hold_build_lock(root)  # one build per checkout: another would re-stage what this one renders
    except BuildLockedError as exc:
        parser.exit(1, f"error: {exc}\n")
    # on SIGTERM/SIGHUP/SIGINT or a crash: end jupyter-book and the kernels first, then release the lock
    end_with_this_process(lambda: release_build_lock(root))
    try:
        return _build(root, args)
    finally:
        end_descendants()
        release_build_lock(root)


def _build(root: Path, args: argparse.Namespace) -> int:
    try:
        check_book_files(root)
        if not args.no_build:
            check_widget_js(root)  # now, not after every chapter has executed
    except (ConfigError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stage = stage_dir(root, args.profile)
    if args.no_build or args.only or args.force:
        try:
            stage_book(root, stage, args.profile, only=args.only, force=args.force)
        except (ChapterError, ConfigError, OSError) as exc:  # a chapter's error, a folder that cannot be written
            print(f"error: {exc}", file=sys.stderr)
            return 1
    # otherwise the book's Sphinx extension stages what changed, inside the build (once, not twice)
    if not args.no_build:
        try:
            html = build_html(stage, root, profile=args.profile)
        except subprocess.CalledProcessError as exc:
            return exc.returncode or 1
        print(f"\nThe book is ready: open file://{(html / 'index.html').resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
