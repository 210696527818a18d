"""mlp_report.paths: atomic writers and the array cache."""

from __future__ import annotations

import stat

import numpy as np
import pytest

from mlp_report.paths import atomic_write, atomic_write_text, load_arrays, store_arrays


def test_atomic_write_leaves_the_old_file_when_the_writer_fails(tmp_path):
    path = atomic_write_text(tmp_path / "a" / "file.txt", "old ✓")
    assert path.read_text(encoding="utf-8") == "old ✓"

    def broken(fh):
        fh.write(b"half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        atomic_write(path, broken)
    assert path.read_text(encoding="utf-8") == "old ✓"
    assert [p.name for p in path.parent.iterdir()] == ["file.txt"]  # no temporary file left behind
    assert path.stat().st_mode & stat.S_IRGRP  # readable by the group


def test_array_cache_round_trip_and_unreadable_entries(tmp_path, monkeypatch):
    monkeypatch.setenv("MLP_REPORT_CACHE", str(tmp_path))
    assert load_arrays("kind", "abcdef") is None
    path = store_arrays("kind", "abcdef", {"loss": np.array([1.0, 0.5]), "seed": 3})
    assert path.stat().st_mode & stat.S_IRGRP
    loaded = load_arrays("kind", "abcdef")
    assert loaded is not None and list(loaded["loss"]) == [1.0, 0.5] and int(loaded["seed"]) == 3
    path.write_bytes(path.read_bytes()[:20])  # truncated: recomputed by the caller
    assert load_arrays("kind", "abcdef") is None
