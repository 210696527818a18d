"""How this report was made: what the build records about each executed chapter, and the page showing it.

When :func:`mlp_report.build.book.stage_book` executes a chapter, its manifest (``<stage>/chapters/<name>.json``)
gets, besides the key and the chapter's run time, when it ran (``executed``), the runs the training caches
served and the runs trained (``runs``, from :mod:`mlp_report.runlog`), the software and machine
(``environment``: :func:`environment`) and the MNIST files' sha256 (``mnist``: :func:`mnist_files`).

As a Sphinx extension (``_config.yml``) the module adds the ``{provenance}`` directive, which
``provenance.md`` uses once per table: ``chapters``, ``speed``, ``software``, ``machine``, ``data``.
Every value comes from those manifests and from the benchmark's results file (``make benchmark`` writes
``.cache/benchmark/training_speed.json``); nothing on the page is typed. The manifests are read from the
stage the HTML build renders (``MLP_REPORT_STAGE``, else the extension's stage, else
``.cache/book/<profile>``); the PDF build passes its stage the same way, so the PDF has the same page.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

# the distributions whose versions the page lists, in its order (Python itself comes first)
PACKAGES = ("tensorflow", "keras", "numpy", "jupyter-book", "myst-nb", "papermill", "jupytext")
BENCHMARK_FILE = Path("benchmark") / "training_speed.json"  # under the project's .cache/
TABLES = ("chapters", "speed", "software", "machine", "data", "downloads")


# ---- what the build records ----------------------------------------------------------------------------


def versions() -> dict[str, str]:
    """Python's version and those of :data:`PACKAGES` (``importlib.metadata``), in that order."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def git_state(root: Path) -> tuple[str | None, bool | None]:
    """The commit checked out at ``root`` and whether the checkout differs from it (``None``: no git)."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = git("status", "--porcelain")
    return commit.strip(), bool(status and status.strip())


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux, else :func:`platform.processor`)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def environment(root: Path) -> dict[str, Any]:
    """What a chapter was executed with: versions, commit (and whether dirty), CPU model and cores."""
    commit, dirty = git_state(root)
    return {"versions": versions(), "commit": commit, "dirty": dirty, "cpu": cpu_model(), "cores": os.cpu_count()}


def mnist_files() -> dict[str, Any]:
    """Where MNIST came from and the sha256 of each of its four files (``{}`` when Keras downloaded it)."""
    from ..data import FILES, mnist_source, sha256_of

    source = mnist_source()
    if source == "keras-download":
        return {"source": source, "sha256": {}}
    folder = Path(source)
    return {"source": str(folder.resolve()),
            "sha256": {name: sha256_of(folder / name) for name, *_ in FILES.values() if (folder / name).is_file()}}


# ---- reading it back -----------------------------------------------------------------------------------


def chapter_manifests(root: Path, stage: Path) -> dict[str, dict[str, Any]]:
    """``{chapter name: manifest}`` of the executed chapters in ``stage``, in ``_toc.yml`` order."""
    from .book import toc_chapters

    found = {}
    for chapter in toc_chapters(root):
        path = stage / f"{chapter}.json"
        if path.is_file():
            found[Path(chapter).name] = json.loads(path.read_text())
    return found


def benchmark_results(root: Path) -> dict[str, Any] | None:
    """What ``make benchmark`` measured last on this checkout, or None."""
    path = Path(root) / ".cache" / BENCHMARK_FILE
    return json.loads(path.read_text()) if path.is_file() else None


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return "`" + text.replace("`", "'") + "`"


def _table(header: list[str], rows: list[list[str]], widths: list[int] | None = None) -> list[str]:
    lines = ["```{list-table}", ":header-rows: 1"]
    if widths:
        lines.append(":widths: " + " ".join(map(str, widths)))
    lines.append("")
    for row in [header, *rows]:
        for j, cell in enumerate(row):
            lines.append(("* - " if j == 0 else "  - ") + (str(cell) if str(cell) else " "))
    return [*lines, "```", ""]


NOT_RECORDED = "not recorded"


def _commit(env: dict[str, Any]) -> str:
    if not env.get("commit"):
        return NOT_RECORDED
    return _code(env["commit"][:12]) + (" (uncommitted changes)" if env.get("dirty") else "")


def _by_value(manifests: dict[str, dict[str, Any]], get) -> list[tuple[str, list[str]]]:
    """Each distinct value of ``get(manifest)`` with the chapters that have it, in chapter order."""
    groups: dict[str, list[str]] = {}
    for name, manifest in manifests.items():
        groups.setdefault(get(manifest), []).append(name)
    return list(groups.items())


def _joined(groups: list[tuple[str, list[str]]]) -> str:
    if len(groups) == 1:
        return groups[0][0]
    return "; ".join(f"{value} ({', '.join(names)})" for value, names in groups)


def page_markdown(
    table: str, manifests: dict[str, dict[str, Any]], bench: dict[str, Any] | None, *, print_form: bool = False
) -> str:
    """The MyST Markdown of one table of the provenance page (``table`` one of :data:`TABLES`) from the
    chapters' manifests (:func:`chapter_manifests`) and the benchmark's results (:func:`benchmark_results`).
    ``print_form``: for the PDF, where a 64-digit hash in one piece runs past the text width, each sha256
    is printed in two halves, one under the other."""
    if not manifests:
        return "No executed chapters.\n"
    envs = {name: m.get("environment") or {} for name, m in manifests.items()}
    if table == "chapters":
        rows = []
        for name, m in manifests.items():
            depends, runs = m.get("depends", {}), m.get("runs") or {}
            rows.append([
                f"{{doc}}`{name} <chapters/{name}>`", _code(depends.get("profile", "?")),
                _code(depends.get("parameters", {})) if depends.get("parameters") else "defaults",
                m.get("executed", NOT_RECORDED), f"{m['seconds']:.1f}" if "seconds" in m else NOT_RECORDED,
                str(runs["cached"]) if "cached" in runs else NOT_RECORDED,
                str(runs["trained"]) if "trained" in runs else NOT_RECORDED, _commit(envs[name]),
            ])
        header = ["chapter", "profile", "parameters", "executed (UTC)", "run time (s)", "runs from the cache",
                  "runs trained", "commit"]
        return "\n".join(_table(header, rows, [7, 7, 16, 20, 9, 9, 9, 23]))
    if table == "speed":
        measured = (bench or {}).get("train_samples_per_second", {})
        rows = []
        for name, m in manifests.items():
            for batch, entry in ((m.get("runs") or {}).get("throughput") or {}).items():
                rate = entry["samples"] / entry["seconds"] if entry["seconds"] > 0 else float("nan")
                ref = measured.get(str(batch))
                rows.append([f"{{doc}}`{name} <chapters/{name}>`", batch, f"{entry['samples']:,}", f"{entry['seconds']:.1f}",
                             f"{rate:,.0f}", f"{ref:,.0f}" if ref else "not measured",
                             f"{rate / ref:.2f}" if ref else " "])
        intro = (
            f"The benchmark (`make benchmark{' --quick' if bench.get('quick') else ''}`, run "
            f"{bench.get('measured', '?')} at commit {_code(str(bench.get('commit') or '?')[:12])}) measured the "
            "compiled loop's training speed on this machine, warm (compilation excluded); each chapter's own "
            "training, timed as it ran (each run's compilation and its evaluations included), against it:\n"
            if bench else
            "No benchmark results on this machine (`make benchmark` writes "
            f"`.cache/{BENCHMARK_FILE.as_posix()}`); each chapter's own training speed, timed as it ran "
            "(each run's compilation and its evaluations included):\n"
        )
        if not rows:
            return intro + "\nNo chapter trained a network with the compiled loop in this build: every run came from the cache.\n"
        header = ["chapter", "batch size", "samples trained", "training time (s)", "samples/s",
                  "benchmark samples/s", "chapter / benchmark"]
        return intro + "\n" + "\n".join(_table(header, rows))
    if table == "software":
        names = list(dict.fromkeys(k for env in envs.values() for k in env.get("versions", {}))) or ["python", *PACKAGES]
        rows = [[name, _joined(_by_value(manifests, lambda m, n=name: _code(
            ((m.get("environment") or {}).get("versions") or {}).get(n, NOT_RECORDED))))] for name in names]
        return "\n".join(_table(["software", "version"], rows, [30, 70]))
    if table == "machine":
        rows = [
            ["CPU", _joined(_by_value(manifests, lambda m: str((m.get("environment") or {}).get("cpu", NOT_RECORDED))))],
            ["cores", _joined(_by_value(manifests, lambda m: str((m.get("environment") or {}).get("cores", NOT_RECORDED))))],
            ["commit", _joined(_by_value(manifests, lambda m: _commit(m.get("environment") or {})))],
        ]
        return "\n".join(_table(["", "value"], rows, [20, 80]))
    if table == "data":
        groups = _by_value(manifests, lambda m: json.dumps(m.get("mnist") or {}, sort_keys=True))
        out = []
        for value, names in groups:
            mnist = json.loads(value)
            if len(groups) > 1:
                out.append(f"Chapters {', '.join(names)}:\n")
            if not mnist:
                out.append(f"{NOT_RECORDED}\n")
            elif not mnist.get("sha256"):
                out.append("MNIST was downloaded with Keras (`MNIST_DIR` was not set).\n")
            else:
                out.append(f"Read from `{mnist['source']}`:\n")
                shown = (lambda h: f"{_code(h[:32])}\n\n    {_code(h[32:])}") if print_form else _code  # 2 paragraphs
                widths = [40, 60] if print_form else [30, 70]  # in print, file names on one line too
                out += _table(["file", "sha256"], [[_code(f), shown(h)] for f, h in mnist["sha256"].items()], widths)
        return "\n".join(out)
    from ..validation import ConfigError

    raise ConfigError(f"{{provenance}} table={table!r} is invalid: expected one of {', '.join(TABLES)}.")


def downloads_list(manifests: dict[str, dict[str, Any]], builder_format: str) -> list:
    """Links to each chapter's executed notebook and to the package's wheel (HTML only: they live in
    the HTML output's ``_downloads/``, see :mod:`mlp_report.build.downloads`)."""
    from docutils import nodes

    from ..paths import project_root
    from .downloads import NOTEBOOKS, WHEEL_DIR, wheel_name

    if builder_format != "html":
        return []
    wheel = wheel_name(project_root())
    items = nodes.bullet_list(classes=["provenance-downloads"])
    entries = [(f"{name}.ipynb", f"{NOTEBOOKS}/{name}.ipynb", "executed, with outputs") for name in manifests]
    entries.append((wheel, f"{WHEEL_DIR}/{wheel}", "the package: pip install " + wheel))
    for text, uri, note in entries:
        para = nodes.paragraph()
        para += nodes.reference("", text, refuri=uri, internal=False)
        para += nodes.Text(f" ({note})")
        items += nodes.list_item("", para)
    return [items]


def stage_for(srcdir: Path) -> Path:
    """The executed chapters a build renders: ``MLP_REPORT_STAGE``, the HTML extension's stage, or
    ``.cache/book/<MLP_REPORT_PROFILE or full>``."""
    from ..paths import stage_dir
    from . import sphinx_ext

    if os.environ.get("MLP_REPORT_STAGE"):
        return Path(os.environ["MLP_REPORT_STAGE"]).resolve()
    if sphinx_ext._STATE.get("stage") is not None:
        return Path(sphinx_ext._STATE["stage"])
    return stage_dir(srcdir, os.environ.get("MLP_REPORT_PROFILE") or "full")


def setup(app) -> dict[str, Any]:
    """Sphinx extension: the ``{provenance} <table>`` directive."""
    from docutils import nodes
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective

    class Provenance(SphinxDirective):
        """One table of the provenance page, from the executed chapters' manifests."""

        required_arguments = 1

        def run(self) -> list[nodes.Node]:
            from ..paths import project_root

            srcdir = Path(self.env.srcdir)  # the book, or its print copy (same _toc.yml)
            stage = stage_for(srcdir)
            for path in sorted((stage / "chapters").glob("*.json")):
                self.env.note_dependency(str(path))  # re-read when a chapter is executed again
            self.env.note_dependency(str(project_root() / ".cache" / BENCHMARK_FILE))
            manifests = chapter_manifests(srcdir, stage)
            if self.arguments[0] == "downloads":
                return downloads_list(manifests, self.env.app.builder.format)
            text = page_markdown(self.arguments[0], manifests, benchmark_results(project_root()),
                                 print_form=self.env.app.builder.format == "latex")
            container = nodes.container(classes=["provenance", f"provenance-{self.arguments[0]}"])
            self.state.nested_parse(StringList(text.splitlines(), source="provenance"), self.content_offset, container)
            return [container]

    app.add_directive("provenance", Provenance)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
