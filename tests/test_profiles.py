"""Bad chapter parameters stop the chapter at its first cell with one clear message each.

The table runs each chapter's own parameters cell, papermill's injected cell (built by papermill's own
translator, values typed as ``papermill -p`` types them) and the chapter's ``resolve(...)`` statement,
read from its first code cell, in one namespace, as the kernel does, without the rest of the notebook.
A few real papermill runs prove that the chapter stops at that cell.
"""

from __future__ import annotations

import ast
import math
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
from papermill.cli import _resolve_type
from papermill.exceptions import PapermillExecutionError
from papermill.translators import PythonTranslator

from mlp_report.build.book import ChapterError, execute_chapter
from mlp_report.profiles import KNOBS, check_names, injected_parameters, resolve
from mlp_report.validation import ConfigError

ROOT = Path(__file__).resolve().parents[1]
INF, NAN = math.inf, math.nan


def first_cell_settings(chapter: str, parameters: dict, *, inject: bool = True):
    """What the chapter's first code cell computes for ``parameters`` injected by papermill."""
    cells = [c for c in jupytext.read(ROOT / "chapters" / f"{chapter}.md").cells if c.cell_type == "code"]
    index = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    source = cells[index + 1].source
    calls = [
        node for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "resolve"
    ]
    assert len(calls) == 1, f"{chapter}: the first code cell after the parameters must call resolve() once"
    namespace: dict = {"resolve": resolve}
    history = ["", cells[index].source]
    exec(cells[index].source, namespace)
    if inject:
        injected = PythonTranslator.codify(parameters)
        exec(injected, namespace)
        history.append(injected)
    namespace["In"] = history
    exec(compile(ast.Module([calls[0]], []), chapter, "exec"), namespace)
    return namespace["settings"]


def cli(value: str):
    """A value as ``papermill -p name value`` types it."""
    return _resolve_type(value)


# (chapter, injected parameters, expected message)
BAD = [
    ("task0", {"seed": -1}, "seed=-1 is invalid: expected an integer >= 0"),
    ("task0", {"epochs": 0}, "epochs=0 is invalid: expected an integer >= 1"),
    ("task0", {"train_size": 50_001}, "train_size=50001 is invalid: expected an integer >= 1 and <= 50000"),
    ("task0", {"epochs": cli("inf")}, "epochs=inf is invalid: expected an integer >= 1"),
    ("task0", {"train_size": cli("1e3")}, "train_size=1000.0 is invalid: expected an integer"),
    ("task0", {"seeds": 3}, "parameter 'seeds' (did you mean 'seed'?) is unknown to task0: allowed parameters are profile, train_size, epochs, seed."),
    ("task0", {"profile": "Quick"}, "profile='Quick' is invalid: expected one of 'quick', 'full'"),
    ("task0", {"foo": 3}, "parameter 'foo' is unknown to task0: allowed parameters are profile, train_size, epochs, seed."),
    ("task1", {"learning_rates": [INF]}, "learning_rates=inf is invalid: expected a finite number > 0"),
    ("task1", {"learning_rates": [0.1, NAN]}, "learning_rates=nan is invalid: expected a finite number > 0"),
    ("task1", {"learning_rates": [-INF]}, "learning_rates=-inf is invalid: expected a finite number > 0"),
    ("task1", {"learning_rates": cli("[inf]")}, "learning_rates='[inf]' is invalid: expected a non-empty list of finite numbers > 0 (with papermill, pass a list as YAML: -y 'learning_rates: [1, 2]')"),
    ("task1", {"learning_rates": cli("inf")}, "learning_rates=inf is invalid: expected a non-empty list"),
    ("task1", {"seed": cli("7")}, "parameter 'seed' (did you mean 'seeds'?) is unknown to task1: allowed parameters are profile, train_size, epochs, seeds,"),
    ("task1", {"foo": cli("3")}, "parameter 'foo' is unknown to task1: allowed parameters are profile,"),
    ("task1", {"learning_rate": [0.1]}, "parameter 'learning_rate' (did you mean 'learning_rates'?) is unknown to task1"),
    ("task1", {"batch_sizes": [0]}, "batch_sizes=0 is invalid: expected an integer >= 1"),
    ("task1", {"batch_sizes": []}, "batch_sizes=[] is invalid: expected a non-empty list of integers >= 1"),
    ("task1", {"hidden_layers": [65]}, "hidden_layers=65 is invalid: expected an integer >= 1 and <= 64"),
    ("task1", {"eval_size": 10_001}, "eval_size=10001 is invalid: expected an integer >= 1 and <= 10000"),
    ("task1", {"heatmap_seeds": 0}, "heatmap_seeds=0 is invalid: expected an integer >= 1"),
    ("task1", {"seeds": cli("2.5")}, "seeds=2.5 is invalid: expected an integer >= 1"),
    ("task2", {"remedy_weights": [1]}, "remedy_weights=[1] is invalid: expected at least one class weight > 0 other than 1"),
    ("task2", {"remedy_weights": [INF]}, "remedy_weights=inf is invalid: expected a finite number > 0"),
    ("task2", {"remedy_weights": [2, NAN]}, "remedy_weights=nan is invalid: expected a finite number > 0"),
    ("task2", {"remedy_weight": [2]}, "parameter 'remedy_weight' (did you mean 'remedy_weights'?) is unknown to task2"),
    ("task2", {"eval_size": 0}, "eval_size=0 is invalid: expected an integer >= 1 and <= 10000"),
    ("task2", {"seeds": 0}, "seeds=0 is invalid: expected an integer >= 1"),
    ("task2", {"epoch": 3, "bar": 1}, "parameters 'epoch' (did you mean 'epochs'?), 'bar' are unknown to task2"),
    ("task3", {"l2": cli("inf")}, "l2=inf is invalid: expected a finite number > 0"),
    ("task3", {"l2": cli("nan")}, "l2=nan is invalid: expected a finite number > 0"),
    ("task3", {"l2": 0}, "l2=0 is invalid: expected a number > 0"),
    ("task3", {"dropout": 1.0}, "dropout=1.0 is invalid: expected a number > 0 and < 1.0"),
    ("task3", {"dropout": cli("-inf")}, "dropout=-inf is invalid: expected a finite number > 0 and < 1.0"),
    ("task3", {"data_sizes": [60_000]}, "data_sizes=60000 is invalid: expected an integer >= 1 and <= 50000"),
    ("task3", {"patience": 0}, "patience=0 is invalid: expected an integer >= 1"),
    ("task3", {"small_unit": 8}, "parameter 'small_unit' (did you mean 'small_units'?) is unknown to task3"),
    ("task4", {"hard_noise": 51}, "hard_noise=51 is invalid: expected an integer >= 1 and <= 50"),
    ("task4", {"seeds": 101}, "seeds=101 is invalid: expected an integer >= 1 and <= 100"),
    ("task4", {"epochs": cli("-inf")}, "epochs=-inf is invalid: expected an integer >= 1 and <= 100000"),
    ("task4", {"noise": 10}, "parameter 'noise' (did you mean 'hard_noise'?) is unknown to task4"),
    ("task4", {"Profile": "quick"}, "parameter 'Profile' (did you mean 'profile'?) is unknown to task4"),
]


@pytest.mark.parametrize(("chapter", "parameters", "message"), BAD, ids=[f"{c}-{p}" for c, p, _ in BAD])
def test_bad_parameter_one_clear_message(chapter, parameters, message):
    with pytest.raises(ConfigError) as err:
        first_cell_settings(chapter, {"profile": "quick", **parameters})
    text = str(err.value)
    assert text.startswith(message) or message in text, text
    assert "\n" not in text  # one line


def test_the_table_covers_every_chapter():
    assert {c for c, _, _ in BAD} == set(KNOBS) and len(BAD) >= 30


@pytest.mark.parametrize("chapter", sorted(KNOBS))
def test_good_parameters_pass_with_and_without_injection(chapter):
    injected = first_cell_settings(chapter, {"profile": "quick"})
    assert injected.profile == "quick"
    default = first_cell_settings(chapter, {}, inject=False)  # jupyter-book build . / JupyterLab: no injection
    assert default.profile == "full"


@pytest.mark.parametrize("chapter", sorted(KNOBS))
def test_lab_profile_from_the_environment_unless_papermill_injected_one(chapter, monkeypatch):
    monkeypatch.setenv("MLP_REPORT_PROFILE", "quick")  # make lab PROFILE=quick
    assert first_cell_settings(chapter, {}, inject=False).profile == "quick"  # the cell says "full"
    monkeypatch.setenv("MLP_REPORT_PROFILE", "full")
    assert first_cell_settings(chapter, {"profile": "quick"}).profile == "quick"  # the book's injection wins
    monkeypatch.setenv("MLP_REPORT_PROFILE", "fast")
    with pytest.raises(ConfigError, match="MLP_REPORT_PROFILE='fast' is invalid: expected one of 'quick', 'full'"):
        first_cell_settings(chapter, {}, inject=False)


def test_injected_names_come_from_papermills_cell_only():
    lab = {"In": ["", "profile = 'quick'\nfoo = 1\n", "x = 2"]}  # JupyterLab: no injected cell, nothing checked
    assert injected_parameters(lab) == []
    assert injected_parameters(None) == [] and injected_parameters({}) == []
    ran = {"In": ["", PythonTranslator.codify({"seed": 1}), "y = 1", PythonTranslator.codify({"a": 1, "b": [2]})]}
    assert injected_parameters(ran) == ["a", "b"]  # the latest injection (papermill re-run in one kernel)
    check_names("task0", ["profile", "seed"])
    with pytest.raises(ConfigError, match="parameter 'sed' \\(did you mean 'seed'\\?\\)"):
        check_names("task0", ["sed"])


@pytest.mark.parametrize(
    ("chapter", "parameters", "message"),
    [
        ("task0", {"foo": 3}, "parameter 'foo' is unknown to task0"),
        ("task3", {"l2": INF}, "l2=inf is invalid: expected a finite number > 0"),
    ],
)
def test_papermill_stops_the_chapter_at_its_first_cell(chapter, parameters, message, tmp_path):
    with pytest.raises((PapermillExecutionError, ChapterError)) as err:
        execute_chapter(ROOT / "chapters" / f"{chapter}.md", tmp_path / "out.ipynb", {"profile": "quick", **parameters})
    assert message in str(err.value)
    cell = getattr(err.value, "exec_count", None)
    if cell is None:
        cell = int(re.search(r"\(code cell (\d+), line \d+\)", str(err.value)).group(1))
    assert cell <= 3  # the first cells after the parameters, before any work


def test_papermill_cli_misspelt_parameter_exits_non_zero(tmp_path):
    notebook = tmp_path / "task1.ipynb"
    jupytext_nb = jupytext.read(ROOT / "chapters" / "task1.md")
    jupytext_nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    jupytext.write(jupytext_nb, notebook)
    papermill = Path(sys.executable).with_name("papermill")
    run = subprocess.run(
        [str(papermill), str(notebook), str(tmp_path / "out.ipynb"), "-p", "profile", "quick", "-p", "seed", "7",
         "--cwd", str(ROOT / "chapters")],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode != 0
    assert "parameter 'seed' (did you mean 'seeds'?) is unknown to task1" in run.stderr + run.stdout
