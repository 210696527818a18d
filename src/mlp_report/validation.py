"""Argument checks that fail early with a message naming the parameter, the bad value and what is allowed."""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable
from typing import Any


class ShortError(Exception):
    """An error whose message says all: in a notebook (IPython, papermill) it shows as one line
    ``Name: message``, without the traceback through the package's validation code."""

    def _render_traceback_(self) -> list[str]:  # IPython's hook for an exception's own traceback
        return [f"{type(self).__name__}: {self}"]


class ConfigError(ShortError, ValueError):
    """A parameter has a value outside what is allowed."""


class CacheError(ConfigError):
    """A folder the project writes to (a cache, the results, the stage) cannot be used."""


class DivergedWarning(RuntimeWarning):
    """A training run's loss became ``nan`` or infinite: its metrics are not meaningful."""


def invalid(name: str, value: Any, allowed: str) -> ConfigError:
    """Build the standard error: ``name=value is invalid: allowed ...``."""
    return ConfigError(f"{name}={value!r} is invalid: {allowed}.")


def require_int(name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` if it is an integer within [minimum, maximum]."""
    bounds = []
    if minimum is not None:
        bounds.append(f">= {minimum}")
    if maximum is not None:
        bounds.append(f"<= {maximum}")
    allowed = "expected an integer" + (f" {' and '.join(bounds)}" if bounds else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise invalid(name, value, allowed)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise invalid(name, value, allowed)
    return int(value)


def require_float(
    name: str, value: Any, *, positive: bool = False, minimum: float | None = None, below: float | None = None
) -> float:
    """Return ``value`` as float if it is a finite real number (> 0 if ``positive``, >= minimum, < below).

    ``nan``, ``inf`` and ``-inf`` are always rejected, with a message saying a finite number is expected.
    """
    parts = []
    if positive:
        parts.append("> 0")
    if minimum is not None:
        parts.append(f">= {minimum}")
    if below is not None:
        parts.append(f"< {below}")
    allowed = "expected a number" + (f" {' and '.join(parts)}" if parts else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise invalid(name, value, allowed)
    if not math.isfinite(value):
        raise invalid(name, value, allowed.replace("a number", "a finite number"))
    if (positive and not value > 0) or (minimum is not None and value < minimum) or (below is not None and value >= below):
        raise invalid(name, value, allowed)
    return float(value)


def require_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``."""
    choices = list(choices)
    if value not in choices:
        raise invalid(name, value, "expected one of " + ", ".join(repr(c) for c in choices))
    return value


def require_known_keys(name: str, keys: Iterable[str], allowed: Iterable[str]) -> None:
    """Fail on the first key of ``keys`` that is not in ``allowed``."""
    allowed = sorted(allowed)
    for key in keys:
        if key not in allowed:
            raise ConfigError(
                f"{name} has an unknown key {key!r}{suggestion(str(key), allowed)}: allowed keys are {', '.join(allowed)}."
            )


def suggestion(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a known name is close to ``name`` (a typo), else ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
