"""The executed notebooks and the wheel a reader downloads from the book, and running them elsewhere."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mlp_report.build import downloads
from mlp_report.narrative.confusion import best_setting_source
from mlp_report.notebook import cell_errors, read_glue
from mlp_report.results import read_best_setting
from mlp_report.validation import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SETTING = {"batch_size": 16, "hidden_layers": 3, "learning_rate": 0.1}


def _notebook(code: str) -> dict:
    return {"cells": [{"cell_type": "code", "metadata": {}, "source": code, "outputs": [], "execution_count": 1}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_downloadable_notebook_records_the_build_and_task1s_choice(tmp_path):
    best = tmp_path / "task1_best.json"
    best.write_text(json.dumps({"setting": SETTING, "val_accuracy": 0.97}))
    manifest = {
        "depends": {"profile": "quick", "parameters": {}, "inputs": {str(best): hashlib.sha256(best.read_bytes()).hexdigest()}},
        "executed": "2026-12-01T10:00:00+00:00", "seconds": 12.5, "environment": {"commit": "c" * 40},
    }
    code = "task1_recorded = None  # the book sets it\ntask1_recorded_x = None\n"
    nb = downloads.downloadable_notebook(_notebook(code), "task2", manifest, "mlp_report-0.1.0-py3-none-any.whl")
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and first["metadata"]["tags"] == ["remove-cell"]
    assert "pip install mlp_report-0.1.0-py3-none-any.whl" in first["source"] and "MNIST_DIR" in first["source"]
    assert "batch_size=16, hidden_layers=3, learning_rate=0.1; Task 1 ran with the\n`quick` profile" in first["source"]
    meta = nb["metadata"]["mlp_report"]
    assert meta["profile"] == "quick" and meta["executed"] == manifest["executed"] and meta["commit"] == "c" * 40
    assert meta["inputs"]["task1_best.json"]["setting"] == SETTING
    assert nb["cells"][1]["source"].splitlines() == [
        f"task1_recorded = {{'setting': {SETTING!r}}}  # the book sets it", "task1_recorded_x = None"]


def test_a_changed_input_file_is_not_recorded(tmp_path):
    best = tmp_path / "task1_best.json"
    best.write_text(json.dumps({"setting": SETTING}))
    manifest = {"depends": {"inputs": {str(best): "0" * 64}}}  # the file changed since the chapter ran
    nb = downloads.downloadable_notebook(_notebook("task1_recorded = None\n"), "task2", manifest, "w.whl")
    assert nb["metadata"]["mlp_report"]["inputs"] == {} and nb["cells"][1]["source"] == "task1_recorded = None\n"
    assert "Task 1's choice" not in nb["cells"][0]["source"]


def test_read_best_setting_falls_back_to_the_recorded_choice(tmp_path, monkeypatch):
    monkeypatch.setenv("MLP_REPORT_RESULTS", str(tmp_path / "results"))
    with pytest.raises(FileNotFoundError, match="execute the Task 1 chapter"):
        read_best_setting("quick")
    assert read_best_setting("quick", {"setting": SETTING}) == {"setting": SETTING, "source": "recorded"}
    with pytest.raises(ConfigError, match="recorded=.* is not a valid Task 1 result"):
        read_best_setting("quick", {"setting": {**SETTING, "batch_size": 0}})
    from mlp_report.results import write_best_setting

    write_best_setting("quick", {**SETTING, "batch_size": 8})  # the results file wins where it exists
    assert read_best_setting("quick", {"setting": SETTING})["setting"]["batch_size"] == 8
    assert read_best_setting("quick", {"setting": SETTING})["source"] == "results"


def test_wheel_is_built_from_a_copy_and_cached(tmp_path):
    before = sorted((ROOT / "src").glob("*.egg-info"))  # the editable install's own (make install)
    first = downloads.build_wheel(ROOT, tmp_path / "a")
    assert first.name == downloads.wheel_name(ROOT)
    names = zipfile.ZipFile(first).namelist()
    assert "mlp_report/build/provenance.py" in names and "mlp_report/static/require-config.js" in names
    assert not (ROOT / "build").exists() and sorted((ROOT / "src").glob("*.egg-info")) == before  # the checkout stays clean
    again = downloads.build_wheel(ROOT, tmp_path / "b")  # from the cache: the same bytes
    assert again.read_bytes() == first.read_bytes()


@pytest.mark.slow
def test_built_book_offers_each_chapter_as_an_executed_notebook(quick_book):
    html = quick_book / "_build" / "html"
    for chapter in ("task0", "task1", "task2", "task3", "task4"):
        page = (html / "chapters" / f"{chapter}.html").read_text()
        assert f'href="../_downloads/notebooks/{chapter}.ipynb"' in page  # the download menu's entry
        nb = json.loads((html / "_downloads" / "notebooks" / f"{chapter}.ipynb").read_text())
        assert "remove-cell" in nb["cells"][0]["metadata"]["tags"]
        assert any(cell.get("outputs") for cell in nb["cells"] if cell["cell_type"] == "code")  # executed
        assert nb["metadata"]["mlp_report"]["profile"] == "quick"
        assert "run-elsewhere" not in page and "Running this notebook outside the book" not in page
    assert (html / "_downloads" / downloads.wheel_name(ROOT)).is_file()
    for chapter in ("task2", "task3"):
        nb = json.loads((html / "_downloads" / "notebooks" / f"{chapter}.ipynb").read_text())
        recorded = nb["metadata"]["mlp_report"]["inputs"]["task1_best.json"]["setting"]
        assert recorded == read_best_setting("quick")["setting"]
        assert any(f"task1_recorded = {{'setting': {recorded!r}}}" in "".join(c["source"]) for c in nb["cells"])


def _standalone_env(home: Path, venv: Path) -> dict[str, str]:
    # nothing of this checkout or the shared virtualenv: no PYTHONPATH, no MLP_REPORT_* settings
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CERT",
            "PIP_DEFAULT_TIMEOUT", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(PATH=f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", JUPYTER_DATA_DIR=str(home / "jupyter"),
               PIP_DISABLE_PIP_VERSION_CHECK="1", TF_CPP_MIN_LOG_LEVEL="2", MNIST_DIR=os.environ["MNIST_DIR"])
    return env


def _requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        lines = zf.read(meta).decode().splitlines()
    return sorted(line for line in lines if line.startswith("Requires-Dist:") and "extra ==" not in line)


def reader_venv(wheel: Path, env: dict[str, str]) -> Path:
    """A virtualenv outside the checkout holding what ``pip install <wheel>`` installs.

    Creating one downloads and installs TensorFlow and the rest (many minutes on a loaded 2-core
    machine), so it is kept in ``~/.cache/mlp-report/reader-venv-<key>``, keyed by the Python version and
    the wheel's requirements: it was made by a plain ``pip install <wheel>`` into an empty venv, and a
    later run with the same requirements reinstalls only the package from the new wheel
    (``--force-reinstall --no-deps``) and checks the set with ``pip check``.
    ``MLP_REPORT_FRESH_READER_VENV=1`` makes a new one every time."""
    import fcntl

    key = hashlib.sha256(json.dumps([sys.version_info[:2], _requirements(wheel)]).encode()).hexdigest()[:12]
    fresh = os.environ.get("MLP_REPORT_FRESH_READER_VENV") == "1"
    base = Path(env["HOME"]) / ".cache" / "mlp-report"
    base.mkdir(parents=True, exist_ok=True)
    venv = base / f"reader-venv-{key}"
    with (base / f"reader-venv-{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test sessions do not build one venv at once
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        if fresh or not (venv / ".complete").is_file():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            done = subprocess.run([*pip, "install", "-q", str(wheel)], env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr[-3000:]
            (venv / ".complete").write_text(key)
        else:
            done = subprocess.run([*pip, "install", "-q", "--force-reinstall", "--no-deps", str(wheel)], env=env,
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr[-3000:]
        check = subprocess.run([*pip, "check"], env=env, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout
    return venv


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_downloaded_notebooks_run_in_a_fresh_environment(quick_book, mnist_dir, tmp_path_factory):
    """A virtualenv outside the checkout with the wheel installed as the notebook's first cell says
    (``pip install <wheel>``: the package and its dependencies from the index; see :func:`reader_venv`),
    Task 0 and Task 2 copied into an empty folder and run there with papermill on the quick profile."""
    html = quick_book / "_build" / "html"
    home = tmp_path_factory.mktemp("reader")
    wheel = html / "_downloads" / downloads.wheel_name(ROOT)
    first_cell = json.loads((html / "_downloads" / "notebooks" / "task0.ipynb").read_text())["cells"][0]["source"]
    assert f"pip install {wheel.name}" in first_cell
    venv = reader_venv(wheel, {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONPATH": ""})
    env = _standalone_env(home, venv)
    assert "/src" not in subprocess.run([str(venv / "bin" / "python"), "-c", "import mlp_report; print(mlp_report.__file__)"],
                                        env=env, capture_output=True, text=True, check=True).stdout  # the wheel's copy

    folder = home / "empty"
    folder.mkdir()
    for chapter in ("task0", "task2"):
        shutil.copy(html / "_downloads" / "notebooks" / f"{chapter}.ipynb", folder)
        done = subprocess.run(
            [str(venv / "bin" / "papermill"), f"{chapter}.ipynb", f"{chapter}-run.ipynb", "-p", "profile", "quick",
             "-k", "python3", "--no-progress-bar"],
            cwd=folder, env=env, capture_output=True, text=True,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert cell_errors(folder / f"{chapter}-run.ipynb") == []
    glued = read_glue(folder / "task0-run.ipynb")
    assert {"t0_val_accuracy", "t0_params", "t0_train_size"} <= set(glued)
    glued = read_glue(folder / "task2-run.ipynb")
    recorded = read_best_setting("quick")["setting"]  # what the book's Task 1 chose
    assert glued["t2_batch_size"] == str(recorded["batch_size"])
    assert glued["t2_best_source"] == best_setting_source("recorded")  # and the chapter says where it came from
    assert (folder / ".cache" / "runs").is_dir() and not (folder / ".cache" / "results" / "quick" / "task1_best.json").exists()
    # the wheel installs papermill's start-up hook (mlp_report.pth): a bad parameter ends in its one line
    done = subprocess.run([str(venv / "bin" / "papermill"), "task0.ipynb", "bad-run.ipynb", "-p", "profile", "quick",
                           "-p", "epochs", "0", "-k", "python3"], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
    lines = (done.stdout + done.stderr).rstrip("\n").split("\n")
    assert done.returncode == 1 and len(lines) <= 15, lines
    assert lines[-1].startswith("ConfigError: epochs=0 is invalid: "), lines
