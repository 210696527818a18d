"""Sentences of the confusion chapter: the most-confused pair, its stability, the class-weight remedy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .common import moved, plural, times


def reverse_mistake(true: int, predicted: int, count: int, reverse: int) -> str:
    """Whether the top confusion ``true -> predicted`` (``count`` images) also goes the other way."""
    if reverse <= count / 2:
        return (
            f"The confusion is lopsided: the reverse mistake, {predicted} read as {true}, happened "
            f"{'only ' if reverse else ''}{times(reverse)}."
        )
    return f"It goes both ways: the reverse mistake, {predicted} read as {true}, happened {times(reverse)}."


def spread_lead(top_share: float, even_share: float) -> str:
    """Whether the largest confusions hold clearly more of the errors than an even spread would."""
    return "They are not spread evenly" if top_share > 2 * even_share else "They are spread fairly evenly"


def pair_stability(seeds: int, other_pairs: Sequence[tuple[int, int, int]]) -> str:
    """What the other seeds' top confusions were: ``other_pairs`` holds (true, predicted, seeds) of the
    top pairs that differ from the model shown, most frequent first."""
    if seeds == 1:
        return "there was only one seed in this run, so this profile cannot say how stable the pair is"
    if not other_pairs:
        return "every seed agrees"
    return "the other seeds' top confusions were " + ", ".join(
        f"{true} → {predicted} ({plural(k, 'seed')})" for true, predicted, k in other_pairs
    )


def pooled_pair(
    models: int,
    test_images: int,
    pooled: tuple[int, int, int],
    shown: tuple[int, int],
    both_ways: tuple[int, int, int],
) -> str:
    """The largest cell of the matrices summed over the models, against the model shown.

    ``pooled`` is (true, predicted, images) of the summed matrix, ``shown`` the (true, predicted) of the
    model shown, ``both_ways`` (digit a, digit b, images) of the pair confused most in both directions.
    """
    a, b, both = both_ways
    if models == 1:
        return (
            f"With a single seed there are no other models to pool. Counting both directions, digits {a} "
            f"and {b} are confused most often: {times(both)}."
        )
    true, predicted, count = pooled
    if (true, predicted) == shown:
        same = ", the same pair."
    elif (predicted, true) == shown:
        same = (
            f", not the {shown[0]} → {shown[1]} of the model shown: which of the two digits is mistaken for the "
            "other depends on the seed."
        )
    else:
        same = (
            f", not the {shown[0]} → {shown[1]} of the model shown: the top cell of a single model is a noisy "
            "answer, since it holds a few dozen images at most and several cells come close."
        )
    return (
        f"Pooled over the {models} models ({models * test_images:,} test predictions), the largest cell is "
        f"{true} → {predicted} with {count} images ({count / models:.1f} per model)"
        + same
        + f" Counting both directions, digits {a} and {b} are confused most often: {both / models:.1f} times per model."
    )


def confidence(median: float) -> str:
    """What the median softmax probability of the pair's mistakes says about flagging unsure predictions."""
    if median >= 0.8:
        return (
            "the model is mostly sure of these wrong answers, so flagging unsure predictions for a human to "
            "check would catch few of them"
        )
    if median >= 0.6:
        return "the model is often, but far from always, sure of these wrong answers"
    return (
        "the model is mostly unsure about these images, so flagging unsure predictions for a human to check "
        "would catch many of them"
    )


def target_relation(target: int, pair: tuple[int, int], test_lowest: int, test_recall: Sequence[float]) -> str:
    """How the remedy's target digit (chosen on validation) relates to the top pair and to the test set."""
    relation = []
    if target == pair[0]:
        relation.append(f"the true digit of the top confusion above ({pair[0]} → {pair[1]})")
    if target == test_lowest:
        relation.append("the digit with the lowest mean recall on the test set")
    if relation:
        return "It is also " + " and ".join(relation) + "."
    return (
        f"On the test set, digit {test_lowest} has the lowest mean recall ({100 * test_recall[test_lowest]:.2f} %, "
        f"against {100 * test_recall[target]:.2f} % for {target}): the hardest digits are close, and which one "
        "comes last depends on the images and the seed."
    )


def validation_verdict(better: bool) -> str:
    """The chosen weight's validation F1 against the baseline's."""
    return "better than" if better else "no better than"


def remedy_verdict(better: bool, target: int, weight: float) -> str:
    """Whether the class weight is worth it by the target's validation F1."""
    if better:
        return (
            f"By the F1 of digit {target}, a weight of {weight:g} is worth it: on validation, the recall it wins is "
            "worth more than the precision it loses."
        )
    return (
        f"By the F1 of digit {target}, no weight tried is worth it: on validation, each one loses more "
        "precision than it wins recall."
    )


def remedy_moves(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, str]:
    """How each mean metric moved from the baseline (``before``) to the chosen weight (``after``):
    fractions in %, image counts (``target_errors``, ``false_alarms``) with one decimal."""
    moves = {
        "recall": "target_recall",
        "errors": "target_errors",
        "precision": "target_precision",
        "false_alarms": "false_alarms",
        "others_precision": "others_precision",
        "others_recall": "others_recall",
        "accuracy": "accuracy",
    }
    counts = ("target_errors", "false_alarms")
    return {
        f"{name}_moved": moved(before[column], after[column], percent=column not in counts)
        for name, column in moves.items()
    }


def price_lead(before: Mapping[str, float], after: Mapping[str, float]) -> str:
    """Whether the other digits paid for the remedy: more of their images read as the target, or a
    lower mean recall."""
    paid = after["false_alarms"] > before["false_alarms"] or after["others_recall"] < before["others_recall"]
    return "the price is paid by the other digits" if paid else "the other digits hardly paid for it"


def accuracy_spread(seeds: int, change: float, spread: float) -> str:
    """The paired accuracy change (points) against the baseline's seed standard deviation (points)."""
    if seeds < 2:
        return "with one seed, this run cannot compare that with the seed-to-seed spread"
    size = "within" if abs(change) <= spread else "larger than"
    return f"{size} the seed-to-seed spread of the baseline's accuracy (standard deviation {spread:.2f} points)"


def further(target: int, chosen: float, before: Mapping[str, float], largest: Mapping[str, float]) -> str:
    """What the largest weight tried does, unless it is the chosen one (``before``: the baseline's means)."""
    if largest["weight"] == chosen:
        return f"The weight chosen on validation is also the largest one tried ({chosen:g})."
    return (
        f"Pushed further, to a weight of {largest['weight']:g}, the recall of {target} "
        f"{moved(before['target_recall'], largest['target_recall'])} while its precision "
        f"{moved(before['target_precision'], largest['target_precision'])} and overall accuracy "
        f"{moved(before['accuracy'], largest['accuracy'])}."
    )


def best_setting_source(source: str) -> str:
    """Where a chapter took Task 1's choice from (``read_best_setting``'s ``"source"``), as a clause."""
    if source == "results":
        return "this chapter reads that choice from Task 1's results file, so it follows whenever Task 1's sweep changes its mind"
    if source == "recorded":
        return ("this copy of the chapter ran without Task 1's results file, so it used the choice recorded in the "
                "notebook's metadata when the book was built")
    raise ValueError(f"source={source!r} is invalid: expected 'results' or 'recorded'.")
