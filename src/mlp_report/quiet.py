"""TensorFlow without its start-up noise: no C++ log lines (oneDNN, cudart, ``cuInit``) in kernels and builds.

TensorFlow 2.21 writes its first log lines to standard error before it reads ``TF_CPP_MIN_LOG_LEVEL``
("All log messages before absl::InitializeLog() is called are written to STDERR"), and the device scan
logs ``failed call to cuInit`` on a machine without a GPU. :func:`import_tensorflow` imports it and scans
the devices once with the process's standard error (file descriptor 2) sent to ``/dev/null``; Python
exceptions are unaffected, so a failed import still says why. Later C++ logs below ``ERROR`` are cut by
``TF_CPP_MIN_LOG_LEVEL=3``, Python-side warnings (``tf.function`` retracing) by the ``tensorflow`` logger.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_done = False


@contextlib.contextmanager
def silenced_stderr() -> Iterator[None]:
    """Send file descriptor 2 (what C++ libraries write to) to ``/dev/null`` inside the block."""
    with contextlib.suppress(AttributeError, ValueError, OSError):
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no standard error at all: nothing to silence
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def import_tensorflow():
    """``import tensorflow`` (and Keras) quietly, once per process; returns the ``tensorflow`` module."""
    global _done
    if _done:
        return sys.modules["tensorflow"]
    with silenced_stderr():
        import keras  # noqa: F401
        import tensorflow as tf

        tf.config.list_physical_devices()  # the device scan (cuInit) logs here, not at the first op
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    _done = True
    return tf
