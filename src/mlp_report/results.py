"""Files one chapter hands to the next, per profile (Task 1's best setting is read by Tasks 2 and 3)."""

from __future__ import annotations

import json
from typing import Any

from .paths import results_dir, write_json
from .profiles import PROFILE_NAMES
from .validation import ConfigError, require_choice, require_float, require_int

BEST_SETTING = "task1_best.json"
BEST_FIELDS = ("batch_size", "hidden_layers", "learning_rate")


def write_best_setting(profile: str, setting: dict[str, Any], **evidence: Any) -> None:
    """Store Task 1's chosen setting (``batch_size``, ``hidden_layers``, ``learning_rate``) and its evidence."""
    require_choice("profile", profile, PROFILE_NAMES)
    _check(setting)
    write_json(results_dir(profile) / BEST_SETTING, {"setting": {k: setting[k] for k in BEST_FIELDS}, **evidence})


def read_best_setting(profile: str, recorded: dict[str, Any] | None = None) -> dict[str, Any]:
    """Task 1's chosen setting for ``profile``; a clear error says how to produce it when missing.

    ``recorded`` is Task 1's result as the book's build recorded it in a downloaded notebook (its metadata
    ``mlp_report.inputs``): where Task 1's results file is missing (the notebook runs on its own), that
    choice is used. The returned dict's ``"source"`` says which: ``"results"`` or ``"recorded"``."""
    require_choice("profile", profile, PROFILE_NAMES)
    path = results_dir(profile) / BEST_SETTING
    if not path.is_file() and recorded is not None:
        try:
            _check(recorded["setting"])
        except (KeyError, TypeError, ConfigError) as exc:
            raise ConfigError(f"recorded={recorded!r} is not a valid Task 1 result ({exc}).") from exc
        return {**recorded, "source": "recorded"}
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist: execute the Task 1 chapter with profile={profile!r} first "
            f"(`python -m mlp_report.build.book --profile {profile}` runs the chapters in order)."
        )
    try:
        doc = json.loads(path.read_text())
        _check(doc["setting"])
    except (ValueError, KeyError, TypeError, ConfigError) as exc:
        raise ConfigError(f"{path} is not a valid Task 1 result ({exc}): execute the Task 1 chapter again.") from exc
    return {**doc, "source": "results"}


def _check(setting: dict[str, Any]) -> None:
    require_int("batch_size", setting["batch_size"], minimum=1)
    require_int("hidden_layers", setting["hidden_layers"], minimum=0)
    require_float("learning_rate", setting["learning_rate"], positive=True)
