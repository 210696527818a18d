"""Where a build's time goes: named sections timed into a JSON-lines file, for ``--profile-build``.

Off unless ``MLP_REPORT_TIMINGS`` names a file. Then :func:`section` adds the wall and CPU seconds of
its block to a per-process tally (:data:`SECTIONS`: loading MNIST, compiling an epoch function (its
first call, whole), training steps, evaluation, predictions, figures), and
:func:`flush` appends the tally as one line ``{"chapter", "pid", "<section>": [wall, cpu], ...}``
(``MLP_REPORT_CHAPTER`` names the chapter; sweep workers inherit both variables). CPU seconds count
every thread of the process, so they stay meaningful on a machine other jobs are loading.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

ENV = "MLP_REPORT_TIMINGS"
SECTIONS = ("data", "compilation", "training", "evaluation", "predictions", "figures")

_tally: dict[str, list[float]] = {}
_open: set[str] = set()  # sections being timed now: a nested one of the same name is not counted twice
F = TypeVar("F", bound=Callable[..., Any])


def enabled() -> bool:
    return bool(os.environ.get(ENV))


@contextmanager
def section(name: str) -> Iterator[None]:
    """Add this block's wall and CPU time to ``name`` (a no-op unless timings are on)."""
    if name in _open or not enabled():
        yield
        return
    _open.add(name)
    _flush_at_exit()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        _open.discard(name)
        spent = _tally.setdefault(name, [0.0, 0.0])
        spent[0] += time.perf_counter() - wall
        spent[1] += time.process_time() - cpu


@functools.lru_cache(maxsize=1)
def _flush_at_exit() -> None:
    atexit.register(flush)


def add(name: str, wall: float, cpu: float) -> None:
    """Add seconds measured elsewhere to ``name`` (a no-op unless timings are on)."""
    if enabled():
        spent = _tally.setdefault(name, [0.0, 0.0])
        spent[0] += wall
        spent[1] += cpu


def flush() -> None:
    """Append this process's tally since the last flush to the timings file, and reset it."""
    path = os.environ.get(ENV)
    if not path or not _tally:
        _tally.clear()
        return
    record = {"chapter": os.environ.get("MLP_REPORT_CHAPTER", ""), "pid": os.getpid(), **_tally}
    line = (json.dumps(record) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)  # one short O_APPEND write: lines of concurrent processes do not interleave
    finally:
        os.close(fd)
    _tally.clear()


def timed(name: str) -> Callable[[F], F]:
    """Decorator: the whole call is timed as ``name`` and flushed."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with section(name):
                result = fn(*args, **kwargs)
            flush()
            return result

        return inner  # type: ignore[return-value]

    return wrap


def read(path: str | os.PathLike) -> dict[str, dict[str, list[float]]]:
    """``{chapter: {section: [wall, cpu]}}`` summed over the processes of the timings file ``path``."""
    totals: dict[str, dict[str, list[float]]] = {}
    if not os.path.exists(path):
        return totals
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            chapter = totals.setdefault(record.pop("chapter"), {})
            record.pop("pid", None)
            for name, (wall, cpu) in record.items():
                spent = chapter.setdefault(name, [0.0, 0.0])
                spent[0] += wall
                spent[1] += cpu
    return totals
