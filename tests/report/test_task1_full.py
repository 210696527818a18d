"""Task 1 on the full profile: every point has 5 seeds, the numbers are sane, and the evidence behind the
summaries (single seeds, the paired best-vs-runner-up comparison, the scaling slope) is the runs' own."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from mlp_report import hyperparams as hp
from mlp_report.notebook import cell_errors, read_glue, read_notebook
from mlp_report.paths import cache_dir
from mlp_report.profiles import resolve


@pytest.fixture(scope="module")
def glue(executed_chapter) -> dict[str, str]:
    notebook = executed_chapter("task1")
    assert cell_errors(notebook) == []
    return read_glue(notebook)


@pytest.fixture(scope="module")
def report(full_results: Path) -> dict:
    return json.loads((full_results / "task1.json").read_text())


@pytest.fixture(scope="module")
def markdown(executed_chapter) -> str:
    cells = read_notebook(executed_chapter("task1"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_task1_full(glue, report, full_results):
    assert report["settings"] == 19 and report["seeds_per_point"] == [5] * 19
    assert report["default_val_accuracy"] > 0.85  # 3 epochs at lr 0.01 batch 32: ~90 %, chance is 10 %
    assert report["best_val_accuracy"] >= report["default_val_accuracy"]
    assert 0.95 < report["best_val_accuracy"] < 1.0
    best = json.loads((full_results / "task1_best.json").read_text())
    assert best["setting"] == report["best"]
    # the highest mean, or the runner-up where the two are tied and the runner-up trains faster
    assert best["highest_mean"] != best["setting"] if best["tie_break"] else best["highest_mean"] == best["setting"]
    key = next(k for k, v in report["val_accuracy_by_setting"].items() if v == max(report["val_accuracy_by_setting"].values()))
    parameter, value = key.split("=")
    assert best["highest_mean"][parameter] == pytest.approx(float(value))
    for key in ("t1_fig_heat", "t1_table", "t1_best_acc", "t1_orig_mean", "t1_bs_seeds", "t1_hl_seeds", "t1_lr_seeds"):
        assert key in glue


def test_the_figures_single_seeds_are_the_cached_runs(report, full_stage):
    """Every seed the sweep figures draw is the final validation accuracy and loss of that cached run."""
    from mlp_report.data import load_mnist
    from mlp_report.sweeps import ResultCache, cache_key

    settings = resolve("task1", "full")
    study = hp.Study(batch_sizes=settings.batch_sizes, hidden_layers=settings.hidden_layers,
                     learning_rates=settings.learning_rates, train_size=settings.train_size, epochs=settings.epochs,
                     eval_size=settings.eval_size)
    beside = full_stage.parent.parent / "runs"
    cache = ResultCache(beside if beside.is_dir() else cache_dir())
    checksum = load_mnist().checksum
    figures = report["figure_seeds"]
    assert set(figures) == set(hp.PARAMETERS)
    checked = 0
    for parameter, points in figures.items():
        assert {p["value"] for p in points} == {float(v) for v in study.grid(parameter)}
        for point in points:
            value = point["value"] if parameter == "learning_rate" else int(point["value"])
            run = cache.load(cache_key(study.config(**{parameter: value}), point["seed"], checksum))
            assert run is not None, f"no cached run for {parameter}={point['value']} seed {point['seed']}"
            history = run["history"]
            assert point["accuracy"] == history["val_accuracy"][-1] and point["loss"] == history["val_loss"][-1]
            assert report["seed_accuracies"][f"{parameter}={point['value']:g}"][str(point["seed"])] == point["accuracy"]
            checked += 1
    assert checked >= 19 * 5 - 5  # every seed of every setting (diverged runs are not drawn)


def test_best_vs_runner_up_is_a_paired_difference_used_in_the_sentence(glue, report):
    shown = {k: float(glue[f"t1_pair_{k}"]) for k in ("diff", "low", "high", "seeds")}
    assert shown["seeds"] == 5
    # recomputed from every seed's accuracy of the two settings
    by_setting = report["val_accuracy_by_setting"]
    parameter_of = {label: parameter for parameter, label in hp.LABELS.items()}
    top = f"{parameter_of[glue['t1_top_parameter']]}={float(glue['t1_top_value']):g}"
    runner = f"{parameter_of[glue['t1_runner_parameter']]}={float(glue['t1_runner_value']):g}"
    assert by_setting[top] == max(by_setting.values())
    seeds = report["seed_accuracies"]
    paired = hp.paired_difference({int(s): a for s, a in seeds[top].items()}, {int(s): a for s, a in seeds[runner].items()})
    assert (100 * paired.mean, 100 * paired.low, 100 * paired.high) == pytest.approx((shown["diff"], shown["low"], shown["high"]))
    sentence = glue["t1_best_choice"]
    for key in ("diff", "low", "high"):
        assert f"{shown[key]:.2f}" in sentence, (key, sentence)
    tied = shown["low"] <= 0 <= shown["high"]
    assert ("are tied" in sentence) == tied and glue["t1_pair_tied"] == str(tied)
    if tied:
        assert "tie-break (training time)" in sentence


def test_scaling_slope_and_its_interval_are_glued_and_shown(glue, markdown):
    slope, low, high = (float(glue[f"t1_heat_slope{k}"]) for k in ("", "_low", "_high"))
    assert all(math.isfinite(v) for v in (slope, low, high)) and low < slope < high
    assert int(glue["t1_heat_slope_points"]) == 8
    for key in ("t1_heat_slope", "t1_heat_slope_low", "t1_heat_slope_high"):
        assert re.search(r"\{glue:text\}`" + key + r":", markdown), key
    verdict = glue["t1_heat_slope_verdict"]
    assert verdict.startswith(("the interval", "the whole interval"))
    assert "{cite:p}`goyal2017accurate`" in markdown and "hoffer2017train" in markdown
