"""Sentences of the hyperparameter chapter, every branch with hand-made facts."""

from __future__ import annotations

import pytest

from mlp_report.narrative import hyperparams as story


@pytest.mark.parametrize(
    ("shape", "text"),
    [
        ("rises", "accuracy rises with the batch size"),
        ("falls", "accuracy falls as the batch size grows"),
        ("peaks inside the range", "accuracy peaks inside the range of the batch size"),
        ("is flat", "accuracy hardly depends on the batch size"),
    ],
)
def test_trend_sentence(shape, text):
    assert story.trend_sentence(shape, "batch size") == text


def test_trend_sentence_rejects_an_unknown_shape():
    with pytest.raises(KeyError):
        story.trend_sentence("wiggles", "batch size")


def test_separable_phrase():
    assert story.separable_phrase(True) == "do not overlap, so the difference is not seed noise"
    assert story.separable_phrase(False) == "overlap, so part of the difference may be seed noise"
    assert story.separable_phrase(None) == "cannot be compared with a single seed"


def test_setting_label():
    assert story.setting_label("batch size", 4.0) == "batch size = 4"
    assert story.setting_label("learning rate", 0.05) == "learning rate = 0.05"


def test_batch_size_hypothesis_follows_the_shape():
    assert story.batch_size_hypothesis("falls").endswith("so accuracy follows the number of updates")
    assert story.batch_size_hypothesis("peaks inside the range").startswith("Two effects pull in opposite directions")
    for shape in ("rises", "is flat"):
        assert "accuracy does not follow it here" in story.batch_size_hypothesis(shape)
    assert not story.batch_size_hypothesis("falls").endswith(".")  # the chapter adds the full stop


def test_depth_hypothesis_follows_the_shape():
    assert story.depth_hypothesis("falls", 1).endswith("depth buys capacity this task does not need")
    assert "extra capacity helps more" in story.depth_hypothesis("rises", 8)
    assert story.depth_hypothesis("peaks inside the range", 4).startswith("Up to 4 layers, extra depth")
    assert story.depth_hypothesis("is flat", 2).startswith("One hidden layer of 100 units already")


def test_learning_rate_hypothesis_and_the_diverged_runs():
    assert "past the peak the steps overshoot" in story.learning_rate_hypothesis("peaks inside the range", 0, 30)
    assert "even the largest rate tried" in story.learning_rate_hypothesis("rises", 0, 30)
    assert story.learning_rate_hypothesis("falls", 0, 30) == (
        "Larger steps overshoot the minimum: already the smallest rate trains well enough here"
    )
    assert story.learning_rate_hypothesis("is flat", 0, 30) == "The step size barely matters in this range"
    with_diverged = story.learning_rate_hypothesis("is flat", 3, 30)
    assert with_diverged == (
        "The step size barely matters in this range. 3 of the 30 learning-rate runs ended below 50 % accuracy: "
        "their training diverged or got stuck, which is the overshoot made visible"
    )


@pytest.mark.parametrize(
    ("rho", "start"),
    [(0.9, "the best learning rate grows"), (-0.9, "the best learning rate shrinks"), (0.5, "the best learning rate does not move")],
)
def test_heatmap_sentence(rho, start):
    assert story.heatmap_sentence(rho).startswith(start)


def test_best_vs_runner():
    assert story.best_vs_runner(True) == "clearly ahead of (95 % intervals apart)"
    assert story.best_vs_runner(False) == "within seed noise of (95 % intervals overlap)"
    assert story.best_vs_runner(None) == "not comparable, with one seed, to"


def test_loss_vs_accuracy():
    assert story.loss_vs_accuracy(True, "batch size = 4", 0.1, 0.1) == "the same setting also has the lowest validation loss"
    assert story.loss_vs_accuracy(False, "batch size = 8", 0.1234, 0.13) == (
        "the lowest validation loss belongs to a different setting (batch size = 8, loss 0.123 against 0.130)"
    )


def test_stability_needs_several_seeds():
    assert story.stability(5, 0.0123, "hidden layers = 8").startswith(
        "The largest seed standard deviation is 1.23 points, at hidden layers = 8, larger than"
    )
    assert story.stability(1, 0.0, "batch size = 1").startswith("This profile runs one seed per point")


def test_batch_size_4_and_the_original_number():
    assert story.batch_size_4_sentence(0.96789) == "reaches a mean of 96.79 % at that setting"
    assert story.batch_size_4_sentence(None) == "was not run at batch size 4 in this profile"
    assert story.original_inside(0.96, 0.97, 5) == "lies inside that range"
    assert story.original_inside(0.97, 0.98, 5) == "lies outside that range"
    assert story.original_inside(0.95, 0.95, 1) == "can only be compared with one run here"


def test_trend_sentence_names_the_values_where_every_seed_diverged():
    assert story.trend_sentence("rises", "learning rate", (0.4, 0.8)) == (
        "accuracy rises with the learning rate (training diverged at learning rate 0.4, 0.8, for every seed)"
    )
    assert story.trend_sentence("rises", "learning rate", ()) == "accuracy rises with the learning rate"


def test_top_rate_sentence_says_when_every_seed_diverged():
    assert story.top_rate_sentence(0.8, 96.123) == "The largest rate tried, 0.8, reaches 96.12 %."
    assert story.top_rate_sentence(1e30, float("nan")) == "The largest rate tried, 1e+30, diverged on every seed."


def test_learning_rate_hypothesis_when_the_largest_rate_diverged():
    text = story.learning_rate_hypothesis("rises", 3, 30, top_diverged=True)
    assert "even the largest rate tried stays below" not in text
    assert "where the steps overshoot and training diverges" in text
    assert text.endswith("which is the overshoot made visible")
