"""Sentences of the hyperparameter chapter (batch size, depth, learning rate one at a time)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .common import listed, noise_phrase, plural

# how mean validation accuracy varies along one sweep (``mlp_report.hyperparams.Trend.shape``)
SHAPES = ("rises", "falls", "peaks inside the range", "is flat")
ORIGINAL_ACCURACY = 0.9654  # what the original submission reported for batch size 4, learning rate 0.01


def trend_sentence(shape: str, label: str, diverged: tuple[float, ...] = ()) -> str:
    """``accuracy rises with the batch size`` and the like, for one of :data:`SHAPES`; ``diverged`` lists
    the values where every seed diverged (outside the curve, so the sentence says so)."""
    text = {
        "rises": f"accuracy rises with the {label}",
        "falls": f"accuracy falls as the {label} grows",
        "peaks inside the range": f"accuracy peaks inside the range of the {label}",
        "is flat": f"accuracy hardly depends on the {label}",
    }[shape]
    if diverged:
        text += f" (training diverged at {label} {', '.join(f'{v:g}' for v in diverged)}, for every seed)"
    return text


def separable_phrase(separable: bool | None) -> str:
    """Whether the seed intervals of a sweep's best and worst point overlap."""
    return noise_phrase(
        separable,
        apart_text="do not overlap, so the difference is not seed noise",
        overlap_text="overlap, so part of the difference may be seed noise",
    )


def setting_label(label: str, value: float) -> str:
    """``batch size = 4``."""
    return f"{label} = {value:g}"


def batch_size_hypothesis(shape: str) -> str:
    """Why accuracy moves with the batch size the way it does (no final full stop)."""
    if shape == "falls":
        return (
            "With the learning rate and the number of epochs fixed, the batch size decides how many SGD steps "
            "the network takes: each epoch makes one update per batch. Small batches make many small, noisy "
            "steps; large batches make few. At a learning rate of 0.01, three epochs of large batches are "
            "simply not enough steps to finish training, so accuracy follows the number of updates"
        )
    if shape == "peaks inside the range":
        return (
            "Two effects pull in opposite directions. Larger batches make fewer updates in the fixed three "
            "epochs, which leaves the network under-trained at a learning rate of 0.01; the smallest batches "
            "make many updates but each follows a very noisy one-or-two-image gradient, which costs some "
            "accuracy at the end of training. The best batch size balances the two"
        )
    return (
        "The number of updates changes a lot with the batch size, yet accuracy does not follow it here: "
        "in this run, training is either already converged or limited by something other than the number of steps"
    )


def depth_hypothesis(shape: str, peak_layers: int) -> str:
    """Why accuracy moves with the number of hidden layers (``peak_layers``: the best depth)."""
    if shape == "falls":
        return (
            "Every extra layer adds 10,100 parameters and one more ReLU stage the gradient must pass through. "
            "With Keras' default Glorot initialisation, a small learning rate and only three epochs, deeper "
            "networks learn more slowly at the start, so they are further from convergence when training stops; "
            "depth buys capacity this task does not need"
        )
    if shape == "rises":
        return (
            "Deeper networks compose more non-linear features from the same budget of updates; at this "
            "learning rate the extra capacity helps more than the slower start of deeper stacks costs"
        )
    if shape == "peaks inside the range":
        return (
            f"Up to {peak_layers} layers, extra depth composes more non-linear features from the same number of "
            "updates; beyond that, each further layer adds another ReLU stage the gradient must pass through "
            "from a Glorot-initialised start, which slows the early phase of training at a learning rate of "
            "0.01, and three epochs do not make up for it"
        )
    return (
        "One hidden layer of 100 units already represents what three epochs can learn, so extra depth "
        "neither helps nor hurts much here"
    )


def top_rate_sentence(top: float, top_acc: float) -> str:
    """What the largest learning rate tried reached (``top_acc`` in %, ``nan`` when every seed diverged)."""
    if top_acc != top_acc:
        return f"The largest rate tried, {top:g}, diverged on every seed."
    return f"The largest rate tried, {top:g}, reaches {top_acc:.2f} %."


def learning_rate_hypothesis(shape: str, diverged: int, n_runs: int, top_diverged: bool = False) -> str:
    """Why accuracy moves with the learning rate; ``diverged`` of ``n_runs`` runs ended below 50 % (or
    diverged); ``top_diverged``: every seed of the largest rate diverged."""
    if shape == "peaks inside the range":
        text = (
            "A larger step size covers more ground in the same number of updates, which is what three epochs "
            "need; past the peak the steps overshoot: the loss surface is curved enough that a step of this "
            "size jumps across the valley, so training becomes noisy and the final accuracy drops"
        )
    elif shape == "rises" and top_diverged:
        text = (
            "In three epochs the network is limited by how far SGD can move: a larger step size covers more "
            "ground per update, up to the largest rate tried, where the steps overshoot and training diverges"
        )
    elif shape == "rises":
        text = (
            "In three epochs the network is limited by how far SGD can move: a larger step size covers more "
            "ground per update, and even the largest rate tried stays below the point where steps overshoot"
        )
    elif shape == "falls":
        text = "Larger steps overshoot the minimum: already the smallest rate trains well enough here"
    else:
        text = "The step size barely matters in this range"
    if diverged:
        text += (
            f". {diverged} of the {n_runs} learning-rate runs ended below 50 % accuracy: "
            "their training diverged or got stuck, which is the overshoot made visible"
        )
    return text


def heatmap_sentence(rho: float) -> str:
    """How the best learning rate moves with the batch size (``rho``: correlation of their logarithms)."""
    if rho > 0.5:
        return (
            "the best learning rate grows with the batch size: a large batch averages away gradient noise, so it "
            "can afford (and, with few updates, needs) a larger step"
        )
    if rho < -0.5:
        return "the best learning rate shrinks as the batch size grows, the opposite of the usual scaling rule"
    return "the best learning rate does not move consistently with the batch size in this grid"


def at_setting(label: str, value: float) -> str:
    """``at batch size 2``, ``with 8 hidden layers``, ``at learning rate 0.8``."""
    if label == "hidden layers":
        return f"with {value:g} hidden layer{'s' * bool(value != 1)}"
    return f"at {label} {value:g}"


def setting_name(label: str, value: float) -> str:
    """``batch size 2``, ``4 hidden layers``, ``learning rate 0.1``: a setting as a noun in a sentence."""
    if label == "hidden layers":
        return f"{value:g} hidden layer{'s' * bool(value != 1)}"
    return f"{label} {value:g}"


MEDIAN_SHAPES = {  # what the medians do, for one of SHAPES
    "rises": "rise with the {label}",
    "falls": "fall as the {label} grows",
    "peaks inside the range": "peak inside the range",
    "is flat": "hardly depend on the {label}",
}


def seed_sentence(
    label: str,
    seeds: int,
    widest: tuple[float, float, float],
    outliers: Sequence[Any] = (),
    gaps: Sequence[Any] = (),
    shapes: tuple[str, str] = ("is flat", "is flat"),
    bests: tuple[float, float] = (0.0, 0.0),
    min_seeds: int = 3,
) -> str:
    """What the single seeds of one sweep say beside the means.

    ``widest``: (value, lowest, highest seed accuracy) of the setting whose seeds spread most; ``outliers``:
    seeds outside the outlier rule (``value``, ``seed``, ``accuracy``, ``median``); ``gaps``: settings whose
    mean and median differ by more than the interval's half-width (``value``, ``mean``, ``median``,
    ``half_width``); ``shapes`` and ``bests``: the curve shape and the best value of the means and of the
    medians. Accuracies are fractions. When the medians tell another story, the sentence says that the
    explanation follows them."""
    if seeds < min_seeds:
        return (f"With {plural(seeds, 'seed')} per setting, the seeds cannot be weighed against each other here; "
                "the full profile runs several.")
    value, low, high = widest
    text = f"The seeds spread most {at_setting(label, value)}, from {100 * low:.2f} % to {100 * high:.2f} %"
    if not outliers:
        text += ", and no seed is an outlier by the rule above."
    else:
        named = [f"seed {o.seed} {at_setting(label, o.value)} ({100 * o.accuracy:.2f} % against a median of "
                 f"{100 * o.median:.2f} %)" for o in outliers]
        if len(named) == 1:
            text += f". By the rule above, one seed is an outlier: {named[0]}."
        else:
            text += f". By the rule above, {len(named)} seeds are outliers: {listed(named)}."
    for gap in gaps:
        side = "below" if gap.mean < gap.median else "above"
        where = at_setting(label, gap.value)
        text += (f" {where[0].upper() + where[1:]}, the mean ({100 * gap.mean:.2f} %) lies {side} the median "
                 f"({100 * gap.median:.2f} %) by more than the half-width of its 95 % interval "
                 f"({100 * gap.half_width:.2f} points).")
    mean_shape, median_shape = shapes
    mean_best, median_best = bests
    medians = MEDIAN_SHAPES[median_shape].format(label=label)
    if median_shape != mean_shape:
        text += f" The medians, unlike the means, {medians}, and the explanation below follows the medians."
    elif median_shape == "peaks inside the range" and median_best != mean_best:
        text += (f" The medians also peak inside the range, but {at_setting(label, median_best)} rather than "
                 f"{at_setting(label, mean_best)}; the explanation below follows the medians.")
    elif outliers or gaps:
        text += f" Like the means, the medians {medians}, so the explanation below does not rest on single seeds."
    return text


def best_choice(
    top: tuple[str, float],
    top_acc: float,
    runner: tuple[str, float] | None,
    runner_acc: float,
    paired: tuple[float, float, float, int],
    seconds: tuple[float, float],
    runner_chosen: bool,
) -> str:
    """How the rule chose: the highest mean (``top``: the varied parameter's label and value; accuracy in %),
    the runner-up, their paired difference (mean, low, high in points, over ``n`` shared seeds), the training
    times (seconds per run of the top and of the runner-up) and whether the tie-break chose the runner-up."""
    top = setting_name(*top)
    if runner is None:
        return f"It picks {top}, at {top_acc:.2f} %, the only setting without a diverged seed."
    runner = setting_name(*runner)
    diff, low, high, n = paired
    text = f"The highest mean is {top_acc:.2f} %, with {top}; the runner-up is {runner}, at {runner_acc:.2f} %."
    if n < 2:
        return text + (f" With {plural(n, 'seed')} run by both, their difference has no interval, so the rule "
                       f"takes the highest mean, {top}.")
    text += (f" Over the {n} seeds both ran, {top} is ahead by {diff:.2f} points on average, and the 95 % "
             f"interval of this paired difference runs from {low:.2f} to {high:.2f} points.")
    if not low <= 0 <= high:
        return text + f" The interval excludes 0, so the two differ beyond seed noise, and the rule picks {top}."
    top_s, runner_s = seconds
    if runner_chosen:
        return text + (f" The interval contains 0, so the two are tied, and the tie-break (training time) picks "
                       f"the runner-up, {runner}, the faster of the two ({runner_s:.2f} s per run against {top_s:.2f} s).")
    return text + (f" The interval contains 0, so the two are tied, and the tie-break (training time) keeps {top}, "
                   f"the faster of the two ({top_s:.2f} s per run against {runner_s:.2f} s).")


def scaling_verdict(low: float, high: float, linear: float = 1.0, root: float = 0.5, digits: int = 2) -> str:
    """Where the slope's interval [``low``, ``high``] lies against the linear rule's slope (1) and the
    square-root rule's (0.5); ``nan`` bounds: too few batch sizes for an interval. The bounds are compared as
    the prose shows them (``digits`` decimals), so an interval shown as "0.29 to 1.00" contains 1."""
    if not (low == low and high == high):
        return "too few batch sizes to give the slope an interval, so neither rule can be tested here"
    low, high = round(low, digits), round(high, digits)
    has_linear, has_root = low <= linear <= high, low <= root <= high
    if has_linear and has_root:
        return "the interval contains both rules' slopes, so this grid cannot tell them apart"
    if has_linear:
        return f"the interval contains the linear rule's {linear:g} but not the square-root rule's {root:g}"
    if has_root:
        return f"the interval contains the square-root rule's {root:g} but not the linear rule's {linear:g}"
    if high < min(linear, root):
        return "the whole interval lies below both rules' slopes: here the best rate grows more slowly with the batch size than either rule says"
    if low > max(linear, root):
        return "the whole interval lies above both rules' slopes: here the best rate grows faster with the batch size than either rule says"
    return "the interval lies between the two rules' slopes and excludes both"


def grid_edge_note(at_lowest: Sequence[float], at_highest: Sequence[float], lowest_rate: float, highest_rate: float) -> str:
    """Which batch sizes have their best rate at an edge of the grid, where the true best may lie beyond it."""

    def sizes(values: Sequence[float]) -> str:
        return f"batch size{'s' * (len(values) > 1)} {listed([f'{v:g}' for v in values])}"

    parts = []
    if at_lowest:
        parts.append(f"at {sizes(at_lowest)} the best rate is the smallest tried ({lowest_rate:g})")
    if at_highest:
        parts.append(f"at {sizes(at_highest)} the largest ({highest_rate:g})" if at_lowest
                     else f"at {sizes(at_highest)} the best rate is the largest tried ({highest_rate:g})")
    if not parts:
        return "At every batch size the best rate lies inside the grid, so no point of the fit is cut off by its edges."
    text = " and ".join(parts)
    return (f"{text[0].upper() + text[1:]}: there the true best rate may lie beyond the grid, so the fitted slope "
            "is a rough estimate.")


def loss_vs_accuracy(same: bool, lowest_loss_setting: str, lowest_loss: float, best_accuracy_loss: float) -> str:
    """Whether the most accurate setting also has the lowest validation loss."""
    if same:
        return "the same setting also has the lowest validation loss"
    return (
        f"the lowest validation loss belongs to a different setting ({lowest_loss_setting}, "
        f"loss {lowest_loss:.3f} against {best_accuracy_loss:.3f})"
    )


def stability(seeds: int, largest_std: float, setting: str) -> str:
    """The largest seed standard deviation (a fraction) and where, or why one seed cannot measure it."""
    if seeds > 1:
        return (
            f"The largest seed standard deviation is {100 * largest_std:.2f} points, at "
            f"{setting}, larger than some of the gaps between settings "
            "in the table: a single-seed comparison could rank such settings differently from run to run."
        )
    return "This profile runs one seed per point, so it cannot measure the spread between seeds; the full profile runs five."


def batch_size_4_sentence(accuracy: float | None) -> str:
    """What this chapter's two-layer network reaches at batch size 4 (``None``: not in this profile)."""
    if accuracy is None:
        return "was not run at batch size 4 in this profile"
    return f"reaches a mean of {100 * accuracy:.2f} % at that setting"


def original_inside(lowest: float, highest: float, runs: int, reported: float = ORIGINAL_ACCURACY) -> str:
    """Whether the original submission's single number lies in the range of the rebuilt network's seeds."""
    if runs > 1:
        return f"lies {'inside' if lowest <= reported <= highest else 'outside'} that range"
    return "can only be compared with one run here"


def defaults_phrase(batch_size: int, default: int = 32) -> str:
    """How the prose names the reference setting: ``At the defaults`` or, when the batch-size sweep did
    not try the default, the nearest batch size it tried."""
    if batch_size == default:
        return "At the defaults"
    return (
        f"At batch size {batch_size}, the nearest tried to the default {default} (not in this sweep), with the "
        "other knobs at their defaults,"
    )
