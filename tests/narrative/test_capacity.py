"""Sentences of the capacity chapter, every branch with hand-made facts."""

from __future__ import annotations

import dataclasses

import pytest

from mlp_report.capacity import CurveSummary
from mlp_report.narrative import capacity as story

# the full profile's picture: the test loss bottoms out early and rises while the training loss falls
OVERFITS = CurveSummary(
    epochs=500, seeds=5, best_test_epoch=12, min_test_loss=0.40, final_test_loss=0.60, test_loss_rise=0.20,
    test_loss_rises=True, train_loss_at_best=0.15, final_train_loss=0.00012, train_loss_keeps_falling=True,
    test_accuracy_at_best=0.88, final_train_accuracy=1.0, final_test_accuracy=0.89, best_test_accuracy_epoch=300,
    max_test_accuracy=0.895, accuracy_gap=0.11, loss_gap=0.5998, seed_best_epochs=(11, 12, 13, 12, 12),
)  # fmt: skip


def test_depth_note():
    assert story.depth_note(2, 89_610, "...").startswith("The best setting keeps the assignment's two hidden layers")
    assert story.depth_note(4, 89_610, "(784·100 + 100) ... = 89,610") == (
        "The best setting has 4 hidden layers; the assignment's default network with two hidden layers has "
        "89,610 parameters ((784·100 + 100) ... = 89,610)."
    )


def test_original_note():
    three = story.original_note(3, 99_710, 99_710, 310, 310)
    assert three.startswith("The original submission built 3 hidden layers and reported 99,710 parameters, which is right")
    assert three.endswith("there is one bias per unit, 310 in all.")
    two = story.original_note(2, 89_610, 99_710, 310, 210)
    assert "not for the 2-hidden-layer network defined here (89,610)" in two
    assert "100 × 100 + 100 = 10,100" in two and two.endswith("(310 with three hidden layers, 210 here).")


def test_training_fit():
    assert story.training_fit(OVERFITS, 89_610, 1_000) == (
        "The network classifies its training images (almost) perfectly, at a training loss of 0.00012: with "
        "89,610 parameters for 1,000 images it has enough freedom to fit every one of them."
    )
    short = dataclasses.replace(OVERFITS, epochs=20, final_train_accuracy=0.95)
    assert story.training_fit(short, 89_610, 1_000) == (
        "The network does not quite fit all its training images in 20 epochs (95.00 %), but it fits them much "
        "better than new images."
    )


def test_test_loss_curve_every_case():
    assert story.test_loss_curve(OVERFITS) == (
        "The mean test loss is lowest after epoch 12 and then rises again, by 0.200 (50 % of its minimum) by the "
        "last epoch, while the training loss keeps falling, from 0.150 at that epoch to 0.00012."
    )
    rises_only = dataclasses.replace(OVERFITS, train_loss_keeps_falling=False)
    assert story.test_loss_curve(rises_only).endswith("the training loss does not keep falling after that epoch either.")
    flat = dataclasses.replace(OVERFITS, test_loss_rises=False, epochs=3)
    assert story.test_loss_curve(flat) == (
        "In this run the mean test loss has not risen noticeably above its minimum (at epoch 12) by the last "
        "epoch: 3 epochs are not enough to overfit visibly."
    )


def test_test_accuracy_curve():
    assert story.test_accuracy_curve(OVERFITS).startswith(
        "Test accuracy behaves differently from test loss: it is 88.00 % at the loss minimum and peaks later, "
        "at 89.50 % after epoch 300, ending at 89.00 %."
    )
    early = dataclasses.replace(OVERFITS, best_test_accuracy_epoch=10)
    assert story.test_accuracy_curve(early) == "Test accuracy peaks no later than the loss: 89.50 % after epoch 10, ending at 89.00 %."


PLAIN = {"test_loss": 0.6, "test_accuracy": 0.89, "epochs": 500, "change": 0.0}


def test_early_stopping():
    on_loss = {"test_loss": 0.4, "test_accuracy": 0.88, "epochs": 32, "change": -0.01}
    lower = {**on_loss, "test_accuracy": 0.87}
    text = story.early_stopping(on_loss, lower, PLAIN)
    assert text == (
        "Stopped on the validation loss, the network returns with a test loss of 0.400 instead of 0.600, after 32 "
        "instead of 500 epochs on average, and a test accuracy of 88.00 % (-1.00 points)."
    )
    higher = {"test_loss": 0.5, "test_accuracy": 0.895, "epochs": 280, "change": 0.005}
    assert story.early_stopping(on_loss, higher, PLAIN) == text + (
        " Because test accuracy keeps creeping up after the loss minimum, stopping on the validation accuracy "
        "instead returns a later epoch and a higher test accuracy, 89.50 % (+0.50 points), after 280 epochs. "
        "What early stopping preserves depends on what it monitors."
    )


def test_remedies_every_verdict():
    changes = {"a": 0.01, "b": 0.02, "c": -0.01, "d": 0.0001, "e": -0.0002}
    verdicts = {"a": "higher", "b": "higher", "c": "lower", "d": "within the noise", "e": "within the noise"}
    assert story.remedies(verdicts, changes, 5) == (
        "Compared with the plain run, a (+1.00 points) and b (+2.00 points) raise the mean test accuracy; "
        "c (-1.00 points) lowers the mean test accuracy; d and e change it by less than the noise between seeds "
        "(a change counts when it exceeds two standard errors of the difference over the seeds)."
    )
    one_each = story.remedies({"a": "higher", "d": "within the noise"}, changes, 1)
    assert one_each == (
        "Compared with the plain run, a (+1.00 points) raises the mean test accuracy; d changes it by less than "
        "the noise between seeds (with a single seed there is no estimate of the noise, so small changes mean little)."
    )
    assert "c (-1.00 points) and e (-0.02 points) lower" in story.remedies({"c": "lower", "e": "lower"}, changes, 5)


def test_more_data_sentences():
    assert story.gap_change(11.0, 2.5) == "the gap between training and test accuracy shrinks: from 11.00 to 2.50 percentage points"
    assert story.gap_change(2.0, 2.5).startswith("the gap between training and test accuracy does not shrink")
    assert story.more_data([0.8, 0.9, 0.95]) == "Test accuracy rises with every step in the training-set size"
    assert story.more_data([0.8, 0.9, 0.9]) == "Test accuracy does not rise with every step in the training-set size"
    assert story.more_data_versus_remedy((2_000, 0.93), "dropout", 0.9) == (
        "Already 2,000 images, at the same budget and without any remedy, reach a higher test accuracy (93.00 %) "
        "than the best remedy on 1,000 images (dropout, 90.00 %)."
    )
    assert story.more_data_versus_remedy(None, "dropout", 0.9) == (
        "None of the larger training sets at this budget beats the best remedy on 1,000 images (dropout, 90.00 %)."
    )


@pytest.mark.parametrize(
    ("summary", "text"),
    [
        (OVERFITS, "Trained for 500 epochs on 1,000 images, the network fits them (almost) perfectly but classifies "
                   "11.0 percentage points fewer test images correctly, and its test loss ends higher than it was "
                   "after epoch 12 of the same run."),
        (dataclasses.replace(OVERFITS, final_train_accuracy=0.9, test_loss_rises=False),
         "Trained for 500 epochs on 1,000 images, the network fits them far better than new images but classifies "
         "11.0 percentage points fewer test images correctly."),
    ],
)  # fmt: skip
def test_conclusion(summary, text):
    assert story.conclusion(summary, 1_000) == text
