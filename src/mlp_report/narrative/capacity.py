"""Sentences of the capacity chapter: the parameter count, overfitting on 1,000 images, remedies, more data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .common import listed

if TYPE_CHECKING:
    from ..capacity import CurveSummary

ORIGINAL_PARAMETERS = 99_710  # what the original submission reported (for three hidden layers)


def depth_note(hidden: int, default_parameters: int, default_calculation: str) -> str:
    """Whether the best setting keeps the default depth; if not, the default network's count."""
    if hidden == 2:
        return "The best setting keeps the assignment's two hidden layers, so this is also the count of the default network."
    return (
        f"The best setting has {hidden} hidden layers; the assignment's default network with two hidden "
        f"layers has {default_parameters:,} parameters ({default_calculation})."
    )


def original_note(hidden: int, parameters: int, three_layer_parameters: int, three_layer_biases: int, biases: int) -> str:
    """The original submission's parameter and bias counts, checked against this network's."""
    if hidden == 3:
        return (
            f"The original submission built 3 hidden layers and reported {ORIGINAL_PARAMETERS:,} parameters, which is "
            f"right for three layers and also for the network here ({parameters:,}); its \"1000 biases\" is not: "
            f"there is one bias per unit, {three_layer_biases:,} in all."
        )
    return (
        f"The original submission built 3 hidden layers and reported {ORIGINAL_PARAMETERS:,} parameters: that is the "
        f"count for three hidden layers ({three_layer_parameters:,}), not for the {hidden}-hidden-layer network "
        f"defined here ({parameters:,}), because each hidden layer of 100 units after the first adds 100 × 100 + "
        f"100 = 10,100; and its \"1000 biases\" is wrong for either, since there is one bias per unit "
        f"({three_layer_biases:,} with three hidden layers, {biases:,} here)."
    )


def training_fit(summary: CurveSummary, parameters: int, train_size: int) -> str:
    """How well the network fits its own training images at the end."""
    train_accuracy, train_loss, epochs = summary.final_train_accuracy, summary.final_train_loss, summary.epochs
    if train_accuracy > 0.99:
        return (
            f"The network classifies its training images (almost) perfectly, at a training loss of "
            f"{train_loss:.2g}: with {parameters:,} parameters for {train_size:,} images it has "
            f"enough freedom to fit every one of them."
        )
    return (
        f"The network does not quite fit all its training images in {epochs} epochs "
        f"({100 * train_accuracy:.2f} %), but it fits them much better than new images."
    )


def test_loss_curve(summary: CurveSummary) -> str:
    """Where the mean test loss bottoms out and what the training loss does afterwards."""
    best_epoch, rise, minimum = summary.best_test_epoch, summary.test_loss_rise, summary.min_test_loss
    train_loss_at_best, final_train_loss = summary.train_loss_at_best, summary.final_train_loss
    if summary.overfits:
        return (
            f"The mean test loss is lowest after epoch {best_epoch} and then rises again, by "
            f"{rise:.3f} ({100 * rise / minimum:.0f} % of its minimum) by the last epoch, while the training loss "
            f"keeps falling, from {train_loss_at_best:.3f} at that epoch to {final_train_loss:.2g}."
        )
    if summary.test_loss_rises:
        return (
            f"The mean test loss is lowest after epoch {best_epoch} and rises afterwards, but in this run "
            f"the training loss does not keep falling after that epoch either."
        )
    return (
        f"In this run the mean test loss has not risen noticeably above its minimum (at epoch "
        f"{best_epoch}) by the last epoch: {summary.epochs} epochs are not enough to overfit visibly."
    )


def test_accuracy_curve(summary: CurveSummary) -> str:
    """Whether test accuracy peaks after the test loss's minimum, and why the two differ."""
    best_loss_epoch, best_accuracy_epoch = summary.best_test_epoch, summary.best_test_accuracy_epoch
    accuracy_at_best_loss, max_accuracy = summary.test_accuracy_at_best, summary.max_test_accuracy
    final_accuracy = summary.final_test_accuracy
    if best_accuracy_epoch > best_loss_epoch:
        return (
            f"Test accuracy behaves differently from test loss: it is {100 * accuracy_at_best_loss:.2f} % at "
            f"the loss minimum and peaks later, at {100 * max_accuracy:.2f} % after epoch "
            f"{best_accuracy_epoch}, ending at {100 * final_accuracy:.2f} %. The loss rises "
            f"because the network grows ever more confident, also on the test images it gets wrong, whose "
            f"cross-entropy then grows, while the ranking of the classes, which decides the accuracy, hardly changes."
        )
    return (
        f"Test accuracy peaks no later than the loss: {100 * max_accuracy:.2f} % after epoch "
        f"{best_accuracy_epoch}, ending at {100 * final_accuracy:.2f} %."
    )


def early_stopping(on_loss: Mapping[str, float], on_accuracy: Mapping[str, float], plain: Mapping[str, float]) -> str:
    """Early stopping on the validation loss against the plain run, and on the validation accuracy when
    that returns a higher test accuracy. Each mapping is a remedy-table row (test_loss, test_accuracy,
    epochs, change)."""
    text = (
        f"Stopped on the validation loss, the network returns with a test loss of {on_loss['test_loss']:.3f} "
        f"instead of {plain['test_loss']:.3f}, after {on_loss['epochs']:.0f} instead of {plain['epochs']:.0f} "
        f"epochs on average, and a test accuracy of {100 * on_loss['test_accuracy']:.2f} % "
        f"({100 * on_loss['change']:+.2f} points)."
    )
    if on_accuracy["test_accuracy"] > on_loss["test_accuracy"]:
        text += (
            f" Because test accuracy keeps creeping up after the loss minimum, stopping on the validation accuracy "
            f"instead returns a later epoch and a higher test accuracy, {100 * on_accuracy['test_accuracy']:.2f} % "
            f"({100 * on_accuracy['change']:+.2f} points), after {on_accuracy['epochs']:.0f} epochs. What early "
            f"stopping preserves depends on what it monitors."
        )
    return text


def remedies(verdicts: Mapping[str, str], changes: Mapping[str, float], seeds: int) -> str:
    """The remedies that raise, lower or do not change the mean test accuracy beyond the seed noise.

    ``verdicts`` maps a remedy to "higher", "lower" or "within the noise"; ``changes`` its change in test
    accuracy (a fraction).
    """
    parts = []
    for verdict, verb in (("higher", "raise"), ("lower", "lower")):
        names = [f"{n} ({100 * changes[n]:+.2f} points)" for n, v in verdicts.items() if v == verdict]
        if names:
            parts.append(f"{listed(names)} {verb + 's' if len(names) == 1 else verb} the mean test accuracy")
    noise = [n for n, v in verdicts.items() if v == "within the noise"]
    if noise:
        parts.append(f"{listed(noise)} {'changes' if len(noise) == 1 else 'change'} it by less than the noise between seeds")
    caveat = (
        "a change counts when it exceeds two standard errors of the difference over the seeds)."
        if seeds > 1
        else "with a single seed there is no estimate of the noise, so small changes mean little)."
    )
    return "Compared with the plain run, " + "; ".join(parts) + " (" + caveat


def gap_change(smallest_gap: float, largest_gap: float) -> str:
    """How the train-test accuracy gap (in points) changes from the smallest to the largest training set."""
    shrinks = "shrinks" if largest_gap < smallest_gap else "does not shrink"
    return f"the gap between training and test accuracy {shrinks}: from {smallest_gap:.2f} to {largest_gap:.2f} percentage points"


def more_data(accuracies: Sequence[float]) -> str:
    """Whether test accuracy rises with every step in the training-set size."""
    rises = all(b > a for a, b in zip(accuracies, accuracies[1:], strict=False))
    return f"Test accuracy {'rises' if rises else 'does not rise'} with every step in the training-set size"


def more_data_versus_remedy(first_beating: tuple[int, float] | None, remedy: str, remedy_accuracy: float) -> str:
    """Whether a larger training set at the same budget beats the best remedy; ``first_beating`` is the
    smallest such (size, test accuracy), or None."""
    if first_beating:
        size, accuracy = first_beating
        return (
            f"Already {size:,} images, at the same budget and without any remedy, reach a higher test accuracy "
            f"({100 * accuracy:.2f} %) than the best remedy on 1,000 images ({remedy}, {100 * remedy_accuracy:.2f} %)."
        )
    return (
        f"None of the larger training sets at this budget beats the best remedy on 1,000 images "
        f"({remedy}, {100 * remedy_accuracy:.2f} %)."
    )


def conclusion(summary: CurveSummary, train_size: int) -> str:
    """The answer to the assignment's question, with this run's numbers."""
    fit = "(almost) perfectly" if summary.final_train_accuracy > 0.99 else "far better than new images"
    text = (
        f"Trained for {summary.epochs} epochs on {train_size:,} images, the network fits them {fit} "
        f"but classifies {100 * summary.accuracy_gap:.1f} percentage points fewer test images correctly"
    )
    if summary.test_loss_rises:
        return text + f", and its test loss ends higher than it was after epoch {summary.best_test_epoch} of the same run."
    return text + "."
