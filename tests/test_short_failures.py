"""A bad chapter parameter ends the run short, its cause on the last line: through ``papermill`` as typed.

Every case is a run of the papermill command line on the chapter (converted with Jupytext, as the README
says), with the profile ``quick`` and the bad value, and the whole output (stdout and stderr, papermill's
banner, progress bar and the kernel's stderr included) is what is checked: at most 15 lines, the message
naming the parameter, the value and what is allowed on the last. Starting papermill costs about 2 s of
imports, so the cases run through ``tests/papermill_cli.py``: papermill's CLI imported once, each command
line run in a forked child with the installed start-up hook, as the typed command runs it; two cases also
run as typed commands (subprocesses) and must print the same. One case runs end to end through ``python -m
mlp_report.build.book`` as a user types it.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
import yaml

from mlp_report.build.book import failure_message

ROOT = Path(__file__).resolve().parents[1]
PAPERMILL = Path(sys.executable).with_name("papermill")
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


def _command(chapter: str, parameters: dict, folder: Path, output: Path) -> list[str]:
    """papermill's arguments as a user types them: ``-p profile quick -y 'name: value'``."""
    args = [str(folder / f"{chapter}.ipynb"), str(output), *([] if "profile" in parameters else ["-p", "profile", "quick"])]
    for name, value in parameters.items():
        args += ["-y", yaml.safe_dump({name: value}, default_flow_style=True).strip()]
    return args


def _lines(text: str) -> list[str]:
    """The output as a terminal shows it: one line per newline (the progress bar redraws its line)."""
    return text.rstrip("\n").split("\n")


def _printed(text: str) -> list[str]:
    """The lines printed, in order, without the progress bar's redraws (they carry timings) and blank lines.
    (The kernel's racy shutdown records are dropped in the kernel itself, by ``mlp_report.quiet``.)"""
    return [line.strip() for line in re.sub(r"Executing:[^\r\n\[]*\[[^\]]*\]", "", text).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every case through papermill's command line; ``{case id: (exit status, output, output notebook)}``."""
    folder = tmp_path_factory.mktemp("papermill")
    for source in sorted((ROOT / "chapters").glob("task*.md")):
        jupytext.write(jupytext.read(source), folder / f"{source.stem}.ipynb")
    plan = []
    for i, (chapter, parameters, _) in enumerate(CASES):
        case = folder / f"case{i}"
        case.mkdir()
        plan.append({"args": _command(chapter, parameters, folder, case / f"{chapter}-run.ipynb"), "cwd": str(ROOT),
                     "output": str(case / "output.txt")})
    (folder / "runs.json").write_text(json.dumps(plan))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "papermill_cli.py"), str(PAPERMILL), str(folder / "runs.json")],
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0 and not done.stdout and not done.stderr, done.stdout + done.stderr
    results = json.loads((folder / "runs.json").read_text())
    return {i: (r["status"], Path(r["output"]).read_text(), Path(r["args"][1]), r["args"]) for i, r in enumerate(results)}


@pytest.mark.slow
@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{c}-{p}" for c, p, _ in CASES])
def test_bad_parameter_ends_papermill_short_with_the_message_last(runs, case):
    chapter, parameters, quoted = CASES[case]
    status, output, executed, _ = runs[case]
    lines = _lines(output)
    assert status == 1, output
    assert len(lines) <= 15, output
    assert quoted in lines[-1] and ("is invalid" in lines[-1] or "unknown to" in lines[-1]), output
    assert lines[-1].startswith("ConfigError: ") and len(lines[-1]) < 420, lines[-1]
    assert "Traceback" not in output and "oneDNN" not in output and "cuda" not in output.lower(), output  # quiet
    # the book's own message for the same failure names the chapter's code cell as its writer counts it
    notebook = json.loads(executed.read_text())
    error = next(o for c in notebook["cells"] for o in c.get("outputs", []) if o["output_type"] == "error")
    count = next(c["execution_count"] for c in notebook["cells"] if error in c.get("outputs", []))
    source = ROOT / "chapters" / f"{chapter}.md"
    message = failure_message(source, executed, count, error["ename"], error["evalue"])
    fence = [i for i, line in enumerate(source.read_text().splitlines(), 1) if line.startswith("```{code-cell}")][1]
    assert message.startswith(f"{chapter}.md failed to execute (code cell 2, line {fence}): ConfigError: "), message


@pytest.mark.slow
@pytest.mark.parametrize("case", [16])  # task1's batch_sizes=[0]
@pytest.mark.parametrize("command", [[str(PAPERMILL)], [sys.executable, "-m", "papermill"]], ids=["papermill", "python-m"])
def test_the_typed_command_prints_the_same(runs, case, command, tmp_path):
    _, output, executed, args = runs[case]
    typed = subprocess.run([*command, args[0], str(tmp_path / executed.name), *args[2:]], cwd=ROOT,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    assert typed.returncode == 1
    text = (typed.stdout + typed.stderr).replace(str(tmp_path / executed.name), str(executed))
    assert _printed(text) == _printed(output), text


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
    assert lines[-1].startswith("error: task0.md failed to execute (code cell 4, line 51): MnistDataError: MNIST folder "
                                f"{tmp_path / 'missing'} ")


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("_toc.yml", "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/missing\n",
         "_toc.yml, line 4: 'chapters/missing' names no file ("),
        ("_toc.yml", "format: jb-book\nroot: intro\nchapters:\n  - file: [chapters/a\n", "_toc.yml, line 5: not valid YAML ("),
        ("_toc.yml", "format: jb-book\nchapters:\n  - file: intro\n", "_toc.yml: no `root:` entry"),
        ("_config.yml", "title: t\nexecute:\n  execute_notebooks: 'off\n", "_config.yml, line 3: not valid YAML (while scanning a quoted"),
        ("_config.yml", "title: t\nonly_build_toc_files: yes please\n",
         "_config.yml, line 2: `only_build_toc_files`: expected true or false, got 'yes please': fix that value."),
        ("_config.yml", "title: t\nexecute:\n  execute_notebooks: sometimes\n",
         "_config.yml, line 3: `execute.execute_notebooks`: expected one of 'auto', 'cache', 'force', 'inline', 'off', False, got 'sometimes'"),
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
