"""A bad chapter parameter ends the run short, its cause on the last line.

The cheap part runs every case in one shared kernel, started as the book starts its kernels (same
arguments, its stderr kept): for each case it executes what papermill would, the chapter's parameters cell,
the injected parameters and the chapter's next cell (which validates them), and builds the book's message
with the book's own function. What the user would see is that message plus the kernel's stderr; the cell's
own traceback (what ``papermill`` on the command line prints under its banner) is one line. One case runs
end to end through ``python -m mlp_report.build.book`` as a user types it.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from mlp_report.build.book import failure_message

ROOT = Path(__file__).resolve().parents[1]
INF = math.inf

CASES = [
    ("task0", {"epochs": 0}, "epochs=0"), ("task0", {"epochs": -1}, "epochs=-1"), ("task0", {"epochs": "3"}, "epochs='3'"),
    ("task0", {"epochs": 2.5}, "epochs=2.5"), ("task0", {"epochs": True}, "epochs=True"),
    ("task0", {"train_size": 0}, "train_size=0"), ("task0", {"train_size": 50_001}, "train_size=50001"),
    ("task0", {"seed": -1}, "seed=-1"), ("task0", {"seed": "a"}, "seed='a'"), ("task0", {"foo": 3}, "'foo'"),
    ("task0", {"sed": 1}, "'sed' (did you mean 'seed'?)"), ("task0", {"profile": "medium"}, "profile='medium'"),
    ("task0", {"profile": 3}, "profile=3"),
    ("task1", {"seeds": 0}, "seeds=0"), ("task1", {"batch_sizes": "[8]"}, "batch_sizes='[8]'"),
    ("task1", {"batch_sizes": []}, "batch_sizes=[]"), ("task1", {"batch_sizes": [0]}, "batch_sizes=0"),
    ("task1", {"hidden_layers": [65]}, "hidden_layers=65"), ("task1", {"learning_rates": [0]}, "learning_rates=0"),
    ("task1", {"learning_rates": [INF]}, "learning_rates=inf"), ("task1", {"learning_rates": [-1]}, "learning_rates=-1"),
    ("task1", {"heatmap_seeds": 0}, "heatmap_seeds=0"), ("task1", {"eval_size": 0}, "eval_size=0"),
    ("task1", {"eval_size": 10_001}, "eval_size=10001"), ("task1", {"seed": 7}, "'seed' (did you mean 'seeds'?)"),
    ("task1", {"epochs": 0}, "epochs=0"),
    ("task2", {"remedy_weights": [1]}, "remedy_weights=[1]"), ("task2", {"remedy_weights": []}, "remedy_weights=[]"),
    ("task2", {"remedy_weights": [0]}, "remedy_weights=0"), ("task2", {"eval_size": -1}, "eval_size=-1"),
    ("task2", {"seeds": "5"}, "seeds='5'"), ("task2", {"train_size": 0}, "train_size=0"),
    ("task3", {"l2": 0}, "l2=0"), ("task3", {"l2": INF}, "l2=inf"), ("task3", {"dropout": 1}, "dropout=1"),
    ("task3", {"dropout": -0.1}, "dropout=-0.1"), ("task3", {"data_sizes": [0]}, "data_sizes=0"),
    ("task3", {"data_sizes": [60_000]}, "data_sizes=60000"), ("task3", {"small_units": 0}, "small_units=0"),
    ("task3", {"patience": 0}, "patience=0"), ("task3", {"epochs": 0}, "epochs=0"),
    ("task4", {"seeds": 0}, "seeds=0"), ("task4", {"seeds": 101}, "seeds=101"), ("task4", {"epochs": 0}, "epochs=0"),
    ("task4", {"hard_noise": 0}, "hard_noise=0"), ("task4", {"hard_noise": 51}, "hard_noise=51"),
    ("task4", {"epochs": 100_001}, "epochs=100001"),
]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One kernel for every case, started in chapters/ with the book's kernel arguments; its stderr kept."""
    from jupyter_client.manager import start_new_kernel

    log = tmp_path_factory.mktemp("kernel") / "stderr.log"
    with open(log, "w") as err:
        km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "chapters"), stderr=err,
                                  extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                  env={**os.environ, "MLP_REPORT_BATCH": "1", "MLP_REPORT_ROOT": str(ROOT)})
    try:
        yield kc, log
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _run(kc, code: str) -> dict:
    """Execute ``code``; returns the reply's content (status, ename, evalue, traceback)."""
    reply = kc.execute_interactive(code, timeout=300, output_hook=lambda msg: None)
    return reply["content"]


@pytest.mark.slow
@pytest.mark.parametrize("chapter, parameters, quoted", CASES, ids=[f"{c}-{p}" for c, p, _ in CASES])
def test_bad_parameter_ends_short_with_the_message_last(kernel, tmp_path, chapter, parameters, quoted):
    from papermill.translators import translate_parameters

    kc, log = kernel
    seen = log.stat().st_size
    source = ROOT / "chapters" / f"{chapter}.md"
    notebook = jupytext.read(source)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    injected = translate_parameters("python", "python", {"profile": "quick", **parameters}, "Parameters")
    assert _run(kc, code[0].source)["status"] == "ok"
    assert _run(kc, injected)["status"] == "ok"
    reply = _run(kc, code[1].source)  # the chapter's first cell after its parameters: it validates them
    assert reply["status"] == "error", f"{parameters} was accepted"
    assert reply["traceback"] == [f"{reply['ename']}: {reply['evalue']}"]  # the cell's own traceback: one line
    # the book's message, from an executed notebook laid out as papermill writes it
    cell = nbformat.v4.new_code_cell(injected, metadata={"tags": ["injected-parameters"]})
    notebook.cells.insert(notebook.cells.index(code[0]) + 1, cell)
    code[1].execution_count = reply["execution_count"]
    nbformat.write(notebook, tmp_path / "executed.ipynb")
    message = "error: " + failure_message(source, tmp_path / "executed.ipynb", reply["execution_count"], reply["ename"], reply["evalue"])
    stderr = log.read_text()[seen:].splitlines() if log.stat().st_size > seen else []
    lines = [*stderr, message]
    assert len(lines) <= 15 and "\n" not in message, lines
    assert stderr == [], stderr  # quiet: no TensorFlow start-up lines, no kernel warnings
    assert quoted in lines[-1] and ("is invalid" in lines[-1] or "unknown to" in lines[-1])
    assert len(reply["evalue"]) < 400
    fence = [i for i, line in enumerate(source.read_text().splitlines(), 1) if line.startswith("```{code-cell}")][1]
    assert f"({chapter}.md failed to execute (code cell 2, line {fence}): " in f"({message.removeprefix('error: ')}"


@pytest.mark.slow
def test_a_book_run_with_bad_data_ends_in_one_line(tmp_path):
    root = tmp_path / "checkout"
    (root / "chapters").mkdir(parents=True)
    for name in ("_toc.yml", "_config.yml", "intro.md", "references.md", "references.bib", "provenance.md"):
        (root / name).write_bytes((ROOT / name).read_bytes())  # every page _toc.yml names must exist
    for chapter in (ROOT / "chapters").glob("*.md"):  # the book's files must all exist; task0 fails first
        (root / "chapters" / chapter.name).write_bytes(chapter.read_bytes())
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"), "MLP_REPORT_ROOT": str(root),
           "MLP_REPORT_CACHE": str(tmp_path / "c"), "MLP_REPORT_RESULTS": str(tmp_path / "r"), "MNIST_DIR": "missing"}
    done = subprocess.run([sys.executable, "-m", "mlp_report.build.book", "--profile", "quick", "--only", "task0",
                           "--no-build"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 1 and len(lines) <= 15, lines
    # the relative MNIST_DIR is named as the user typed it, resolved from where the command ran
    assert lines[-1].startswith("error: task0.md failed to execute (code cell 3, line 45): MnistDataError: MNIST folder "
                                f"{tmp_path / 'missing'} ")


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("_toc.yml", "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/missing\n",
         "_toc.yml, line 4: 'chapters/missing' names no file ("),
        ("_toc.yml", "format: jb-book\nroot: intro\nchapters:\n  - file: [chapters/a\n", "_toc.yml, line 5: not valid YAML ("),
        ("_toc.yml", "format: jb-book\nchapters:\n  - file: intro\n", "_toc.yml: no `root:` entry"),
        ("_config.yml", "title: t\nexecute:\n  execute_notebooks: 'off\n", "_config.yml, line 4: not valid YAML ("),
        ("_config.yml", "title: t\n  author: x\n", "_config.yml, line 2: not valid YAML (mapping values are not allowed here)"),
        ("_config.yml", "- just a list\n", "_config.yml, line 1: expected a YAML mapping"),
    ],
)
def test_bad_book_files_name_the_file_and_line(tmp_path, name, text, expected):
    root = tmp_path / "checkout"
    (root / "chapters").mkdir(parents=True)
    (root / "intro.md").write_text("# Intro\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (root / "_config.yml").write_text("title: t\n")
    (root / name).write_text(text)
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"), "MLP_REPORT_ROOT": str(root)}
    done = subprocess.run([sys.executable, "-m", "mlp_report.build.book", "--profile", "quick", "--no-build"],
                          env=env, capture_output=True, text=True, timeout=120)
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1, lines
    assert lines[0].startswith(f"error: {root / expected.split(',')[0].split(':')[0]}") and expected in lines[0], lines[0]


def test_missing_node_modules_is_said_first_in_one_line(tmp_path):
    root = tmp_path / "checkout"
    (root / "chapters").mkdir(parents=True)
    (root / "intro.md").write_text("# Intro\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (root / "_config.yml").write_text("title: t\n")
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"), "MLP_REPORT_ROOT": str(root)}
    done = subprocess.run([sys.executable, "-m", "mlp_report.build.book", "--profile", "quick"],
                          env=env, capture_output=True, text=True, timeout=120)
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1, lines
    assert lines[0].startswith("error: Widget JavaScript missing: requirejs/require.js") and "Run `npm ci`" in lines[0]
