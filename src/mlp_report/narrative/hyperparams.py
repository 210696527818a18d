"""Sentences of the hyperparameter chapter (batch size, depth, learning rate one at a time)."""

from __future__ import annotations

from .common import noise_phrase

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


def best_vs_runner(apart: bool | None) -> str:
    """How the chosen setting compares with the runner-up: ``It is ... the runner-up``."""
    if apart is None:
        return "not comparable, with one seed, to"
    return noise_phrase(
        apart,
        apart_text="clearly ahead of (95 % intervals apart)",
        overlap_text="within seed noise of (95 % intervals overlap)",
    )


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
