"""Shared phrases: counts, lists, movements and interval comparisons."""

from __future__ import annotations

import pytest

from mlp_report.narrative.common import listed, moved, noise_phrase, plural, times


def test_plural():
    assert plural(1, "seed") == "1 seed"
    assert plural(5, "seed") == "5 seeds"
    assert plural(0, "seed") == "0 seeds"


@pytest.mark.parametrize(("count", "text"), [(0, "never"), (1, "once"), (2, "twice"), (3, "3 times"), (1200, "1,200 times")])
def test_times(count, text):
    assert times(count) == text


def test_listed():
    assert listed(["a"]) == "a"
    assert listed(["a", "b"]) == "a and b"
    assert listed(iter(["a", "b", "c"])) == "a, b and c"
    with pytest.raises(ValueError, match="at least one"):
        listed([])


def test_moved_in_percent_and_in_counts():
    assert moved(0.9, 0.95) == "rose from 90.00 % to 95.00 %"
    assert moved(0.95, 0.9) == "fell from 95.00 % to 90.00 %"
    assert moved(0.90001, 0.90002) == "stayed at 90.00 %"  # equal as shown
    assert moved(12.0, 7.55, percent=False) == "fell from 12.0 to 7.5"
    assert moved(3.01, 3.04, percent=False) == "stayed at 3.0"


def test_noise_phrase():
    assert noise_phrase(None, apart_text="a", overlap_text="b") == "cannot be compared with a single seed"
    assert noise_phrase(True, apart_text="a", overlap_text="b") == "a"
    assert noise_phrase(False, apart_text="a", overlap_text="b") == "b"
