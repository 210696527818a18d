"""The chapter's configurations (shared with the JavaScript widget), seeded runs and multi-seed
experiments."""


from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..paths import bad_arrays, cache_dir, digest, load_arrays, require_writable, source_digest, store_arrays
from ..validation import ConfigError, require_int
from . import datasets, jsmath, network
from .datasets import Split, make_split
from .jsmath import Mulberry32
from .network import Run, problem_of, train

# The chapter's configurations (shared with the JavaScript widget)
# ---------------------------------------------------------------------------------------------------

# Hidden shapes are the assignment's; features, activation, learning rate, batch size and epochs were
# chosen by a search over 10 to 30 seeds (a scratch script, not part of the book) for test loss <= 0.07 on
# every seed with a margin. Noise is the slider value (%), ratio the training fraction.
_PRESET_COMMON: dict[str, Any] = {  # what the three presets share
    "activation": "tanh",
    "noise": 0,
    "ratio": 0.5,
    "regularization": "none",
    "regularization_rate": 0.0,
}
PRESETS: dict[str, dict[str, Any]] = {
    "spiral": {
        "dataset": "spiral",
        "hidden": (6, 5),
        "features": ("x1", "x2", "sin(x1)", "sin(x2)"),
        **_PRESET_COMMON,
        "learning_rate": 0.1,
        "batch_size": 5,
        "epochs": 2000,
    },
    "xor": {
        "dataset": "xor",
        "hidden": (3, 1),
        "features": ("x1", "x2", "x1*x2"),
        **_PRESET_COMMON,
        "learning_rate": 0.03,
        "batch_size": 10,
        "epochs": 500,
    },
    "circle": {
        "dataset": "circle",
        "hidden": (3, 1),
        "features": ("x1", "x2", "x1^2", "x2^2"),
        **_PRESET_COMMON,
        "learning_rate": 0.03,
        "batch_size": 10,
        "epochs": 500,
    },
}

TARGET_TEST_LOSS = 0.07  # the assignment's goal, for every seed


def _cached_problem(cached: dict[str, np.ndarray], model) -> str | None:
    """What is wrong with a cached playground run (types, shapes), or None when it can be used."""
    try:
        shapes = [tuple(w.shape) for w in model.get_weights()]
        if int(cached["n_weights"]) != len(shapes):
            return f"n_weights is {int(cached['n_weights'])}, expected {len(shapes)}"
        for i, shape in enumerate(shapes):
            if cached[f"w{i}"].shape != shape or cached[f"w{i}"].dtype.kind != "f":
                return f"w{i} has shape {cached[f'w{i}'].shape} ({cached[f'w{i}'].dtype}), expected {shape}"
        for name in ("train_loss", "test_loss"):
            if cached[name].ndim != 1 or cached[name].dtype.kind != "f" or not len(cached[name]):
                return f"{name} is not a list of numbers"
        float(cached["seconds"])
    except (KeyError, ValueError, TypeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def seeded_run(config: dict[str, Any], seed: int, **overrides: Any) -> tuple[Split, Run]:
    """Data and a trained network for one seed, the way the playground seeds them: one
    ``Mulberry32(seed)`` stream generates the data, shuffles and splits it, then initialises the weights.
    ``overrides`` replace entries of ``config`` (e.g. ``noise=10``, ``epochs=50``, ``features=(...)``)."""
    unknown = set(overrides) - set(PRESETS["spiral"])
    if unknown:
        raise ConfigError(
            f"seeded_run() got unknown settings {sorted(unknown)}: allowed are {sorted(PRESETS['spiral'])}."
        )
    cfg = {**config, **overrides}
    rng = Mulberry32(seed)
    data = make_split(cfg["dataset"], cfg["noise"], cfg["ratio"], rng)
    # trained runs are cached on disk like every MNIST run, keyed by the settings, the seed and the code
    key = digest(cfg, seed, source_digest(network, datasets, jsmath, sys.modules[__name__]))
    cached = load_arrays("playground", key)
    model = None
    if cached is not None:
        model = network.build_model(len(cfg["features"]), cfg["hidden"], cfg["activation"], seed=None)
        problem = _cached_problem(cached, model)
        if problem is not None:
            bad_arrays("playground", key, problem)
            cached = None
    if cached is not None:
        n_weights = int(cached["n_weights"])
        model.set_weights([cached[f"w{i}"] for i in range(n_weights)])
        return data, Run(cached["train_loss"], cached["test_loss"], model, tuple(cfg["features"]),
                         float(cached["seconds"]))
    require_writable(cache_dir() / "playground", "playground cache folder", "MLP_REPORT_CACHE")  # before training
    run = train(
        data,
        hidden=cfg["hidden"],
        features_used=cfg["features"],
        activation=cfg["activation"],
        learning_rate=cfg["learning_rate"],
        batch_size=cfg["batch_size"],
        epochs=cfg["epochs"],
        regularization=cfg["regularization"],
        regularization_rate=cfg["regularization_rate"],
        seed=rng,
        problem=problem_of(cfg["dataset"]),
    )
    weights = run.model.get_weights()
    store_arrays("playground", key, {"train_loss": run.train_loss, "test_loss": run.test_loss,
                                     "seconds": run.seconds, "n_weights": len(weights),
                                     **{f"w{i}": w for i, w in enumerate(weights)}})
    return data, run


# Experiments for the chapter
# ---------------------------------------------------------------------------------------------------


@dataclass
class Experiment:
    """One configuration trained on several seeds."""

    name: str
    config: dict[str, Any]
    seeds: tuple[int, ...]
    data: list[Split]
    runs: list[Run]

    @property
    def test_losses(self) -> np.ndarray:
        return np.array([run.final_test_loss for run in self.runs])

    @property
    def worst_index(self) -> int:
        """Position (in ``seeds``) of the run with the highest final test loss."""
        return int(np.argmax(self.test_losses))

    def summary(self) -> dict[str, Any]:
        losses = self.test_losses
        return {
            "name": self.name,
            "seeds": list(self.seeds),
            "test_loss": [float(v) for v in losses],
            "train_loss": [run.final_train_loss for run in self.runs],
            "mean": float(losses.mean()),
            "worst": float(losses.max()),
            "reached": int(np.sum(losses <= TARGET_TEST_LOSS)),
        }


def experiment(
    name: str, config: dict[str, Any], seeds: int, *, epochs: int | None = None, **overrides: Any
) -> Experiment:
    """Train ``config`` (with ``overrides``) on seeds 0 .. seeds-1; ``epochs`` caps the preset's epochs."""
    seeds = require_int("seeds", seeds, minimum=1, maximum=1_000)
    if epochs is not None:
        overrides["epochs"] = min(require_int("epochs", epochs, minimum=1), config["epochs"])
    pairs = [seeded_run(config, seed, **overrides) for seed in range(seeds)]
    return Experiment(
        name, {**config, **overrides}, tuple(range(seeds)), [d for d, _ in pairs], [r for _, r in pairs]
    )


def describe_config(config: dict[str, Any]) -> dict[str, Any]:
    """A row for a table of configurations."""
    return {
        "hidden layers": "-".join(map(str, config["hidden"])),
        "features": ", ".join(config["features"]),
        "activation": config["activation"],
        "learning rate": config["learning_rate"],
        "batch size": config["batch_size"],
        "epochs": config["epochs"],
        "regularization": config["regularization"],
    }
