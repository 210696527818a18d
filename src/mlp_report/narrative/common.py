"""Phrases shared by several chapters."""

from __future__ import annotations

from collections.abc import Iterable


def plural(count: int, noun: str) -> str:
    """``1 seed``, ``5 seeds``."""
    return f"{count} {noun}" + ("s" if count != 1 else "")


def times(count: int) -> str:
    """``never``, ``once``, ``twice``, ``3 times``, ``1,200 times``."""
    return {0: "never", 1: "once", 2: "twice"}.get(count, f"{count:,} times")


def listed(names: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    names = list(names)
    if not names:
        raise ValueError("listed() needs at least one name")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def moved(before: float, after: float, *, percent: bool = True) -> str:
    """``rose from A to B``, ``fell from A to B`` or ``stayed at A``: fractions shown in % with 2 decimals,
    counts with 1 decimal; equal when the shown values are equal."""

    def shown(value: float) -> str:
        return f"{100 * value:.2f} %" if percent else f"{value:.1f}"

    if shown(before) == shown(after):
        return f"stayed at {shown(before)}"
    return f"{'rose' if after > before else 'fell'} from {shown(before)} to {shown(after)}"


def noise_phrase(apart: bool | None, *, apart_text: str, overlap_text: str) -> str:
    """Prose for an interval comparison that stays true with one seed (``apart`` is None)."""
    if apart is None:
        return "cannot be compared with a single seed"
    return apart_text if apart else overlap_text
