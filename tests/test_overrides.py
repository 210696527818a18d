"""Overrides that omit a default, relative and blank path variables, --only on a fresh stage, equal settings."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from mlp_report import hyperparams as hp
from mlp_report.build.book import stage_book
from mlp_report.data import MnistDataError, mnist_source
from mlp_report.narrative import hyperparams as story
from mlp_report.notebook import read_glue
from mlp_report.paths import absolutize_path_variables
from mlp_report.sweeps import RunConfig, cache_key

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("values, expected", [([8, 32, 128], 32), ([8], 8), ([16, 64], 16), ([64, 128], 64), ([1, 2], 2)])
def test_the_reference_row_is_the_nearest_batch_size(values, expected):
    assert hp.default_batch_size(values) == expected
    table = pd.DataFrame({"parameter": ["batch_size"] * len(values) + ["learning_rate"], "value": [*values, 0.01],
                          "val_accuracy": [0.1 * i for i in range(len(values))] + [0.5]})
    assert hp.default_row(table).value == expected


def test_the_text_says_when_the_reference_is_not_the_default():
    assert story.defaults_phrase(32) == "At the defaults"
    assert story.defaults_phrase(8) == (
        "At batch size 8, the nearest tried to the default 32 (not in this sweep), with the other knobs at their defaults,"
    )


def test_eval_size_covering_every_image_is_the_same_setting():
    assert RunConfig(eval_size=10**9) == RunConfig(eval_size=10_000) == RunConfig()
    assert cache_key(RunConfig(eval_size=10**9), 0, "x") == cache_key(RunConfig(), 0, "x")
    assert RunConfig(eval_size=9_999).eval_size == 9_999
    train = RunConfig(train_size=500, eval_sets=("train",), eval_size=500)
    assert train.eval_size is None and RunConfig(train_size=500, eval_sets=("train", "val"), eval_size=500).eval_size == 500


@pytest.mark.parametrize("value", [" ", "\t", "   "])
def test_blank_mnist_dir_is_set_but_blank(monkeypatch, value):
    monkeypatch.setenv("MNIST_DIR", value)
    with pytest.raises(MnistDataError, match=r"MNIST_DIR='[^']+' is set but blank: set it to the folder"):
        mnist_source()
    monkeypatch.setenv("MNIST_DIR", "")
    assert mnist_source() == "keras-download"


def test_relative_paths_resolve_against_the_typed_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_DIR", "../shared/mnist")
    monkeypatch.setenv("MLP_REPORT_CACHE", "cache")
    monkeypatch.setenv("MLP_REPORT_RESULTS", str(tmp_path / "abs"))
    monkeypatch.setenv("MLP_REPORT_STAGE", " ")
    changed = absolutize_path_variables(tmp_path / "here")
    assert os.environ["MNIST_DIR"] == str(tmp_path / "here" / "../shared/mnist")
    assert os.environ["MLP_REPORT_CACHE"] == str(tmp_path / "here" / "cache")
    assert os.environ["MLP_REPORT_RESULTS"] == str(tmp_path / "abs") and os.environ["MLP_REPORT_STAGE"] == " "
    assert set(changed) == {"MNIST_DIR", "MLP_REPORT_CACHE"}


CHAPTER = """---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {name}

```{{code-cell}} ipython3
:tags: [parameters]

profile = "full"
```

```{{code-cell}} ipython3
import os
print("ran {name}", os.environ["MNIST_DIR"])
```
"""


@pytest.mark.slow
def test_only_on_a_fresh_stage_runs_what_comes_first(tmp_path, monkeypatch):
    root = tmp_path / "checkout"
    (root / "chapters").mkdir(parents=True)
    for name in ("a", "b", "c"):
        (root / "chapters" / f"{name}.md").write_text(CHAPTER.format(name=name))
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n" + "".join(f"  - file: chapters/{n}\n" for n in "abc"))
    monkeypatch.setenv("MNIST_DIR", "mnist")  # relative: from the folder the command runs in, not chapters/
    monkeypatch.chdir(tmp_path)
    absolutize_path_variables()
    said = []
    done = stage_book(root, tmp_path / "stage", "quick", only=["b"], log=said.append)
    assert [p.stem for p in done] == ["a", "b"]  # c is after b: left alone; a is needed first
    assert said[0] == "executing chapters/a first: it was never executed, and the chapters asked for come after it"
    assert str(tmp_path / "mnist") in (tmp_path / "stage" / "chapters" / "a.ipynb").read_text()
    assert stage_book(root, tmp_path / "stage", "quick", only=["a"], log=said.append) == []
    with pytest.raises(ValueError, match="--only d is invalid: the chapters are a, b, c"):
        stage_book(root, tmp_path / "stage", "quick", only=["d"])


@pytest.mark.slow
def test_task1_without_the_default_batch_size(tmp_path, mnist_dir, monkeypatch):
    from mlp_report.build.book import execute_chapter

    # its own results folder: the session's holds the quick book's Task 1 result, which other tests read
    monkeypatch.setenv("MLP_REPORT_RESULTS", str(tmp_path / "results"))
    out = execute_chapter(ROOT / "chapters" / "task1.md", tmp_path / "task1.ipynb", {
        "profile": "quick", "batch_sizes": [8], "hidden_layers": [1], "learning_rates": [0.1], "epochs": 2,
        "train_size": 500, "eval_size": 500,
    }, cwd=ROOT / "chapters")
    glue = read_glue(out)
    assert glue["t1_defaults_phrase"].startswith("At batch size 8, the nearest tried to the default 32")
    assert glue["t1_epochs"] == "2" and glue["t1_diverged_rule"].startswith("a run diverged when its training loss became non-finite")
    source = (ROOT / "chapters" / "task1.md").read_text()
    assert "3 epochs" not in source and "for {glue:text}`t1_epochs:,d` epochs" in source
