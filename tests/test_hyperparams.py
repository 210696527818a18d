"""Task 1 analysis on synthetic sweep results: trends, intervals, the best-setting rule, metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlp_report import hyperparams as hp

STUDY = hp.Study(batch_sizes=(8, 32, 128), hidden_layers=(1, 2, 4), learning_rates=(0.01, 0.1, 0.4), train_size=1000, epochs=1)


def fake_runs(acc: dict[tuple[str, float], float], seeds: int = 3, noise: float = 0.002) -> pd.DataFrame:
    rows = []
    rng = np.random.default_rng(0)
    for parameter in hp.PARAMETERS:
        for value in STUDY.grid(parameter):
            config = STUDY.config(**{parameter: value})
            for seed in range(seeds):
                a = acc.get((parameter, value), 0.9) + noise * rng.standard_normal()
                rows.append({**config.as_dict(), "seed": seed, "final_val_accuracy": a, "final_val_loss": 1 - a,
                             "fit_seconds": 1.0 + (value if parameter == "hidden_layers" else 0), "updates": config.updates_per_epoch,
                             "params": 100, "macro_f1": a, "worst_recall": a - 0.1, "worst_class": 8})
    return pd.DataFrame(rows)


def test_configs_cover_the_sweeps_and_share_the_default():
    points = STUDY.one_at_a_time()
    assert len(points) == 9 and len({c for _, c in points}) == 7
    assert all(c.predict == ("val",) and c.epochs == 1 for _, c in points)
    assert len(STUDY.heatmap()) == 9


def test_summary_trend_and_best_rule():
    acc = {("batch_size", 8): 0.95, ("batch_size", 32): 0.90, ("batch_size", 128): 0.80,
           ("learning_rate", 0.1): 0.97, ("learning_rate", 0.4): 0.93, ("learning_rate", 0.01): 0.90,
           ("hidden_layers", 1): 0.90, ("hidden_layers", 2): 0.90, ("hidden_layers", 4): 0.90}
    runs = fake_runs(acc)
    table = hp.summary_table(runs, STUDY)
    assert len(table) == 9 and (table.seeds == 3).all()
    bs = hp.trend(table, runs, "batch_size", STUDY)
    assert bs.shape == "falls" and bs.best_value == 8 and bs.separable is True
    assert hp.trend(table, runs, "learning_rate", STUDY).shape == "peaks inside the range"
    assert hp.trend(table, runs, "hidden_layers", STUDY).shape == "is flat"
    best = hp.best_setting(table)
    assert (best.parameter, best.value) == ("learning_rate", 0.1)
    assert {k: best[k] for k in hp.DEFAULTS} == {"batch_size": 32, "hidden_layers": 2, "learning_rate": 0.1}
    shown = hp.display_table(table)
    assert list(shown.columns)[:3] == ["parameter", "value", "seeds"] and "±" in shown["val. accuracy (%)"].iloc[0]


def test_ties_go_to_the_faster_setting():
    runs = fake_runs({("hidden_layers", 4): 0.99, ("hidden_layers", 1): 0.99}, seeds=1, noise=0.0)
    best = hp.best_setting(hp.summary_table(runs, STUDY))
    assert (best.parameter, best.value) == ("hidden_layers", 1)


def test_intervals_need_two_seeds():
    assert hp.intervals_apart([0.9], [0.8]) is None
    assert hp.intervals_apart([0.90, 0.91, 0.92], [0.80, 0.81, 0.82]) is True
    assert hp.intervals_apart([0.90, 0.80, 0.85], [0.84, 0.86, 0.85]) is False
    lo, hi = hp.t_interval([1.0, 2.0, 3.0])
    assert lo == pytest.approx(2 - 4.303 * 1 / np.sqrt(3), abs=1e-3) and hi == pytest.approx(4 - lo)


def test_class_metrics_from_predictions():
    y = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9] * 2)
    pred = y.copy()
    pred[y == 3] = 5  # digit 3 never recognised
    runs = pd.DataFrame({"predictions": [{"val": pred.tolist()}]})
    out = hp.add_class_metrics(runs, y)
    assert out.worst_recall.item() == 0.0 and out.worst_class.item() == 3
    assert 0.8 < out.macro_f1.item() < 0.9


def test_heatmap_best_lr_per_batch():
    runs = pd.DataFrame({"learning_rate": [0.01, 0.1, 0.01, 0.1], "batch_size": [8, 8, 128, 128],
                         "final_val_accuracy": [0.95, 0.90, 0.80, 0.92]})
    best = hp.best_lr_per_batch(hp.heatmap_table(runs))
    assert best.to_dict() == {8: 0.01, 128: 0.1}


def test_facts_the_chapter_glues():
    acc = {("batch_size", 8): 0.95, ("batch_size", 32): 0.90, ("batch_size", 128): 0.80,
           ("learning_rate", 0.1): 0.97, ("learning_rate", 0.4): 0.3, ("hidden_layers", 4): 0.85}  # fmt: skip
    runs = fake_runs(acc, noise=0.0)
    table = hp.summary_table(runs, STUDY)
    configs = [config for _, config in STUDY.one_at_a_time()]
    overview = hp.overview_facts(table, runs, configs)
    assert overview["n_settings"] == 9 and overview["n_unique"] == 7 and overview["n_runs"] == len(runs)
    assert overview["default_accuracy"] == pytest.approx(90.0)
    trend = hp.trend(table, runs, "batch_size", STUDY)
    facts = hp.trend_facts(trend)
    assert facts["best"] == 8 and facts["best_acc"] == pytest.approx(95.0) and facts["spread"] == pytest.approx(15.0)
    bs = hp.batch_size_facts(table)
    assert (bs["small"], bs["large"]) == (8, 128) and bs["updates_small"] > bs["updates_large"] and bs["updates_rho"] > 0.9
    depth = hp.depth_facts(table)
    assert (depth["min"], depth["max"]) == (1, 4)
    lr = hp.learning_rate_facts(table, runs, STUDY)
    assert lr["diverged"] == 3 and lr["runs"] == len(hp.sweep_rows(runs, "learning_rate", STUDY)) and lr["top"] == 0.4 and lr["top_acc"] == pytest.approx(30.0)
    cost = hp.cost_facts(table, epochs=1)
    assert cost["updates_per_epoch_small"] == STUDY.config(batch_size=8).updates_per_epoch
    best, apart = hp.best_facts(table, runs, STUDY)
    assert (best["best_parameter"], best["best_value"], best["best_lr"]) == ("learning rate", 0.1, 0.1)
    assert (best["runner_parameter"], best["runner_value"]) == ("batch size", 8) and apart is True
    assert hp.notable_row(table, "highest accuracy").value == 0.1
    assert hp.notable_row(table, "lowest loss").value == 0.1
    assert hp.notable_row(table, "cheapest").value == 0.1  # nothing else within half a point
    beyond = hp.beyond_accuracy_facts(table, np.array([0, 0, 1, 2]))
    assert (beyond["class_max_digit"], beyond["class_max"], beyond["class_min"]) == (0, 2, 0)
    report = hp.results_report(table)
    assert report["best"] == {"batch_size": 32, "hidden_layers": 2, "learning_rate": 0.1}
    assert report["val_accuracy_by_setting"]["learning_rate=0.4"] == pytest.approx(0.3)


def test_heatmap_facts_follow_the_best_rate_per_batch():
    heat = pd.DataFrame([[0.9, 0.8], [0.85, 0.95]], index=[0.01, 0.1], columns=[8, 128])
    facts = hp.heatmap_facts(heat)
    assert (facts["best_lr_small"], facts["best_lr_large"], facts["bs_large"]) == (0.01, 0.1, 128)
    assert facts["rho"] == pytest.approx(1.0) and (facts["peak_lr"], facts["peak_bs"]) == (0.1, 128)
    assert facts["large_default_acc"] == pytest.approx(80.0) and facts["large_best_acc"] == pytest.approx(95.0)
    flat = hp.heatmap_facts(pd.DataFrame([[0.9, 0.9], [0.8, 0.8]], index=[0.05, 0.1], columns=[8, 128]))
    assert flat["rho"] == 0.0 and flat["large_default_acc"] == pytest.approx(90.0)  # no rate 0.01: the first row
