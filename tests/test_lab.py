"""JupyterLab end to end, in headless Chromium on loopback: a chapter opened through Jupytext, run with the
quick profile and saved keeps its .md and gains a paired .ipynb with outputs; the playground widget keeps
its state across views and shows traits set from Python.

JupyterLab serves a temporary copy of the chapters and ``jupytext.toml``, as ``make lab`` serves the
checkout (root folder, token-less here because it listens on 127.0.0.1 only for this test).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 90  # s for the server to answer
RUN_TIMEOUT = 240_000  # ms for a quick chapter to run in the kernel (TensorFlow's import included)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, mnist_dir: Path) -> Iterator[tuple[str, Path, Path]]:
    """``(base URL, served folder, Lab's home with lab.log)`` of a JupyterLab on loopback serving a copy of the chapters."""
    pytest.importorskip("jupyterlab", reason="JupyterLab is part of the test extra: make install")
    served = tmp_path_factory.mktemp("lab")  # a git checkout of the chapters: `git status` tells what Lab wrote
    home = tmp_path_factory.mktemp("lab-home")  # Lab's own settings, workspaces and log, outside it
    shutil.copytree(ROOT / "chapters", served / "chapters", ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_*"))
    for name in ("jupytext.toml", ".gitignore"):
        shutil.copy2(ROOT / name, served / name)
    shutil.copytree(ROOT / ".jupyter", served / ".jupyter")  # the repository's Lab defaults (autosave off)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=served, check=True)
    subprocess.run([*git, "add", "-A"], cwd=served, check=True)
    subprocess.run([*git, "commit", "-qm", "chapters"], cwd=served, check=True)
    port = _free_port()
    # as `make lab PROFILE=quick` starts it (TF_CPP_MIN_LOG_LEVEL left to the package, which sets it)
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "MLP_REPORT_BATCH")}
    env |= {"MNIST_DIR": str(mnist_dir), "MLP_REPORT_PROFILE": "quick",
            "JUPYTER_CONFIG_PATH": str(served / ".jupyter"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "user-settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
           f"--ServerApp.root_dir={served}", "--ServerApp.open_browser=False"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(cmd, cwd=served, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + START_TIMEOUT
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                server.kill()
                pytest.fail(f"JupyterLab did not start: {(home / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
    yield base, served, home
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture
def lab_page(lab, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page, errors
    context.close()


def _wait_idle(page, timeout=RUN_TIMEOUT) -> None:
    """Wait until the notebook's kernel is idle and no cell is queued or running (prompt ``[*]``)."""
    page.wait_for_function(
        """() => {
          const cells = [...document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt')];
          const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
          const busy = status && status.getAttribute('data-status') === 'busy';
          return cells.length > 0 && !cells.some(c => c.textContent.includes('*')) && !busy;
        }""",
        timeout=timeout,
    )


def _set_cell(page, index: int, text: str) -> None:
    """Replace the source of code cell ``index`` of the open notebook."""
    editor = page.locator(".jp-Notebook .jp-CodeCell").nth(index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")


def _run_menu(page, label: str) -> None:
    page.click("text=Run >> nth=0")
    page.click(f".lm-Menu-item:has-text('{label}') >> nth=0")


def _open_with_jupytext(page, base: str, path: str) -> None:
    folder, name = path.rsplit("/", 1)
    page.goto(f"{base}/lab/tree/{folder}?reset", wait_until="domcontentloaded")  # ?reset: no tabs of earlier tests
    item = page.locator(f".jp-DirListing-item[title^='Name: {name}']")
    item.wait_for(timeout=60_000)
    item.click(button="right")
    page.click(".lm-Menu-item:has-text('Open With')")
    page.click(".lm-Menu-item:has-text('Jupytext Notebook')")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    _select_kernel_if_asked(page)


def _select_kernel_if_asked(page) -> None:
    with contextlib.suppress(Exception):  # no dialog: the default kernel was started
        page.click(".jp-Dialog button.jp-mod-accept", timeout=3_000)


def _dirty(page) -> bool:
    """Whether the current notebook's tab is marked modified (JupyterLab's dot instead of the close icon)."""
    return page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").count() > 0


def _output_texts(notebook: dict) -> list[tuple[str, str]]:
    """``(kind, text)`` of every output of a saved notebook: stream name or MIME type, and its text."""
    found = []
    for cell in notebook["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                found.append((out["name"], "".join(out["text"])))
            elif out.get("output_type") == "error":
                found.append(("error", f"{out['ename']}: {out['evalue']}"))
            for mime, data in out.get("data", {}).items():
                if mime.startswith("text/"):
                    found.append((mime, "".join(data) if isinstance(data, list) else data))
    return found


def _run_chapter_without_edits(page, base: str, served: Path, chapter: str) -> dict:
    """Open ``chapter`` with Jupytext, check it stays unmodified, run every cell (the server's
    MLP_REPORT_PROFILE=quick applies) and save: the paired .ipynb gets the outputs, the .md stays as it
    was. Returns the saved notebook, whose outputs have no traceback, no TensorFlow log line, nothing on
    standard error and no stray value of a hidden cell."""
    source = served / "chapters" / f"{chapter}.md"
    original = source.read_text()
    _open_with_jupytext(page, base, f"chapters/{chapter}.md")
    page.wait_for_timeout(5_000)  # the widget manager, Jupytext and the kernel settle; nothing is edited
    assert not _dirty(page), f"{chapter} is marked modified right after opening"
    _run_menu(page, "Run All Cells")
    _wait_idle(page)
    pair = served / "chapters" / f"{chapter}.ipynb"
    page.keyboard.press("Control+s")  # saving writes the paired .ipynb with the outputs, not the .md
    deadline = time.time() + 30
    while not pair.is_file() and time.time() < deadline:
        time.sleep(0.5)
    assert pair.is_file(), "saving did not write the paired .ipynb"
    time.sleep(1)
    assert source.read_text() == original, "saving from JupyterLab changed the text notebook"
    notebook = json.loads(pair.read_text())
    outputs = _output_texts(notebook)
    assert [t for kind, t in outputs if kind == "error"] == [], f"{chapter} raised in JupyterLab"
    assert [t for kind, t in outputs if kind == "stderr"] == [], f"{chapter} wrote to standard error"
    text = "\n".join(t for _, t in outputs)
    assert "Run settings: profile=quick" in text  # MLP_REPORT_PROFILE reached the chapter without an edit
    for noise in ("E0000", "I0000", "W0000", "PosixPath", "retracing", "oneDNN", "cuInit"):
        assert noise not in text, f"{chapter} shows {noise!r} in an output"
    return notebook


def _images(notebook: dict) -> int:
    return sum("image/png" in o.get("data", {}) for c in notebook["cells"] for o in c.get("outputs", []))


def _close_without_saving(page) -> None:
    page.click("text=File >> nth=0")
    page.click(".lm-Menu-item:has-text('Close Tab') >> nth=0")
    with contextlib.suppress(Exception):  # the run's outputs are changes of the notebook: discard them
        page.click(".jp-Dialog button:has-text('Discard'), .jp-Dialog button:has-text('Don')", timeout=5_000)
    page.wait_for_selector(".jp-Notebook", state="detached", timeout=15_000)


def _git_clean(served: Path) -> str:
    return subprocess.run(["git", "status", "--porcelain"], cwd=served, capture_output=True, text=True,
                          check=True).stdout


def test_task0_shows_its_figures_and_values_and_saves_only_its_pair(lab, lab_page) -> None:
    base, served, _ = lab
    page, errors = lab_page
    notebook = _run_chapter_without_edits(page, base, served, "task0")
    # what the book shows where the prose glues it, the notebook shows under the cell that glues it
    assert _images(notebook) >= 2, f"Task 0 shows {_images(notebook)} figure(s) in JupyterLab"
    text = "\n".join(t for _, t in _output_texts(notebook))
    for key in ("t0_train_size", "t0_val_accuracy", "t0_params"):
        assert key in text, f"the glued value {key} is not shown in JupyterLab"
    assert "Total params" in text  # model.summary() ran
    _close_without_saving(page)
    assert _git_clean(served) == ""
    assert errors == []


def test_task4_draws_every_figure_and_the_whole_playground(lab, lab_page) -> None:
    base, served, _ = lab
    page, errors = lab_page
    notebook = _run_chapter_without_edits(page, base, served, "task4")
    figures = (served / "chapters" / "task4.md").read_text().count("glue_figure(")
    images = _images(notebook)
    # 1 data-set figure, and per data set (3) its run, its neurons and its network diagram
    assert images >= 10, f"Task 4 shows {images} figures in JupyterLab ({figures} glue_figure calls)"
    text = "\n".join(t for _, t in _output_texts(notebook))
    assert "In the book's HTML only" in text and "**Play**" in text  # the {only} html block's stand-in
    view = page.locator(".mlp-pg").nth(0)
    view.locator("g.mlp-pg-node").first.wait_for(timeout=60_000)
    boxes = view.locator("g.mlp-pg-node").evaluate_all(
        "nodes => nodes.map(n => { const b = n.getBoundingClientRect(); return [b.width, b.height]; })"
    )
    assert len(boxes) >= 4 + 6 + 5 + 1
    assert all(w > 0 and h > 0 for w, h in boxes), f"playground nodes without a box in JupyterLab: {boxes}"
    _close_without_saving(page)
    assert _git_clean(served) == ""
    assert errors == []


PLAYGROUND = """from mlp_report.playground.widget import playground_widget
w = playground_widget("xor")
w"""


def _new_notebook_with_widget(base: str, page):
    """A new notebook (Python 3) whose first cell displays ``w = playground_widget("xor")``."""
    page.goto(f"{base}/lab?reset", wait_until="domcontentloaded")  # ?reset: no tabs of earlier tests
    page.wait_for_selector(".jp-LauncherCard", timeout=60_000)
    page.click(".jp-LauncherCard[title^='Python 3'] >> nth=0")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell .cm-content", timeout=60_000)
    _select_kernel_if_asked(page)
    _set_cell(page, 0, PLAYGROUND)
    page.keyboard.press("Shift+Enter")
    view = page.locator(".mlp-pg").nth(0)
    view.locator("button.mlp-pg-play").wait_for(timeout=RUN_TIMEOUT)
    return view


def test_widget_displayed_again_shows_the_same_trained_state(lab, lab_page) -> None:
    base, _, _ = lab
    page, errors = lab_page
    view = _new_notebook_with_widget(base, page)
    start = float(view.locator(".mlp-pg-test-loss").get_attribute("data-value"))
    view.locator("select.mlp-pg-speed").select_option("20")
    view.locator("button.mlp-pg-play").click()
    page.wait_for_function("() => +document.querySelector('.mlp-pg .mlp-pg-epoch').dataset.value >= 40", timeout=60_000)
    view.locator("button.mlp-pg-play").click()  # pause
    epoch = int(view.locator(".mlp-pg-epoch").get_attribute("data-value"))
    trained = float(view.locator(".mlp-pg-test-loss").get_attribute("data-value"))
    assert trained < start

    # display the same widget again: the new view shows the trained model, not a fresh one
    _set_cell(page, 1, "w")
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("() => document.querySelectorAll('.mlp-pg').length >= 2", timeout=30_000)
    second = page.locator(".mlp-pg").nth(1)
    second.locator(".mlp-pg-epoch").wait_for()
    assert int(second.locator(".mlp-pg-epoch").get_attribute("data-value")) == epoch
    assert float(second.locator(".mlp-pg-test-loss").get_attribute("data-value")) == pytest.approx(trained)
    assert errors == []


def test_widget_trait_set_from_python_reaches_the_control(lab, lab_page) -> None:
    base, _, _ = lab
    page, errors = lab_page
    view = _new_notebook_with_widget(base, page)
    assert view.locator("select.mlp-pg-speed").input_value() != "100"
    _set_cell(page, 1, "w.speed = 100")
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.mlp-pg select.mlp-pg-speed')].every(s => s.value === '100')", timeout=15_000
    )
    assert errors == []


def test_server_log_has_no_node_errors(lab) -> None:  # last: after every test drove the server
    _, _, home = lab
    log = (home / "lab.log").read_text()
    bad = [line for line in log.splitlines() if "ReferenceError" in line or "Error:" in line]
    assert bad == [], "JupyterLab's log has errors:\n" + "\n".join(bad[:5])
