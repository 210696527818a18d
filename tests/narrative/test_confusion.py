"""Sentences of the confusion chapter, every branch with hand-made facts."""

from __future__ import annotations

from mlp_report.narrative import confusion as story


def test_reverse_mistake():
    assert story.reverse_mistake(4, 9, 20, 0) == (
        "The confusion is lopsided: the reverse mistake, 9 read as 4, happened never."
    )
    assert story.reverse_mistake(4, 9, 20, 2) == (
        "The confusion is lopsided: the reverse mistake, 9 read as 4, happened only twice."
    )
    assert story.reverse_mistake(4, 9, 20, 15) == "It goes both ways: the reverse mistake, 9 read as 4, happened 15 times."


def test_spread_lead():
    assert story.spread_lead(30.0, 5.6) == "They are not spread evenly"
    assert story.spread_lead(10.0, 5.6) == "They are spread fairly evenly"


def test_pair_stability():
    assert story.pair_stability(1, []).startswith("there was only one seed in this run")
    assert story.pair_stability(5, []) == "every seed agrees"
    assert story.pair_stability(5, [(7, 2, 2), (3, 5, 1)]) == (
        "the other seeds' top confusions were 7 → 2 (2 seeds), 3 → 5 (1 seed)"
    )


def test_pooled_pair_every_case():
    single = story.pooled_pair(1, 10_000, (4, 9, 20), (4, 9), (4, 9, 1))
    assert single == (
        "With a single seed there are no other models to pool. Counting both directions, digits 4 and 9 are "
        "confused most often: once."
    )
    same = story.pooled_pair(5, 10_000, (4, 9, 100), (4, 9), (4, 9, 130))
    assert same == (
        "Pooled over the 5 models (50,000 test predictions), the largest cell is 4 → 9 with 100 images "
        "(20.0 per model), the same pair. Counting both directions, digits 4 and 9 are confused most often: "
        "26.0 times per model."
    )
    swapped = story.pooled_pair(5, 10_000, (9, 4, 100), (4, 9), (4, 9, 130))
    assert ", not the 4 → 9 of the model shown: which of the two digits is mistaken for the other depends on the seed." in swapped
    other = story.pooled_pair(5, 10_000, (7, 2, 100), (4, 9), (2, 7, 130))
    assert "the top cell of a single model is a noisy answer" in other and other.endswith("26.0 times per model.")


def test_confidence_thresholds():
    assert story.confidence(0.9).startswith("the model is mostly sure")
    assert story.confidence(0.8).startswith("the model is mostly sure")
    assert story.confidence(0.7) == "the model is often, but far from always, sure of these wrong answers"
    assert story.confidence(0.3).startswith("the model is mostly unsure")
    assert story.confidence(float("nan")).startswith("the model is mostly unsure")  # no mistakes at all


def test_target_relation():
    recall = [0.99] * 10
    assert story.target_relation(4, (4, 9), 4, recall) == (
        "It is also the true digit of the top confusion above (4 → 9) and the digit with the lowest mean recall "
        "on the test set."
    )
    assert story.target_relation(4, (4, 9), 8, recall) == "It is also the true digit of the top confusion above (4 → 9)."
    assert story.target_relation(5, (4, 9), 5, recall) == "It is also the digit with the lowest mean recall on the test set."
    recall[8], recall[5] = 0.9, 0.91
    assert story.target_relation(5, (4, 9), 8, recall) == (
        "On the test set, digit 8 has the lowest mean recall (90.00 %, against 91.00 % for 5): the hardest digits "
        "are close, and which one comes last depends on the images and the seed."
    )


def test_verdicts():
    assert story.validation_verdict(True) == "better than"
    assert story.validation_verdict(False) == "no better than"
    assert story.remedy_verdict(True, 5, 4.0).startswith("By the F1 of digit 5, a weight of 4 is worth it")
    assert story.remedy_verdict(False, 5, 4.0).startswith("By the F1 of digit 5, no weight tried is worth it")


BEFORE = {"weight": 1.0, "target_recall": 0.9, "target_errors": 90.0, "target_precision": 0.95, "false_alarms": 40.0,
          "others_precision": 0.97, "others_recall": 0.97, "accuracy": 0.96}  # fmt: skip


def test_remedy_moves_and_the_price():
    after = {**BEFORE, "target_recall": 0.93, "target_errors": 63.4, "target_precision": 0.9, "false_alarms": 70.0,
             "others_recall": 0.965}  # fmt: skip
    moves = story.remedy_moves(BEFORE, after)
    assert moves["recall_moved"] == "rose from 90.00 % to 93.00 %"
    assert moves["errors_moved"] == "fell from 90.0 to 63.4"
    assert moves["false_alarms_moved"] == "rose from 40.0 to 70.0"
    assert moves["others_precision_moved"] == "stayed at 97.00 %" and moves["accuracy_moved"] == "stayed at 96.00 %"
    assert set(moves) == {f"{m}_moved" for m in ("recall", "errors", "precision", "false_alarms", "others_precision", "others_recall", "accuracy")}
    assert story.price_lead(BEFORE, after) == "the price is paid by the other digits"
    assert story.price_lead(BEFORE, {**BEFORE, "others_recall": 0.96}) == "the price is paid by the other digits"
    assert story.price_lead(BEFORE, {**BEFORE, "false_alarms": 30.0}) == "the other digits hardly paid for it"


def test_accuracy_spread():
    assert story.accuracy_spread(1, 0.1, 0.0) == "with one seed, this run cannot compare that with the seed-to-seed spread"
    assert story.accuracy_spread(5, -0.05, 0.1).startswith("within the seed-to-seed spread")
    assert story.accuracy_spread(5, 0.3, 0.1) == (
        "larger than the seed-to-seed spread of the baseline's accuracy (standard deviation 0.10 points)"
    )


def test_further():
    assert story.further(5, 8.0, BEFORE, {**BEFORE, "weight": 8.0}) == "The weight chosen on validation is also the largest one tried (8)."
    largest = {**BEFORE, "weight": 8.0, "target_recall": 0.95, "target_precision": 0.8, "accuracy": 0.955}
    assert story.further(5, 2.0, BEFORE, largest) == (
        "Pushed further, to a weight of 8, the recall of 5 rose from 90.00 % to 95.00 % while its precision fell "
        "from 95.00 % to 80.00 % and overall accuracy fell from 96.00 % to 95.50 %."
    )


def test_best_setting_source_every_branch():
    import pytest

    best_setting_source = story.best_setting_source
    assert best_setting_source("results").startswith("this chapter reads that choice from Task 1's results file")
    assert "recorded in the notebook's metadata" in best_setting_source("recorded")
    with pytest.raises(ValueError, match="source='elsewhere' is invalid"):
        best_setting_source("elsewhere")
