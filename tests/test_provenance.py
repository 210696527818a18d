"""The provenance page ("How this report was made") and what the build records for it."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mlp_report import runlog
from mlp_report.build import provenance
from mlp_report.data import FILES
from mlp_report.validation import ConfigError

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ("task0", "task1", "task2", "task3", "task4")


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts, and the page's whole text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _page(html: Path) -> _Tables:
    parser = _Tables()
    parser.feed(html.read_text())
    return parser


# ---- the run log ---------------------------------------------------------------------------------------


def test_run_log_counts_cache_hits_misses_and_training(tmp_path, monkeypatch):
    log = tmp_path / "runs.jsonl"
    runlog.cache_lookup("sweep", 3, 2)  # no variable: nothing is recorded
    assert not log.exists()
    monkeypatch.setenv(runlog.ENV_VAR, str(log))
    runlog.cache_lookup("sweep", 3, 2)
    runlog.cache_lookup("train", 0, 1)
    runlog.cache_lookup("train", 0, 0)  # nothing looked up: no line
    runlog.trained(32, 1000, 0.5)
    runlog.trained(32, 3000, 1.5)
    runlog.trained(4, 100, 1.0)
    with log.open("a") as fh:
        fh.write('{"event": "cache", "kind": "tr')  # a line cut short by a killed process is skipped
    summary = runlog.summarize(runlog.read_events(log))
    assert summary["cached"] == 3 and summary["trained"] == 3
    assert summary["by_cache"] == {"sweep": {"cached": 3, "trained": 2}, "train": {"cached": 0, "trained": 1}}
    assert summary["throughput"] == {"4": {"samples": 100, "seconds": 1.0}, "32": {"samples": 4000, "seconds": 2.0}}
    assert list(summary["throughput"]) == ["4", "32"]  # by batch size, numerically


def test_array_cache_records_misses_then_hits(tmp_path, monkeypatch):
    import numpy as np

    from mlp_report.paths import load_arrays, store_arrays

    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv(runlog.ENV_VAR, str(log))
    monkeypatch.setenv("MLP_REPORT_CACHE", str(tmp_path / "cache"))
    assert load_arrays("train", "ab" * 32) is None
    store_arrays("train", "ab" * 32, {"x": np.arange(3)})
    assert load_arrays("train", "ab" * 32) is not None
    assert runlog.summarize(runlog.read_events(log))["by_cache"] == {"train": {"cached": 1, "trained": 1}}


def test_environment_and_mnist_records(mnist_dir):
    env = provenance.environment(ROOT)
    assert env["versions"]["python"] == platform.python_version()
    for name in provenance.PACKAGES:
        assert env["versions"][name] == importlib.metadata.version(name)
    assert env["cores"] == os.cpu_count() and env["cpu"]
    assert env["commit"] is None or len(env["commit"]) == 40
    mnist = provenance.mnist_files()
    assert mnist["sha256"] == {name: sha for name, sha, *_ in FILES.values()}  # the loader's expected hashes


def test_git_state_outside_a_repository(tmp_path):
    assert provenance.git_state(tmp_path) == (None, None)


def test_unknown_table_is_a_clear_error():
    with pytest.raises(ConfigError, match=r"table='chapter' is invalid: expected one of chapters, speed"):
        provenance.page_markdown("chapter", {"task0": {}}, None)


def test_old_manifests_say_not_recorded():
    text = provenance.page_markdown("chapters", {"task0": {"key": "k", "depends": {"profile": "full"}}}, None)
    assert text.count(provenance.NOT_RECORDED) == 5  # executed, run time, cached, trained, commit
    assert "No benchmark results" in provenance.page_markdown("speed", {"task0": {}}, None)


def test_hashes_break_in_print_only():
    sha = "0123456789abcdef" * 4
    manifests = {"task0": {"mnist": {"source": "/data/mnist", "sha256": {"t10k-labels-idx1-ubyte.gz": sha}}}}
    assert f"`{sha}`" in provenance.page_markdown("data", manifests, None)  # the HTML: one piece to copy
    printed = provenance.page_markdown("data", manifests, None, print_form=True)
    assert f"`{sha[:32]}`\n\n    `{sha[32:]}`" in printed and f"`{sha}`" not in printed  # the PDF: fits the column


def test_speed_table_against_the_benchmark():
    manifests = {"task0": {"runs": {"throughput": {"32": {"samples": 150_000, "seconds": 1.5}}}}}
    bench = {"train_samples_per_second": {"32": 200_000.0}, "measured": "2026-01-01T00:00:00+00:00", "commit": "a" * 40}
    text = provenance.page_markdown("speed", manifests, bench)
    assert "100,000" in text and "200,000" in text and "0.50" in text and "2026-01-01" in text


# ---- the built page ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_provenance_page_holds_every_item_from_the_manifests(quick_book):
    html = quick_book / "_build" / "html"
    page = _page(html / "provenance.html")
    text = " ".join(" ".join(page.text).split())
    assert "How this report was made" in text
    manifests = {c: json.loads((quick_book / "stage" / "chapters" / f"{c}.json").read_text()) for c in CHAPTERS}

    chapters = next(t for t in page.tables if t and t[0][:2] == ["chapter", "profile"])
    header = chapters[0]
    assert [row[0] for row in chapters[1:]] == list(CHAPTERS)
    by_chapter = dict(zip(CHAPTERS, chapters[1:], strict=True))  # the table keeps _toc.yml's order
    looked_up = 0
    for chapter, row in by_chapter.items():
        m, cell = manifests[chapter], dict(zip(header, row, strict=True))
        assert cell["profile"] == m["depends"]["profile"] == "quick"
        assert cell["executed (UTC)"] == m["executed"]
        assert cell["run time (s)"] == f"{m['seconds']:.1f}"
        assert cell["runs from the cache"] == str(m["runs"]["cached"])
        assert cell["runs trained"] == str(m["runs"]["trained"])
        assert cell["commit"].startswith(m["environment"]["commit"][:12])
        assert ("uncommitted changes" in cell["commit"]) == m["environment"]["dirty"]
        looked_up += m["runs"]["cached"] + m["runs"]["trained"]
    assert looked_up > 0  # the chapters' runs went through the counted caches

    software = dict(next(t for t in page.tables if t and t[0] == ["software", "version"])[1:])
    assert software["python"] == platform.python_version()
    for name in provenance.PACKAGES:
        assert software[name] == importlib.metadata.version(name), name

    machine = {row[0]: row[1] for row in next(t for t in page.tables if t and t[0] == ["", "value"])[1:]}
    assert machine["CPU"] == provenance.cpu_model() and machine["cores"] == str(os.cpu_count())

    data = dict(next(t for t in page.tables if t and t[0] == ["file", "sha256"])[1:])
    assert data == manifests["task0"]["mnist"]["sha256"] == {name: sha for name, sha, *_ in FILES.values()}

    # speed: one row per chapter and batch size it trained with the compiled loop, from its manifest
    speed_rows = [
        (c, b) for c in CHAPTERS for b in manifests[c]["runs"]["throughput"]
    ]
    if speed_rows:
        speed = next(t for t in page.tables if t and t[0][:2] == ["chapter", "batch size"])
        assert [row[1] for row in speed[1:]] == [b for _, b in speed_rows]

    # the first page links it
    assert 'href="provenance.html"' in (html / "intro.html").read_text()

    # the page links each chapter's executed notebook and the wheel, which the build put there
    page_html = (html / "provenance.html").read_text()
    for chapter in CHAPTERS:
        assert f'href="_downloads/notebooks/{chapter}.ipynb"' in page_html
        assert (html / "_downloads" / "notebooks" / f"{chapter}.ipynb").is_file()
    wheel = next((html / "_downloads").glob("mlp_report-*-py3-none-any.whl"))
    assert f'href="_downloads/{wheel.name}"' in page_html


@pytest.mark.slow
def test_pdf_has_the_provenance_page(quick_book, tmp_path):
    import shutil
    import subprocess

    from mlp_report.build.pdf import build_pdf, missing_tex

    if missing_tex() or not shutil.which("pdftotext"):
        pytest.skip("no TeX or pdftotext: `make pdf` installs them")
    pdf = build_pdf(ROOT, quick_book / "stage", tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "How this report was made" in " ".join(text.split())
    # table cells wrap long values, also at their own hyphens, which pdftotext then drops
    compact = "".join(text.split()).replace("-", "")
    for chapter in CHAPTERS:
        manifest = json.loads((quick_book / "stage" / "chapters" / f"{chapter}.json").read_text())
        assert manifest["executed"].replace("-", "") in compact and f"{manifest['seconds']:.1f}" in compact
    assert importlib.metadata.version("tensorflow") in compact and importlib.metadata.version("myst-nb").replace("-", "") in compact
    for sha in manifest["mnist"]["sha256"].values():
        assert sha in compact
