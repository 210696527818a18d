"""The HTML book: built with -W from the quick chapters, clean pages, and a headless-browser check."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlp_report.build.book import ChapterError, package_dependencies, stage_book

ROOT = Path(__file__).resolve().parents[1]

CHAPTER_PAGES = [f"chapters/task{i}.html" for i in range(5)]


def test_book_pages_exist(quick_book):
    html = quick_book / "_build" / "html"
    assert (html / "index.html").is_file()
    for page in CHAPTER_PAGES:
        assert (html / page).is_file(), page


@pytest.mark.parametrize("page", ["intro.html", *CHAPTER_PAGES, "references.html"])
def test_pages_are_clean(quick_book, page):
    text = (quick_book / "_build" / "html" / page).read_text()
    assert "np.float64" not in text and "np.int64" not in text, "unformatted NumPy scalar glued"
    assert "injected-parameters" not in text and "Parameters" not in re.findall(r"<h\d[^>]*>([^<]*)", text)
    assert "cdn.jsdelivr" not in text or 'data-jupyter-widgets-cdn' in text  # widget pages only
    assert "Traceback" not in text


@pytest.mark.parametrize("page", ["chapters/task1.html", "chapters/task2.html", "chapters/task3.html"])
def test_no_progress_bar_debris(quick_book, page):
    text = (quick_book / "_build" / "html" / page).read_text()
    assert "application/vnd.jupyter.widget-state" not in text  # no tqdm widgets saved into the page
    assert "runs:" not in text and "it/s]" not in text


def test_task0_page_shows_summary_figure_and_glued_accuracy(quick_book):
    text = (quick_book / "_build" / "html" / "chapters" / "task0.html").read_text()
    assert "Total params" in text  # model.summary()
    assert re.search(r'<img[^>]+src="[^"]+\.png"', text)
    assert re.search(r"classifies\s+\d+\.\d\d %", re.sub(r"<[^>]+>", "", text))
    assert re.search(r"Fig(ure)?\.?\s*\d", re.sub(r"<[^>]+>", "", text)) or "caption-number" in text


def bib_titles() -> dict[str, str]:
    """``{key: title}`` of every entry of references.bib, braces and TeX accents left out."""
    text = (ROOT / "references.bib").read_text()
    entries = re.findall(r"@\w+\{([^,]+),(.*?)\n\}", text, re.S)
    return {key: re.sub(r"[{}]", "", re.search(r"\btitle\s*=\s*\{(.+?)\},?\n", body).group(1)) for key, body in entries}


def test_references_page_lists_every_work_and_the_chapters_link_to_it(quick_book):
    html = quick_book / "_build" / "html"
    page = (html / "references.html").read_text()
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)).casefold()
    titles = bib_titles()
    assert len(titles) >= 10
    for key, title in titles.items():  # the page lists only cited works: every entry is cited somewhere
        words = [w for w in re.findall(r"[a-z]+", title.casefold().replace("--", " ")) if len(w) > 3]
        assert all(w in plain for w in words), f"{key}: {title!r} not on the references page"
    cited = {"intro.html": "lecun1998gradient", "chapters/task1.html": "goyal2017accurate",
             "chapters/task3.html": "zhang2017understanding", "chapters/task4.html": "smilkov2017direct"}
    for name, key in cited.items():
        text = (html / name).read_text()
        links = re.findall(r'href="((?:\.\./)?references\.html#[^"]+)"', text)
        assert links, f"{name} has no citation linking to the references page ({key})"


@pytest.mark.browser
@pytest.mark.parametrize("page", ["index.html", "intro.html", *CHAPTER_PAGES, "references.html"])
def test_pages_in_headless_chromium(quick_book, serve, open_page, page):
    base = serve(quick_book / "_build" / "html")
    probe = open_page(f"{base}/{page}")
    assert probe.console_errors == []
    assert probe.broken_images() == []
    assert probe.external_requests == []
    if os.environ.get("MLP_REPORT_SCREENSHOTS"):
        probe.page.screenshot(path=f"artifacts/{page.replace('/', '_')}.png", full_page=True)


# ---- jupyter-book build as typed, incremental staging ---------------------------------------------------

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def test_plain_build_with_empty_mnist_dir_fails_fast_with_the_loaders_message(tmp_path):
    """`jupyter-book build .` (as a user types it) stops non-zero at the first chapter, with its own error."""
    empty = tmp_path / "mnist"
    empty.mkdir()
    env = {**os.environ, "MNIST_DIR": str(empty), "MLP_REPORT_STAGE": str(tmp_path / "stage"),
           "MLP_REPORT_CACHE": str(tmp_path / "cache"), "MLP_REPORT_RESULTS": str(tmp_path / "results")}
    env.pop("MLP_REPORT_ROOT", None)
    done = subprocess.run([str(JUPYTER_BOOK), "build", ".", "--path-output", str(tmp_path / "out")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "task0.md failed to execute" in output and "MnistDataError" in output
    lines = output.rstrip("\n").split("\n")  # the start-up hook (mlp_report.pth) leaves out Jupyter Book's traceback
    assert len(lines) <= 15 and lines[-1].startswith("task0.md failed to execute (code cell 4, line 51): MnistDataError: "), lines
    assert f"MNIST file {empty.resolve()}" in output or str(empty) in output  # the loader says where it looked
    assert "executed chapters/task1" not in output  # stopped at the first failing chapter
    assert not (tmp_path / "out" / "_build" / "html" / "chapters" / "task0.html").exists()


def _write_chapter(path: Path, code: str, prose: str = "Some prose.") -> None:
    path.write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3 (ipykernel)\n  language: python\n  name: python3\n---\n\n"
        f"# {path.stem}\n\n{prose}\n\n```{{code-cell}} ipython3\n:tags: [parameters]\n\nprofile = \"full\"\n```\n\n"
        f"```{{code-cell}} ipython3\n{code}\n```\n"
    )


@pytest.fixture
def tiny_book(tmp_path, monkeypatch):
    """A two-chapter book: `first` writes a result file, `second` reads it."""
    root = tmp_path / "book"
    (root / "chapters").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: chapters/first\n- file: chapters/second\n")
    (root / "intro.md").write_text("# Intro\n")
    writer = ("from mlp_report.paths import results_dir, write_json\n"
              "write_json(results_dir(profile) / 'first.json', {'value': VALUE})")
    reader = "from mlp_report.paths import results_dir\nprint((results_dir(profile) / 'first.json').read_text())"
    monkeypatch.setenv("MLP_REPORT_RESULTS", str(tmp_path / "results"))
    _write_chapter(root / "chapters" / "first.md", writer.replace("VALUE", "1"))
    _write_chapter(root / "chapters" / "second.md", reader)
    return root, writer, reader


def _executed(root: Path, stage: Path) -> list[str]:
    return [p.stem for p in stage_book(root, stage, "quick", log=lambda _m: None)]


def test_stage_executes_only_what_changed(tiny_book, tmp_path):
    root, writer, reader = tiny_book
    stage = tmp_path / "stage"
    assert _executed(root, stage) == ["first", "second"]
    assert _executed(root, stage) == []  # nothing changed
    _write_chapter(root / "chapters" / "second.md", reader, prose="Edited prose.")
    assert _executed(root, stage) == []  # prose only: the executed notebook takes the text, nothing runs
    assert "Edited prose." in (stage / "chapters" / "second.ipynb").read_text()
    _write_chapter(root / "chapters" / "first.md", writer.replace("VALUE", "1") + "\nunused = 1", prose="Edited too.")
    assert _executed(root, stage) == ["first"]  # same result file content: the reader stays valid
    _write_chapter(root / "chapters" / "first.md", writer.replace("VALUE", "2"))
    assert _executed(root, stage) == ["first", "second"]  # a changed hand-over re-executes its reader
    (tmp_path / "results" / "quick" / "first.json").unlink()
    assert _executed(root, stage) == ["first"]  # a lost result file is produced again (same content)
    assert (tmp_path / "results" / "quick" / "first.json").is_file()
    manifest = json.loads((stage / "chapters" / "second.json").read_text())
    assert list(manifest["depends"]["inputs"]) == [str(tmp_path / "results" / "quick" / "first.json")]
    assert "paths.py" in manifest["depends"]["package"] and "training.py" not in manifest["depends"]["package"]


def test_package_dependencies_follow_imports():
    deps = package_dependencies("from mlp_report import playground as pg\n")
    assert "playground/network.py" in deps and "playground/static/playground.js" in deps
    assert "sweeps.py" not in deps and "hyperparams.py" not in deps
    deps = package_dependencies("from mlp_report.sweeps import run_sweep\n")
    assert {"sweeps.py", "training.py", "paths.py", "__init__.py"} <= set(deps) and "playground/network.py" not in deps


def test_a_failing_chapter_names_itself_and_leaves_no_executed_copy(tiny_book, tmp_path):
    root, _, _ = tiny_book
    _write_chapter(root / "chapters" / "second.md", "raise ValueError('profile must be sunny')")
    stage = tmp_path / "stage"
    with pytest.raises(ChapterError, match=r"second.md failed to execute .*ValueError: profile must be sunny"):
        stage_book(root, stage, "quick", log=lambda _m: None)
    assert (stage / "chapters" / "first.ipynb").is_file() and not (stage / "chapters" / "second.ipynb").exists()


# ---- the plain build's Task 4 page in headless Chromium ------------------------------------------------


@pytest.fixture(scope="module")
def built_html(request) -> Path:
    """A built book's HTML: MLP_REPORT_BOOK_HTML (CI: the plain `jupyter-book build .` after `make book`),
    else the quick book (built by `jupyter-book build` with the extension, the same path)."""
    given = os.environ.get("MLP_REPORT_BOOK_HTML")
    return Path(given) if given else request.getfixturevalue("quick_book") / "_build" / "html"


@pytest.mark.browser
def test_built_task4_page_loads_every_script_and_the_widget_trains(built_html, serve, open_page):
    page_file = built_html / "chapters" / "task4.html"
    text = page_file.read_text()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', text)
    local = [s.split("?")[0] for s in scripts if "://" not in s]
    assert any(s.endswith("widgets/require.js") for s in local)
    missing = [s for s in local if not (page_file.parent / s).resolve().is_file()]
    assert missing == [], f"the page names scripts that are not in the build: {missing}"

    probe = open_page(f"{serve(built_html)}/chapters/task4.html")
    page = probe.page
    page.wait_for_selector(".mlp-pg .mlp-pg-test-loss", timeout=30_000)
    # every resource the page loaded, also those require.js loads later, answered 200 (responseStatus: Chromium)
    loaded = page.evaluate("() => performance.getEntriesByType('resource').map(e => [e.name, e.responseStatus])")
    assert any(url.endswith("/_static/widgets/anywidget.js") for url, _ in loaded)
    bad = [(url, status) for url, status in loaded if status != 200 and not url.endswith("/favicon.ico")]
    assert bad == [], f"requests that failed: {bad}"
    page.locator(".mlp-pg").scroll_into_view_if_needed()
    loss = "() => +document.querySelector('.mlp-pg .mlp-pg-test-loss').dataset.value"
    start = page.evaluate(loss)
    page.select_option(".mlp-pg select.mlp-pg-speed", "20")
    page.click(".mlp-pg button.mlp-pg-play")
    page.wait_for_function("() => +document.querySelector('.mlp-pg .mlp-pg-epoch').dataset.value >= 50", timeout=60_000)
    page.click(".mlp-pg button.mlp-pg-play")
    assert page.evaluate(loss) < start, "Play did not lower the test loss"
    assert probe.console_errors == []
    assert probe.external_requests == []
    assert probe.failed_requests == []
