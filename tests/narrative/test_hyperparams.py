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


class Seed:
    """A stand-in for :class:`mlp_report.hyperparams.Outlier` / ``MeanMedianGap``: only attributes are read."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


WIDEST = (8.0, 0.8762, 0.9508)


def test_setting_name():
    assert story.setting_name("batch size", 2.0) == "batch size 2"
    assert story.setting_name("hidden layers", 4.0) == "4 hidden layers"
    assert story.setting_name("hidden layers", 1.0) == "1 hidden layer"
    assert story.setting_name("learning rate", 0.1) == "learning rate 0.1"


def test_at_setting():
    assert story.at_setting("batch size", 2.0) == "at batch size 2"
    assert story.at_setting("hidden layers", 8.0) == "with 8 hidden layers"
    assert story.at_setting("hidden layers", 1.0) == "with 1 hidden layer"
    assert story.at_setting("learning rate", 0.8) == "at learning rate 0.8"


def test_seed_sentence_with_too_few_seeds():
    assert story.seed_sentence("batch size", 1, WIDEST) == (
        "With 1 seed per setting, the seeds cannot be weighed against each other here; the full profile runs several."
    )


def test_seed_sentence_without_outliers():
    text = story.seed_sentence("hidden layers", 5, WIDEST, shapes=("rises", "rises"), bests=(8, 8))
    assert text == "The seeds spread most with 8 hidden layers, from 87.62 % to 95.08 %, and no seed is an outlier by the rule above."


def test_seed_sentence_names_the_outlier_seed_and_setting():
    outlier = Seed(value=8.0, seed=3, accuracy=0.8762, median=0.9450)
    text = story.seed_sentence("hidden layers", 5, WIDEST, [outlier], shapes=("peaks inside the range", "rises"), bests=(4, 8))
    assert text == (
        "The seeds spread most with 8 hidden layers, from 87.62 % to 95.08 %. By the rule above, one seed is an "
        "outlier: seed 3 with 8 hidden layers (87.62 % against a median of 94.50 %). The medians, unlike the means, "
        "rise with the hidden layers, and the explanation below follows the medians."
    )


def test_seed_sentence_lists_several_outliers():
    outliers = [Seed(value=0.4, seed=1, accuracy=0.9129, median=0.9600), Seed(value=0.8, seed=0, accuracy=0.8392, median=0.93)]
    text = story.seed_sentence("learning rate", 5, (0.8, 0.8392, 0.9491), outliers, shapes=("peaks inside the range",) * 2, bests=(0.2, 0.2))
    assert ". By the rule above, 2 seeds are outliers: seed 1 at learning rate 0.4 (91.29 % against a median of 96.00 %) and " \
           "seed 0 at learning rate 0.8 (83.92 % against a median of 93.00 %)." in text
    assert text.endswith(" Like the means, the medians peak inside the range, so the explanation below does not rest on single seeds.")


def test_seed_sentence_says_where_mean_and_median_disagree():
    gap = Seed(value=0.8, mean=0.90, median=0.93, half_width=0.02)
    text = story.seed_sentence("learning rate", 11, (0.8, 0.6, 0.95), gaps=[gap], shapes=("falls", "falls"), bests=(0.01, 0.01))
    assert ", and no seed is an outlier by the rule above. At learning rate 0.8, the mean (90.00 %) lies below the median " \
           "(93.00 %) by more than the half-width of its 95 % interval (2.00 points)." in text
    assert text.endswith("Like the means, the medians fall as the learning rate grows, so the explanation below does not rest on single seeds.")
    above = story.seed_sentence("learning rate", 11, (0.8, 0.6, 0.95), gaps=[Seed(value=0.8, mean=0.95, median=0.93, half_width=0.01)])
    assert "the mean (95.00 %) lies above the median" in above


def test_seed_sentence_when_the_medians_peak_elsewhere():
    outlier = Seed(value=6.0, seed=2, accuracy=0.85, median=0.94)
    text = story.seed_sentence("hidden layers", 5, WIDEST, [outlier], shapes=("peaks inside the range",) * 2, bests=(4, 6))
    assert text.endswith(" The medians also peak inside the range, but with 6 hidden layers rather than with 4 hidden "
                         "layers; the explanation below follows the medians.")


def test_best_choice_without_a_runner_up():
    assert story.best_choice(("batch size", 8), 95.0, None, float("nan"), (float("nan"),) * 3 + (0,), (1.0, 1.0), False) == (
        "It picks batch size 8, at 95.00 %, the only setting without a diverged seed."
    )


def test_best_choice_with_one_seed():
    text = story.best_choice(("batch size", 8), 95.0, ("learning rate", 0.1), 94.0, (1.0, 1.0, 1.0, 1), (1.0, 2.0), False)
    assert text == (
        "The highest mean is 95.00 %, with batch size 8; the runner-up is learning rate 0.1, at 94.00 %. With 1 seed "
        "run by both, their difference has no interval, so the rule takes the highest mean, batch size 8."
    )


def test_best_choice_when_the_difference_is_clear():
    text = story.best_choice(("hidden layers", 4), 95.0, ("learning rate", 0.1), 94.0, (1.0, 0.4, 1.6, 5), (1.0, 2.0), False)
    assert text.endswith(
        "Over the 5 seeds both ran, 4 hidden layers is ahead by 1.00 points on average, and the 95 % interval of this "
        "paired difference runs from 0.40 to 1.60 points. The interval excludes 0, so the two differ beyond seed "
        "noise, and the rule picks 4 hidden layers."
    )


def test_best_choice_tied_keeps_the_faster_highest_mean():
    text = story.best_choice(("batch size", 2), 97.01, ("batch size", 1), 96.83, (0.18, -0.1, 0.46, 5), (12.5, 20.25), False)
    assert text == (
        "The highest mean is 97.01 %, with batch size 2; the runner-up is batch size 1, at 96.83 %. Over the 5 seeds "
        "both ran, batch size 2 is ahead by 0.18 points on average, and the 95 % interval of this paired difference "
        "runs from -0.10 to 0.46 points. The interval contains 0, so the two are tied, and the tie-break (training "
        "time) keeps batch size 2, the faster of the two (12.50 s per run against 20.25 s)."
    )


def test_best_choice_tied_picks_the_faster_runner_up():
    text = story.best_choice(("batch size", 1), 97.01, ("batch size", 2), 96.83, (0.18, -0.1, 0.46, 5), (20.25, 12.5), True)
    assert text.endswith(
        "The interval contains 0, so the two are tied, and the tie-break (training time) picks the runner-up, "
        "batch size 2, the faster of the two (12.50 s per run against 20.25 s)."
    )


@pytest.mark.parametrize(
    ("low", "high", "start"),
    [
        (0.3, 1.2, "the interval contains both rules' slopes"),
        (0.7, 1.2, "the interval contains the linear rule's 1 but not the square-root rule's 0.5"),
        (0.3, 0.7, "the interval contains the square-root rule's 0.5 but not the linear rule's 1"),
        (0.1, 0.4, "the whole interval lies below both rules' slopes"),
        (1.1, 1.4, "the whole interval lies above both rules' slopes"),
        (0.6, 0.9, "the interval lies between the two rules' slopes and excludes both"),
        (float("nan"), float("nan"), "too few batch sizes to give the slope an interval"),
    ],
)
def test_scaling_verdict(low, high, start):
    assert story.scaling_verdict(low, high).startswith(start)


def test_scaling_verdict_compares_the_bounds_as_shown():
    assert story.scaling_verdict(0.2869, 0.9955).startswith("the interval contains both rules' slopes")  # "0.29 to 1.00"
    assert story.scaling_verdict(0.2869, 0.9949).startswith("the interval contains the square-root rule's 0.5 but not")


def test_grid_edge_note():
    assert story.grid_edge_note((), (), 0.01, 0.8).startswith("At every batch size the best rate lies inside the grid")
    assert story.grid_edge_note((1.0,), (), 0.01, 0.8).startswith("At batch size 1 the best rate is the smallest tried (0.01): ")
    assert story.grid_edge_note((), (64.0, 128.0), 0.01, 0.8).startswith(
        "At batch sizes 64 and 128 the best rate is the largest tried (0.8): there the true best rate may lie beyond")
    both = story.grid_edge_note((1.0,), (128.0,), 0.01, 0.8)
    assert both.startswith("At batch size 1 the best rate is the smallest tried (0.01) and at batch size 128 the largest (0.8): ")
    assert both.endswith("so the fitted slope is a rough estimate.")
