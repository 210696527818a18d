"""Sentences and tables of the playground chapter (TensorFlow Playground's data sets in Python)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..playground.constants import FEATURES

Summary = Mapping[str, Any]  # ``mlp_report.playground.presets.Experiment.summary()``
REACHED = "seeds with test loss ≤ 0.07"


# Spiral's feature comparison: the row label and the settings that differ from the chosen configuration
SPIRAL_FEATURE_SETS = {
    "x1, x2 (the playground's default) with its default 4-2 network": {"features": ("x1", "x2"), "hidden": (4, 2)},
    "x1, x2 with 6-5": {"features": ("x1", "x2")},
    "all seven features with 6-5": {"features": FEATURES},
}


def config_table(described: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """The configurations side by side, one row per preset (``described``: name -> its settings)."""
    return pd.DataFrame({name.capitalize(): settings for name, settings in described.items()}).T


def feature_names(features: Sequence[str]) -> str:
    """The input features as inline code: ```x1`, `x2```."""
    return ", ".join(f"`{name}`" for name in features)


def target_verdict(all_reached: bool) -> str:
    """Whether the three configurations reach the target on every seed at noise 0."""
    return "reach the target on every seed" if all_reached else "do NOT reach the target on every seed"


def hard_verdict(missed: Sequence[str]) -> str:
    """Which data sets miss the target on some seed at the harder noise (``missed``: their names)."""
    if not missed:
        return "every data set still reaches it on every seed"
    return "the target is missed on some seeds of " + " and ".join(missed)


def compared_count(count: int, reference: int) -> str:
    """``fewer``, ``as many`` or ``more`` seeds than the reference."""
    return "fewer" if count < reference else "as many" if count == reference else "more"


def results_table(groups: Mapping[str, Mapping[str, Summary]]) -> pd.DataFrame:
    """One row per noise level (``groups``' keys, as shown) and data set: seeds, seeds at the target,
    mean and worst test loss and mean training loss."""
    rows = [
        {
            "data set": name.capitalize(),
            "noise (%)": noise,
            "seeds": len(summary["seeds"]),
            REACHED: summary["reached"],
            "mean test loss": round(summary["mean"], 4),
            "worst test loss": round(summary["worst"], 4),
            "mean training loss": round(float(np.mean(summary["train_loss"])), 4),
        }
        for noise, group in groups.items()
        for name, summary in group.items()
    ]
    return pd.DataFrame(rows)


def comparison_table(rows: Sequence[tuple[Mapping[str, str], Summary]]) -> pd.DataFrame:
    """A table comparing variants: each row's label columns, then its seeds at the target ("k of n"),
    mean and worst test loss."""
    return pd.DataFrame(
        [
            {
                **labels,
                REACHED: f"{summary['reached']} of {len(summary['seeds'])}",
                "mean test loss": round(summary["mean"], 4),
                "worst test loss": round(summary["worst"], 4),
            }
            for labels, summary in rows
        ]
    )


def run_title(name: str, seed: int, test_loss: float) -> str:
    """The title of a run's figure: ``Spiral, seed 3: test loss 0.0123``."""
    return f"{name.capitalize()}, seed {seed}: test loss {test_loss:.4f}"


def neurons_title(name: str, seed: int) -> str:
    """The title of a run's neuron figure: ``Spiral, seed 3``."""
    return f"{name.capitalize()}, seed {seed}"
