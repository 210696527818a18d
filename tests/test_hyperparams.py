"""Task 1 analysis on synthetic sweep results: trends, intervals, the best-setting rule, metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlp_report import hyperparams as hp
from mlp_report.validation import ConfigError

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
    accuracy, beyond = hp.display_table(table, "accuracy"), hp.display_table(table, "beyond")
    assert list(accuracy.columns) == ["parameter", "value", *hp.TABLE_PARTS["accuracy"]]
    assert list(beyond.columns) == ["parameter", "value", *hp.TABLE_PARTS["beyond"]]
    assert set(accuracy.columns) | set(beyond.columns) == set(shown.columns)
    row = table.iloc[0]
    assert accuracy["range (%)"].iloc[0] == f"{100 * row.val_accuracy_min:.2f}–{100 * row.val_accuracy_max:.2f}"
    with pytest.raises(ConfigError, match="part='both' is invalid"):
        hp.display_table(table, "both")


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
    best, choice = hp.best_facts(table)
    assert (best["best_parameter"], best["best_value"], best["best_lr"]) == ("learning rate", 0.1, 0.1)
    assert (best["runner_parameter"], best["runner_value"]) == ("batch size", 8)
    assert best["pair_diff"] == pytest.approx(2.0) and best["pair_seeds"] == 3  # every seed 2 points ahead
    assert best["pair_tied"] is False and best["by_time"] is False and choice.chosen is choice.top
    assert hp.notable_row(table, "highest accuracy").value == 0.1
    assert hp.notable_row(table, "lowest loss").value == 0.1
    assert hp.notable_row(table, "cheapest").value == 0.1  # nothing else within half a point
    beyond = hp.beyond_accuracy_facts(table, np.array([0, 0, 1, 2]))
    assert (beyond["class_max_digit"], beyond["class_max"], beyond["class_min"]) == (0, 2, 0)
    report = hp.results_report(table)
    assert report["best"] == {"batch_size": 32, "hidden_layers": 2, "learning_rate": 0.1}
    assert report["seed_accuracies"]["learning_rate=0.1"] == {"0": pytest.approx(0.97), "1": pytest.approx(0.97), "2": pytest.approx(0.97)}
    assert report["val_accuracy_by_setting"]["learning_rate=0.4"] == pytest.approx(0.3)


def test_heatmap_facts_follow_the_best_rate_per_batch():
    heat = pd.DataFrame([[0.9, 0.8], [0.85, 0.95]], index=[0.01, 0.1], columns=[8, 128])
    facts = hp.heatmap_facts(heat)
    assert (facts["best_lr_small"], facts["best_lr_large"], facts["bs_large"]) == (0.01, 0.1, 128)
    assert facts["rho"] == pytest.approx(1.0) and (facts["peak_lr"], facts["peak_bs"]) == (0.1, 128)
    assert facts["large_default_acc"] == pytest.approx(80.0) and facts["large_best_acc"] == pytest.approx(95.0)
    flat = hp.heatmap_facts(pd.DataFrame([[0.9, 0.9], [0.8, 0.8]], index=[0.05, 0.1], columns=[8, 128]))
    assert flat["rho"] == 0.0 and flat["large_default_acc"] == pytest.approx(90.0)  # no rate 0.01: the first row


def seeded_runs(per_seed: dict[tuple[str, float], list[float]], seconds: dict[tuple[str, float], float] | None = None):
    """Runs of ``STUDY`` with the given accuracy of every seed (others at 0.9 for every seed)."""
    runs = fake_runs({}, seeds=len(next(iter(per_seed.values()))), noise=0.0)
    runs = runs.drop_duplicates([*hp.PARAMETERS, "seed"], ignore_index=True)  # the default: one run per seed
    for (parameter, value), accuracies in per_seed.items():
        rows = hp.sweep_rows(runs, parameter, STUDY)
        rows = rows[rows["value"] == value].index
        for index, accuracy in zip(rows, accuracies, strict=True):
            runs.loc[index, ["final_val_accuracy", "macro_f1"]] = accuracy
            runs.loc[index, "final_val_loss"] = 1 - accuracy
    for (parameter, value), time in (seconds or {}).items():
        rows = hp.sweep_rows(runs, parameter, STUDY)
        runs.loc[rows[rows["value"] == value].index, "fit_seconds"] = time
    return runs


def test_paired_difference_over_the_shared_seeds():
    paired = hp.paired_difference({0: 0.95, 1: 0.96, 2: 0.97, 3: np.nan}, {0: 0.94, 1: 0.96, 2: 0.95, 4: 0.9})
    assert paired.seeds == 3 and paired.mean == pytest.approx(0.01)
    low, high = hp.t_interval([0.01, 0.0, 0.02])
    assert (paired.low, paired.high) == (pytest.approx(low), pytest.approx(high)) and paired.tied is True
    assert hp.paired_difference({0: 0.95, 1: 0.96}, {0: 0.94, 1: 0.95}).tied is False  # 1 point on both seeds
    assert hp.paired_difference({0: 0.95}, {0: 0.94}).tied is None  # one seed: no interval
    assert hp.paired_difference({0: 0.95}, {1: 0.94}).seeds == 0


def test_a_tied_runner_up_that_trains_faster_is_chosen():
    runs = seeded_runs({("batch_size", 8): [0.96, 0.95, 0.97, 0.95], ("learning_rate", 0.1): [0.95, 0.96, 0.95, 0.96]},
                       seconds={("batch_size", 8): 5.0})
    choice = hp.choose(hp.summary_table(runs, STUDY))
    assert (choice.top.parameter, choice.top.value) == ("batch_size", 8)
    assert (choice.runner.parameter, choice.runner.value) == ("learning_rate", 0.1)
    assert choice.paired.tied is True and choice.by_time is True
    assert hp.chosen_setting(choice.chosen) == {"batch_size": 32, "hidden_layers": 2, "learning_rate": 0.1}
    assert hp.best_setting(hp.summary_table(runs, STUDY)).value == 0.1


def test_a_tied_runner_up_that_trains_slower_leaves_the_highest_mean():
    runs = seeded_runs({("batch_size", 8): [0.96, 0.95, 0.97, 0.95], ("learning_rate", 0.1): [0.95, 0.96, 0.95, 0.96]},
                       seconds={("learning_rate", 0.1): 5.0})
    choice = hp.choose(hp.summary_table(runs, STUDY))
    assert choice.paired.tied is True and choice.by_time is False and choice.chosen is choice.top


def test_the_default_is_never_its_own_runner_up():
    runs = seeded_runs({("batch_size", 32): [0.99, 0.98, 0.99]})  # the default row is in each of the 3 sweeps
    choice = hp.choose(hp.summary_table(runs, STUDY))
    assert hp.chosen_setting(choice.top) == hp.DEFAULTS
    assert hp.chosen_setting(choice.runner) != hp.DEFAULTS


def test_one_seed_outlier_pulls_the_mean_but_not_the_median():
    # depth: 4 layers has the best median; one seed at 4 layers fails, so the means peak at 2 instead
    runs = seeded_runs({("hidden_layers", 1): [0.90, 0.91, 0.90, 0.91, 0.90],
                        ("hidden_layers", 2): [0.93, 0.93, 0.94, 0.93, 0.93],
                        ("hidden_layers", 4): [0.95, 0.95, 0.96, 0.95, 0.80]})
    table = hp.summary_table(runs, STUDY)
    rows = table[table.parameter == "hidden_layers"].set_index("value")
    assert rows.loc[4, "val_accuracy_median"] == pytest.approx(0.95)
    assert (rows.loc[4, "val_accuracy_min"], rows.loc[4, "val_accuracy_max"]) == (pytest.approx(0.80), pytest.approx(0.96))
    assert rows.loc[4, "val_accuracy_ci"] == pytest.approx(np.diff(hp.t_interval([0.95, 0.95, 0.96, 0.95, 0.80]))[0] / 2)
    found = hp.trend(table, runs, "hidden_layers", STUDY)
    assert (found.shape, found.best_value) == ("peaks inside the range", 2)
    assert (found.median_shape, found.median_best_value) == ("rises", 4)
    outliers = hp.seed_outliers(hp.sweep_rows(runs, "hidden_layers", STUDY))
    assert outliers == [hp.Outlier(4.0, 4, pytest.approx(0.80), pytest.approx(0.95))]
    assert hp.widest_seeds(table, "hidden_layers") == (4.0, pytest.approx(0.80), pytest.approx(0.96))
    assert hp.mean_median_gaps(table, "hidden_layers") == []  # 2.2 points apart, but the interval is wider


def test_the_outlier_rule_needs_a_point_and_three_seeds():
    close = seeded_runs({("hidden_layers", 4): [0.950, 0.950, 0.951, 0.950, 0.945]})  # far in MADs, under 1 point
    assert hp.seed_outliers(hp.sweep_rows(close, "hidden_layers", STUDY)) == []
    two = seeded_runs({("hidden_layers", 4): [0.95, 0.50]})
    assert hp.seed_outliers(hp.sweep_rows(two, "hidden_layers", STUDY)) == []


def test_a_mean_far_from_its_median():
    # |mean - median| never exceeds the standard deviation, so with 5 seeds (t = 2.78) the rule cannot fire;
    # with 11 seeds, six at 95 % and five at 60 % it does
    runs = seeded_runs({("learning_rate", 0.4): [0.95] * 6 + [0.60] * 5})
    table = hp.summary_table(runs, STUDY)
    (gap,) = hp.mean_median_gaps(table, "learning_rate")
    assert gap.value == 0.4 and gap.median == pytest.approx(0.95) and gap.mean == pytest.approx((6 * 0.95 + 3.0) / 11)
    assert abs(gap.mean - gap.median) > gap.half_width


def test_seed_points_are_the_runs_without_the_diverged():
    runs = seeded_runs({("batch_size", 8): [0.91, 0.92, 0.93]})
    runs["diverged"] = (runs.batch_size == 8) & (runs.seed == 1)
    points = hp.seed_points(hp.sweep_rows(runs, "batch_size", STUDY))
    at_8 = points[points.value == 8]
    assert at_8.seed.tolist() == [0, 2] and at_8.accuracy.tolist() == pytest.approx([0.91, 0.93])
    assert len(points) == 3 * 3 - 1 and list(points.columns) == ["value", "seed", "accuracy", "loss"]


def test_scaling_fit_of_the_best_rate_against_the_batch_size():
    rates, sizes = [0.01, 0.02, 0.04, 0.08], [1, 4, 16, 64]
    # the best rate doubles for every 4-fold batch: slope 0.5 exactly; all seeds agree
    heat = pd.DataFrame([[0.9 - 0.01 * abs(i - j) for j in range(4)] for i in range(4)], index=rates, columns=sizes)
    fit = hp.scaling_fit(heat)
    assert fit.slope == pytest.approx(0.5) and fit.low == pytest.approx(0.5) and fit.high == pytest.approx(0.5)
    assert (fit.points, fit.at_lowest_rate, fit.at_highest_rate) == (4, (1.0,), (64.0,))
    noisy = heat.copy()
    noisy.loc[0.04, 4] = 0.95  # batch 4 prefers 0.04: the points leave the line, the interval widens
    fit = hp.scaling_fit(noisy)
    assert fit.low < fit.slope < fit.high and fit.low < 0.5
    two = hp.scaling_fit(heat.iloc[:, :2])
    assert two.points == 2 and np.isnan(two.low) and np.isnan(two.high)
    assert np.isnan(hp.scaling_fit(heat.iloc[:, :1]).slope)


def test_the_choice_as_the_sentence_and_the_results_file_take_it():
    runs = seeded_runs({("batch_size", 8): [0.96, 0.95, 0.97, 0.95], ("learning_rate", 0.1): [0.95, 0.96, 0.95, 0.96]},
                       seconds={("batch_size", 8): 5.0})
    table = hp.summary_table(runs, STUDY)
    facts, choice = hp.best_facts(table)
    evidence = hp.choice_evidence(facts, choice)
    assert (evidence["top"], evidence["runner"], evidence["runner_chosen"]) == (("batch size", 8), ("learning rate", 0.1), True)
    assert evidence["paired"] == (pytest.approx(0.25), facts["pair_low"], facts["pair_high"], 4)
    assert evidence["seconds"] == (5.0, 1.0)
    record = hp.best_record(choice)
    assert record["setting"] == {"batch_size": 32, "hidden_layers": 2, "learning_rate": 0.1}
    assert record["highest_mean"] == {"batch_size": 8, "hidden_layers": 2, "learning_rate": 0.01}
    assert record["runner_up"] == record["setting"] and record["tie_break"] is True
    assert record["paired_difference_points"]["tied"] is True and record["rule"] == hp.BEST_RULE
    report = hp.results_report(table, runs, STUDY)
    assert set(report["figure_seeds"]) == set(hp.PARAMETERS)
    at_8 = [p for p in report["figure_seeds"]["batch_size"] if p["value"] == 8]
    assert [p["accuracy"] for p in at_8] == pytest.approx([0.96, 0.95, 0.97, 0.95])
    assert report["seed_accuracies"]["batch_size=8"] == {"0": 0.96, "1": 0.95, "2": 0.97, "3": 0.95}


def test_seed_evidence_feeds_the_seed_sentence():
    runs = seeded_runs({("hidden_layers", 4): [0.95, 0.95, 0.96, 0.95, 0.80]})
    table = hp.summary_table(runs, STUDY)
    found = hp.trend(table, runs, "hidden_layers", STUDY)
    evidence = hp.seed_evidence(table, runs, "hidden_layers", STUDY, found)
    assert evidence["label"] == "hidden layers" and evidence["seeds"] == 5 and len(evidence["outliers"]) == 1
    from mlp_report.narrative import hyperparams as story

    assert "seed 4 with 4 hidden layers (80.00 % against a median of 95.00 %)" in story.seed_sentence(**evidence)
