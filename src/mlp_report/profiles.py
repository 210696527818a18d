"""Run profiles of every chapter: ``quick`` executes in seconds for tests, ``full`` reproduces the assignment.

A chapter's ``parameters`` cell sets ``profile`` and optional overrides (``None`` = take the profile's
value); :func:`resolve` validates them all before anything runs, so a bad papermill parameter fails at
the top of the chapter with a message naming the parameter, the value and what is allowed.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from .data import TRAIN_SIZE
from .validation import ConfigError, require_choice, require_float, require_int, suggestion

PROFILE_NAMES = ("quick", "full")


def _int(minimum: int, maximum: int | None = None) -> Callable[[str, Any], int]:
    return lambda name, v: require_int(name, v, minimum=minimum, maximum=maximum)


def _optional_int(minimum: int, maximum: int | None = None) -> Callable[[str, Any], int | None]:
    return lambda name, v: None if v is None else require_int(name, v, minimum=minimum, maximum=maximum)


def _list_hint(name: str, values: Any) -> str:
    # papermill's -p passes "[1, 2]" as a string; lists need -y (YAML)
    return f" (with papermill, pass a list as YAML: -y '{name}: [1, 2]')" if isinstance(values, str) else ""


def _positive_floats(name: str, values: Any) -> tuple[float, ...]:
    if not isinstance(values, (list, tuple)) or not values:
        raise ConfigError(
            f"{name}={values!r} is invalid: expected a non-empty list of finite numbers > 0{_list_hint(name, values)}."
        )
    return tuple(require_float(name, v, positive=True) for v in values)


def _positive_ints(name: str, values: Any) -> tuple[int, ...]:
    if not isinstance(values, (list, tuple)) or not values:
        raise ConfigError(
            f"{name}={values!r} is invalid: expected a non-empty list of integers >= 1{_list_hint(name, values)}."
        )
    return tuple(require_int(name, v, minimum=1) for v in values)


def _remedy_weights(name: str, values: Any) -> tuple[float, ...]:
    """Sorted distinct class weights > 0 other than 1 (Task 2 always runs the baseline, weight 1, too)."""
    weights = sorted({w for w in _positive_floats(name, values) if w != 1.0})
    if not weights:
        raise ConfigError(f"{name}={values!r} is invalid: expected at least one class weight > 0 other than 1.")
    return tuple(weights)


# knob -> validator, per chapter
KNOBS: dict[str, dict[str, Callable[[str, Any], Any]]] = {
    "task0": {"train_size": _int(1, TRAIN_SIZE), "epochs": _int(1), "seed": _int(0)},
    "task1": {
        "train_size": _int(1, TRAIN_SIZE),
        "epochs": _int(1),
        "seeds": _int(1),
        "batch_sizes": _positive_ints,
        "hidden_layers": lambda n, v: tuple(require_int(n, x, minimum=1, maximum=64) for x in _positive_ints(n, v)),
        "learning_rates": _positive_floats,
        "heatmap_seeds": _int(1),
        "eval_size": _optional_int(1, 10_000),
    },
    "task2": {
        "train_size": _int(1, TRAIN_SIZE),
        "epochs": _int(1),
        "seeds": _int(1),
        "eval_size": _optional_int(1, 10_000),  # None: all 10,000 validation and test images
        # class weights of the remedy's target digit (the baseline, weight 1, always runs too)
        "remedy_weights": _remedy_weights,
    },
    "task3": {
        "train_size": _int(1, TRAIN_SIZE),  # the overfitting run's training images (the first n)
        "epochs": _int(1),
        "seeds": _int(1),
        "eval_size": _optional_int(1, 10_000),  # None: all 10,000 test (and validation) images
        "data_sizes": lambda n, v: tuple(require_int(n, x, minimum=1, maximum=TRAIN_SIZE) for x in _positive_ints(n, v)),
        "l2": lambda n, v: require_float(n, v, positive=True),
        "dropout": lambda n, v: require_float(n, v, positive=True, below=1.0),
        "small_units": _int(1),
        "patience": _int(1),  # early stopping: epochs without a better validation loss before stopping
    },
    "task4": {
        "seeds": _int(1, 100),
        "epochs": _optional_int(1, 100_000),  # None: each preset's own number of epochs
        "hard_noise": _int(1, 50),  # the harder variant's noise slider value (%)
    },
}

PROFILES: dict[str, dict[str, dict[str, Any]]] = {
    "task0": {
        "quick": {"train_size": 5_000, "epochs": 2, "seed": 0},
        "full": {"train_size": TRAIN_SIZE, "epochs": 3, "seed": 0},
    },
    "task1": {
        "quick": {
            "train_size": 2_000,
            "epochs": 1,
            "seeds": 1,
            "batch_sizes": (8, 32, 128),
            "hidden_layers": (1, 2, 4),
            "learning_rates": (0.01, 0.1, 0.4),
            "heatmap_seeds": 1,
            "eval_size": 2_000,
        },
        "full": {
            "train_size": TRAIN_SIZE,
            "epochs": 3,
            "seeds": 5,
            "batch_sizes": (1, 2, 4, 8, 16, 32, 64, 128),
            "hidden_layers": (1, 2, 4, 6, 8),
            "learning_rates": (0.01, 0.05, 0.1, 0.2, 0.4, 0.8),
            "heatmap_seeds": 1,
            "eval_size": None,
        },
    },
    "task2": {
        "quick": {"train_size": 2_000, "epochs": 2, "seeds": 1, "eval_size": None, "remedy_weights": (4.0,)},
        "full": {"train_size": TRAIN_SIZE, "epochs": 3, "seeds": 5, "eval_size": None, "remedy_weights": (2.0, 4.0, 8.0)},
    },
    "task3": {
        "quick": {
            "train_size": 1_000,
            "epochs": 20,
            "seeds": 1,
            "eval_size": 2_000,
            "data_sizes": (1_000, 4_000),
            "l2": 1e-3,
            "dropout": 0.3,
            "small_units": 16,
            "patience": 3,
        },
        "full": {
            "train_size": 1_000,
            "epochs": 500,
            "seeds": 3,
            "eval_size": None,
            "data_sizes": (1_000, 2_000, 5_000, 10_000, 50_000),
            "l2": 1e-3,
            "dropout": 0.3,
            "small_units": 16,
            "patience": 20,
        },
    },
    "task4": {
        "quick": {"seeds": 2, "epochs": 60, "hard_noise": 10},
        "full": {"seeds": 10, "epochs": None, "hard_noise": 10},
    },
}


PROFILE_ENV = "MLP_REPORT_PROFILE"  # `make lab PROFILE=quick`: the profile of chapters run by hand
PAPERMILL_HEADER = "# Parameters"  # the first line of the cell papermill injects (its Python translator)


def injected_parameters(namespace: Mapping[str, Any] | None) -> list[str]:
    """Names assigned by the parameters cell papermill injected into this kernel, in order.

    ``namespace`` is the chapter's ``globals()``: IPython keeps the source of every executed cell in
    ``In``, and papermill's injected cell starts with ``# Parameters``. With no injection (Jupyter Book
    executing the text notebook, or a JupyterLab session) the list is empty.
    """
    history = (namespace or {}).get("In") or (namespace or {}).get("_ih") or []
    for source in reversed(list(history)):
        if isinstance(source, str) and source.lstrip().startswith(PAPERMILL_HEADER + "\n"):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return []
            return [
                target.id
                for node in tree.body
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            ]
    return []


def check_names(chapter: str, names: list[str] | tuple[str, ...]) -> None:
    """Fail on parameter names ``chapter`` does not know, naming them, a close match and the known ones."""
    require_choice("chapter", chapter, PROFILES)
    known = ("profile", *KNOBS[chapter])
    unknown = [n for n in dict.fromkeys(names) if n not in known]
    if not unknown:
        return
    listed = ", ".join(f"{n!r}{suggestion(n, known)}" for n in unknown)
    what = "parameter" if len(unknown) == 1 else "parameters"
    verb = "is" if len(unknown) == 1 else "are"
    raise ConfigError(f"{what} {listed} {verb} unknown to {chapter}: allowed parameters are {', '.join(known)}.")


def resolve(
    chapter: str, profile: str, *, namespace: Mapping[str, Any] | None = None, **overrides: Any
) -> SimpleNamespace:
    """The settings of ``chapter`` under ``profile``, with non-``None`` overrides validated and applied.

    A chapter passes ``namespace=globals()``: then a parameter papermill injected that the chapter does
    not know (a typo such as ``-p seed 7`` where ``seeds`` is meant) stops it here, before any work.
    When papermill injected no ``profile`` (a chapter run in JupyterLab), ``MLP_REPORT_PROFILE`` replaces
    the parameters cell's default, so a quick run needs no edit of the chapter.
    """
    require_choice("chapter", chapter, PROFILES)
    injected = injected_parameters(namespace)
    check_names(chapter, [*injected, *overrides])
    if namespace is not None and "profile" not in injected and os.environ.get(PROFILE_ENV):
        profile = os.environ[PROFILE_ENV]
        require_choice(PROFILE_ENV, profile, PROFILE_NAMES)
    require_choice("profile", profile, PROFILE_NAMES)
    knobs = KNOBS[chapter]
    values = dict(PROFILES[chapter][profile])
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = {k: knobs[k](k, v) for k, v in values.items()}
    check_outputs(profile)
    return SimpleNamespace(profile=profile, **settings)


def check_outputs(profile: str) -> None:
    """Fail before any work when the run cache or the chapters' results folder cannot be written."""
    from .paths import cache_dir, require_writable, results_dir

    require_writable(cache_dir(), "results cache folder", "MLP_REPORT_CACHE")
    require_writable(results_dir(profile), "chapter results folder", "MLP_REPORT_RESULTS")


def describe(settings: SimpleNamespace) -> str:
    """One line naming the profile and every knob, for the top of a chapter."""
    return "Run settings: " + ", ".join(f"{k}={v}" for k, v in vars(settings).items())


