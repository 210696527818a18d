"""A log of what the training caches served and what was trained, for the book's provenance page.

The book's build sets ``MLP_REPORT_RUN_LOG`` to a file before it executes a chapter; the cache layers
(:func:`mlp_report.paths.load_arrays`, the sweeps' result cache) and :func:`mlp_report.training.train`
append one JSON line per event to it (sweep workers inherit the variable and append to the same file;
each line is one ``write`` in append mode, so lines from several processes do not interleave). Without
the variable nothing is recorded. :func:`summarize` turns a log into the counts the chapter's manifest keeps.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ENV_VAR = "MLP_REPORT_RUN_LOG"


def record(**event: Any) -> None:
    """Append ``event`` as one JSON line to the log named by ``MLP_REPORT_RUN_LOG`` (no variable: nothing)."""
    path = os.environ.get(ENV_VAR)
    if not path:
        return
    line = (json.dumps(event, sort_keys=True, default=float) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def cache_lookup(kind: str, hits: int, misses: int) -> None:
    """Record that a cache of ``kind`` (``train``, ``playground``, ``sweep``) served ``hits`` runs and
    lacked ``misses`` (which the caller then trains)."""
    if hits or misses:
        record(event="cache", kind=kind, hits=int(hits), misses=int(misses))


def trained(batch_size: int, samples: int, seconds: float) -> None:
    """Record one training by :func:`mlp_report.training.train`: ``samples`` examples seen in ``seconds``."""
    record(event="trained", batch_size=int(batch_size), samples=int(samples), seconds=float(seconds))


def read_events(path: str | os.PathLike) -> list[dict[str, Any]]:
    """The events of a log (an unreadable last line, e.g. from a killed process, is skipped)."""
    events = []
    path = Path(path)
    if not path.is_file():
        return events
    for line in path.read_text().splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return events


def summarize(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Counts for a manifest: runs served by the caches and trained, per cache kind, and the training
    throughput per batch size (``{batch_size: {"samples", "seconds"}}``, keys as strings for JSON)."""
    runs: dict[str, dict[str, int]] = {}
    throughput: dict[str, dict[str, float]] = {}
    for event in events:
        if event.get("event") == "cache":
            kind = runs.setdefault(str(event["kind"]), {"cached": 0, "trained": 0})
            kind["cached"] += int(event["hits"])
            kind["trained"] += int(event["misses"])
        elif event.get("event") == "trained":
            entry = throughput.setdefault(str(event["batch_size"]), {"samples": 0, "seconds": 0.0})
            entry["samples"] += int(event["samples"])
            entry["seconds"] += float(event["seconds"])
    return {
        "cached": sum(k["cached"] for k in runs.values()),
        "trained": sum(k["trained"] for k in runs.values()),
        "by_cache": runs,
        "throughput": {b: throughput[b] for b in sorted(throughput, key=int)},
    }
