"""Nothing outlives its build: the processes a build starts end with it.

A build starts ``jupyter-book build`` and, through papermill, one Jupyter kernel per chapter. A kernel is
started in a session of its own (jupyter_client does so to interrupt it), so a signal to the build's
process group does not reach it, and a build killed by SIGTERM would leave both running on, writing into
the stage the next build uses. :func:`end_with_this_process` makes SIGTERM, SIGHUP and SIGINT end every
descendant first (then the build lock is released and the process exits); :func:`end_descendants` is
what a ``finally`` calls when the build itself crashes. :func:`die_with_parent` is for a child the build
starts: the kernel sends it SIGTERM if the build is killed with SIGKILL, which no handler can catch.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import sys
from collections.abc import Callable

SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def end_descendants(timeout: float = 5.0) -> list[int]:
    """Terminate every process descended from this one (SIGTERM, then SIGKILL after ``timeout`` seconds);
    returns their pids. The tree is read before anything is signalled, so grandchildren a dying child
    leaves behind (re-parented elsewhere) are still found."""
    import psutil

    try:
        tree = psutil.Process().children(recursive=True)
    except psutil.Error:
        return []
    for proc in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.terminate()
    _, alive = psutil.wait_procs(tree, timeout=timeout)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(alive, timeout=timeout)
    return [proc.pid for proc in tree]


def end_with_this_process(before_exit: Callable[[], None] | None = None) -> None:
    """On SIGTERM, SIGHUP or SIGINT: end every descendant, call ``before_exit`` (e.g. release the build
    lock), then raise ``KeyboardInterrupt`` for SIGINT or ``SystemExit(128 + signal)`` otherwise, so the
    ``finally`` blocks on the way out still run. Call it from the main thread."""

    def handler(signum: int, _frame) -> None:
        for sig in SIGNALS:  # a second signal while cleaning up must not cut the clean-up short
            signal.signal(sig, signal.SIG_IGN)
        try:
            end_descendants()
            if before_exit is not None:
                before_exit()
        finally:
            for sig in SIGNALS:
                signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT else signal.SIG_DFL)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        print(f"stopped by {signal.Signals(signum).name}; its child processes were ended", file=sys.stderr)
        raise SystemExit(128 + signum)

    for sig in SIGNALS:
        signal.signal(sig, handler)


def die_with_parent() -> None:
    """``preexec_fn`` for a child process: Linux sends it SIGTERM when its parent dies (SIGKILL too)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the parent's handlers are all there is
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
