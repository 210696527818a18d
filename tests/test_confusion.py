"""Task 2's helpers on small synthetic predictions: matrices, the top pair, tables, the remedy, bad inputs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mlp_report import confusion as cf  # noqa: E402
from mlp_report.validation import ConfigError  # noqa: E402


def predictions_from(cells: dict[tuple[int, int], int], n_classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Labels and predictions whose confusion matrix has exactly ``cells`` (true, predicted) -> count."""
    true, pred = [], []
    for (t, p), k in cells.items():
        true += [t] * k
        pred += [p] * k
    rng = np.random.default_rng(0)
    order = rng.permutation(len(true))  # the order must not matter
    return np.array(true)[order], np.array(pred)[order]


CELLS = {
    **{(c, c): 50 + c for c in range(10)},
    (4, 9): 7,
    (9, 4): 3,
    (3, 5): 6,
    (7, 2): 5,
    (8, 1): 4,
    (2, 7): 2,
    (5, 3): 1,
}


def test_confusion_matches_the_cells_and_sums_to_the_number_of_images():
    y, p = predictions_from(CELLS)
    cm = cf.confusion(y, p)
    assert cm.shape == (10, 10) and cm.sum() == len(y)
    for (t, q), k in CELLS.items():
        assert cm[t, q] == k
    assert cm[0, 1] == 0


def test_confusion_keeps_classes_that_never_occur():
    cm = cf.confusion([0, 0, 1], [0, 1, 1])
    assert cm.shape == (10, 10) and cm[9].sum() == 0 and cm[0, 1] == 1


def test_most_confused_is_the_argmax_of_the_off_diagonal():
    y, p = predictions_from(CELLS)
    pair = cf.most_confused(cf.confusion(y, p))
    assert (pair.true, pair.predicted, pair.count) == (4, 9, 7)
    assert pair.label() == "4 → 9"


def test_most_confused_ignores_a_larger_diagonal_and_breaks_ties_by_smaller_true_digit():
    cm = np.diag([100] * 10)
    cm[6, 0] = 5
    cm[2, 8] = 5
    pair = cf.most_confused(cm)
    assert (pair.true, pair.predicted, pair.count) == (2, 8, 5)


def test_most_confused_both_ways_adds_the_two_directions():
    cm = np.diag([100] * 10)
    cm[3, 5], cm[5, 3] = 6, 5  # 11 in all
    cm[9, 4] = 10  # the largest single cell
    assert cf.most_confused(cm).label() == "9 → 4"
    assert cf.most_confused_both_ways(cm) == (3, 5, 11)
    cm[4, 9] = 1  # now a tie at 11: the first pair in row-major order
    assert cf.most_confused_both_ways(cm) == (3, 5, 11)
    with pytest.raises(ConfigError, match="no off-diagonal counts"):
        cf.most_confused_both_ways(np.diag([5] * 10))


def test_most_confused_without_errors_is_an_error():
    with pytest.raises(ConfigError, match="no off-diagonal counts"):
        cf.most_confused(np.diag([5] * 10))


def test_top_five_table_is_sorted_with_shares_of_the_true_digit():
    y, p = predictions_from(CELLS)
    table = cf.top_confusions(cf.confusion(y, p), k=5)
    assert list(table.index) == [1, 2, 3, 4, 5]
    pairs = list(zip(table["true digit"], table["predicted as"], table["images"], strict=True))
    assert pairs == [(4, 9, 7), (3, 5, 6), (7, 2, 5), (8, 1, 4), (9, 4, 3)]
    support_4 = 54 + 7
    assert table.loc[1, "share of the true digit (%)"] == pytest.approx(round(100 * 7 / support_4, 2))


def test_top_confusions_leaves_out_empty_cells():
    cm = np.diag([10] * 10)
    cm[1, 7] = 2
    table = cf.top_confusions(cm, k=5)
    assert len(table) == 1 and table.iloc[0]["images"] == 2


def test_normalise_rows_gives_recall_on_the_diagonal_and_nan_for_empty_rows():
    cm = np.zeros((3, 3), dtype=int)
    cm[0] = [8, 2, 0]
    cm[1] = [1, 1, 2]
    norm = cf.normalise_rows(cm)
    np.testing.assert_allclose(norm[0], [0.8, 0.2, 0.0])
    np.testing.assert_allclose(norm[1], [0.25, 0.25, 0.5])
    np.testing.assert_allclose(norm[:2].sum(axis=1), 1.0)
    assert np.isnan(norm[2]).all()


def test_pair_stability_counts_the_top_pair_per_seed():
    base = cf.confusion(*predictions_from(CELLS))
    other = base.copy()
    other[3, 5] = 20  # this seed's top pair is 3 -> 5
    table = cf.pair_stability([base, other, base], seeds=[0, 1, 2])
    assert list(table["seed"]) == [0, 1, 2]
    counts = cf.pair_counts(table)
    assert counts[(4, 9)] == 2 and counts[(3, 5)] == 1
    assert table.loc[1, "count"] == 20 and table.loc[0, "errors"] == 28


def test_per_class_report_and_weakest_class():
    y, p = predictions_from(CELLS)
    report = cf.per_class_report(y, p)
    assert list(report.index) == list(range(10))
    assert list(report.columns) == ["precision", "recall", "f1-score", "support"]
    assert report.loc[4, "recall"] == pytest.approx(54 / 61)
    assert report.loc[9, "precision"] == pytest.approx(59 / 66)  # 59 right + 7 fours read as 9
    assert report["support"].sum() == len(y)
    worst = report["recall"].idxmin()
    assert cf.weakest_class(report, "recall") == worst == 4
    assert cf.weakest_class(report, "f1-score") == int(report["f1-score"].idxmin())


def test_mean_recall_averages_runs():
    y = np.array([0, 0, 1, 1])
    recall = cf.mean_recall(y, [np.array([0, 0, 1, 0]), np.array([0, 1, 1, 1])])
    assert recall[0] == pytest.approx(0.75) and recall[1] == pytest.approx(0.75)
    assert np.isnan(recall[5])


def _runs(weights_preds: dict[float, list[np.ndarray]], target: int) -> pd.DataFrame:
    rows = []
    for weight, preds in weights_preds.items():
        for seed, pred in enumerate(preds):
            cw = () if weight == 1.0 else ((target, weight),)
            rows.append({"class_weight": cw, "seed": seed, "predictions": {"test": pred.tolist()}})
    return pd.DataFrame(rows)


def test_remedy_metrics_and_paired_summary():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2])
    base0 = np.array([0, 0, 1, 1, 1, 1, 1, 1, 2, 2])  # two 0s read as 1
    base1 = np.array([0, 0, 0, 1, 1, 1, 1, 1, 2, 2])
    heavy0 = np.array([0, 0, 0, 0, 1, 1, 1, 0, 2, 0])  # all 0s right, a 1 and a 2 read as 0
    heavy1 = np.array([0, 0, 0, 1, 0, 1, 1, 1, 2, 2])
    per_run = cf.remedy_runs(_runs({1.0: [base0, base1], 3.0: [heavy0, heavy1]}, target=0), y, target=0)
    assert list(per_run["weight"]) == [1.0, 1.0, 3.0, 3.0]
    first = per_run.iloc[0]
    assert first["target_recall"] == 0.5 and first["target_errors"] == 2 and first["false_alarms"] == 0
    assert first["accuracy"] == pytest.approx(0.8)
    third = per_run.iloc[2]
    assert third["target_recall"] == 1.0 and third["false_alarms"] == 2 and third["target_precision"] == pytest.approx(4 / 6)

    summary = cf.remedy_summary(per_run)
    base, remedy = summary.iloc[0], summary.iloc[1]
    assert base["change_target_recall"] == 0 and base["seeds_improved"] == 0
    assert remedy["target_recall"] == pytest.approx((1.0 + 0.75) / 2)
    assert remedy["change_target_recall"] == pytest.approx(((1.0 - 0.5) + (0.75 - 0.75)) / 2)
    assert remedy["seeds_improved"] == 1 and remedy["seeds"] == 2
    assert remedy["change_accuracy"] == pytest.approx(((0.8 - 0.8) + (0.8 - 0.9)) / 2)

    table = cf.remedy_table(summary, target=0)
    assert list(table.index) == ["1 (baseline)", "3"]
    assert table.loc["3", "seeds with higher recall"] == "1 of 2"


def test_choose_weight_takes_the_best_validation_f1_among_remedies():
    val = pd.DataFrame({"weight": [1.0, 2.0, 4.0], "target_f1": [0.99, 0.90, 0.95]})
    assert cf.choose_weight(val) == 4.0  # never the baseline, even when it is best
    with pytest.raises(ConfigError, match="only the baseline"):
        cf.choose_weight(val.iloc[:1])


def test_remedy_summary_needs_the_same_seeds_and_a_baseline():
    per_run = pd.DataFrame(
        {"weight": [1.0, 2.0, 2.0], "seed": [0, 0, 1], "target_recall": [0.5, 0.6, 0.7], "accuracy": [0.9, 0.9, 0.9]}
    )
    with pytest.raises(ConfigError, match="different seeds"):
        cf.remedy_summary(per_run)
    with pytest.raises(ConfigError, match="baseline_weight=3.0 is invalid"):
        cf.remedy_summary(per_run, baseline_weight=3.0)


def test_remedy_runs_need_predictions_of_the_split():
    runs = _runs({1.0: [np.array([0, 1])]}, target=0)
    with pytest.raises(ConfigError, match="no 'val' predictions"):
        cf.remedy_runs(runs, np.array([0, 1]), target=0, split="val")
    with pytest.raises(ConfigError, match="split='dev' is invalid"):
        cf.remedy_runs(runs, np.array([0, 1]), target=0, split="dev")
    with pytest.raises(ConfigError, match="target=10 is invalid"):
        cf.remedy_runs(runs, np.array([0, 1]), target=10)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([0, 1, 2], [0, 1], "y_true has 3 labels but y_pred has 2"),
        ([0, 1, 10], [0, 1, 2], "y_true contains 10, which is invalid: expected class labels 0..9"),
        ([0, 1, 2], [0, -1, 2], "y_pred contains -1, which is invalid"),
        ([], [], r"y_true has shape \(0,\)"),
        ([[0, 1]], [[0, 1]], r"y_true has shape \(1, 2\)"),
        (["a", "b"], [0, 1], "y_true has dtype <U1"),
        ([0.5, 1.0], [0, 1], "y_true has dtype float64"),
    ],
)
def test_bad_labels_are_rejected_with_a_clear_message(y_true, y_pred, message):
    with pytest.raises(ConfigError, match=message):
        cf.confusion(y_true, y_pred)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (np.zeros((3, 4), dtype=int), r"shape \(3, 4\)"),
        (np.zeros(10, dtype=int), r"shape \(10,\)"),
        (-np.eye(3, dtype=int), "non-negative integer counts"),
        (np.full((3, 3), 0.5), "non-negative integer counts"),
    ],
)
def test_bad_matrices_are_rejected(matrix, message):
    with pytest.raises(ConfigError, match=message):
        cf.most_confused(matrix)
    with pytest.raises(ConfigError, match=message):
        cf.top_confusions(matrix)


def test_bad_parameters_name_the_parameter():
    cm = np.diag([3] * 10)
    cm[0, 1] = 1
    with pytest.raises(ConfigError, match="k=0 is invalid"):
        cf.top_confusions(cm, k=0)
    with pytest.raises(ConfigError, match="metric='accuracy' is invalid"):
        cf.weakest_class(cf.per_class_report([0, 1], [0, 1]), "accuracy")
    with pytest.raises(ConfigError, match="seeds has 2 entries but matrices has 1"):
        cf.pair_stability([cm], seeds=[0, 1])
    with pytest.raises(ConfigError, match="matrices=\\[\\] is invalid"):
        cf.pair_stability([])


def test_display_table_keeps_the_index_as_a_column_and_formats_floats():
    table = cf.display_table(cf.top_confusions(cf.confusion(*predictions_from(CELLS)), k=2), decimals=1)
    assert list(table.columns) == ["rank", "true digit", "predicted as", "images", "share of the true digit (%)"]
    assert list(table["rank"]) == [1, 2] and list(table["images"]) == [7, 6]
    assert table.loc[0, "share of the true digit (%)"] == f"{100 * 7 / 61:.1f}"
    with pytest.raises(ConfigError, match="decimals=-1 is invalid"):
        cf.display_table(table, decimals=-1)


def test_facts_of_a_matrix_its_pair_and_its_classes():
    cm = cf.confusion(*predictions_from(CELLS))
    facts = cf.matrix_facts(cm)
    assert facts["matrix_total"] == int(cm.sum()) and facts["errors"] == int(cm.sum() - np.trace(cm))
    assert facts["shown_accuracy"] == pytest.approx(100 * np.trace(cm) / cm.sum())
    pair = cf.pair_facts(cm, k=5)
    assert (pair["pair_true"], pair["pair_pred"], pair["pair_count"]) == (4, 9, 7)
    assert pair["reverse_count"] == int(cm[9, 4]) and pair["top5_rows"] == 5
    assert pair["pair_share_errors"] == pytest.approx(100 * 7 / facts["errors"]) and pair["even_share"] == pytest.approx(500 / 90)
    report = cf.per_class_report(*predictions_from(CELLS))
    classes = cf.class_facts(report)
    assert classes["weakest"] == cf.weakest_class(report) and classes["lowest_recall"] == cf.weakest_class(report, "recall")
    assert classes["weakest_f1"] == pytest.approx(100 * report.loc[classes["weakest"], "f1-score"])
    shown = cf.report_table(report)
    assert list(shown.columns) == ["precision (%)", "recall (%)", "F1 (%)", "test images"]
    assert shown["recall (%)"].max() <= 100


def test_weight_helps_compares_the_validation_f1():
    summary = pd.DataFrame({"weight": [1.0, 2.0, 4.0], "target_f1": [0.90, 0.92, 0.89]})
    assert cf.weight_helps(summary, 2.0) is True
    assert cf.weight_helps(summary, 4.0) is False
