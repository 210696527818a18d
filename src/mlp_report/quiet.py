"""Quiet when all is well: TensorFlow without its start-up noise in kernels and builds.

TensorFlow's C++ runtime writes its first lines ("oneDNN custom operations are on", "Could not find cuda
drivers", "failed call to cuInit") straight to file descriptor 2 before its logging is set up, so
``TF_CPP_MIN_LOG_LEVEL`` cannot hide them. They are held back while TensorFlow is imported and its devices
are listed, and shown only if that fails (a failed import still says why). :func:`install`, called when
the package is imported, does this for whoever imports TensorFlow first; :func:`import_tensorflow` is
what the package's own modules call. Later C++ logs are cut by ``TF_CPP_MIN_LOG_LEVEL=3``, Python-side
warnings (``tf.function`` retracing) by the ``tensorflow`` logger.

A notebook kernel that imports the package also drops two records of library noise that its shutdown
writes, in some runs and not others, into the terminal of whoever ran papermill or the book: ipykernel
(7.4 and earlier) races with itself when its control thread flushes output through the IOPub event pipe
the main thread has just closed, and tornado logs a 20-line ``ZMQError: Socket operation on non-socket``
traceback (ipykernel's own fix for the same race in its sending path logs it at debug level); and
jupyter_client interrupts every kernel before it asks it to shut down, so a kernel still finishing a
request logs "KeyboardInterrupt caught in kernel" (a user's own interrupt of a cell is reported in the
cell, not by this record). :func:`install` filters exactly these records; everything else is logged.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.abc
import importlib.util
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@contextlib.contextmanager
def held_stderr() -> Iterator[None]:
    """Send file descriptor 2 to a temporary file for the block; replay it if the block raises."""
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 to hold back
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            held.seek(0)
            os.write(2, held.read())
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class _QuietTensorFlow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once: find the real spec, wrap its loader
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def quiet_exec_module(module) -> None:
            with held_stderr():
                exec_module(module)
                module.config.list_physical_devices()  # the device probe logs too ("cuInit")

        spec.loader.exec_module = quiet_exec_module
        return spec


class _KernelShutdownRace(logging.Filter):
    """Drops tornado's "Uncaught exception" record of ipykernel's shutdown race (ENOTSOCK in ``iostream``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if type(error).__name__ != "ZMQError" or getattr(error, "errno", None) != errno.ENOTSOCK:
            return True
        frames = traceback.extract_tb(error.__traceback__)
        return not any(Path(frame.filename).parts[-2:] == ("ipykernel", "iostream.py") for frame in frames)


class _InterruptBeforeShutdown(logging.Filter):
    """Drops ipykernel's "KeyboardInterrupt caught in kernel" record (jupyter_client's interrupt at shutdown)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("KeyboardInterrupt caught in kernel")


# the loggers that write these records: a ZMQStream's callback, an IOLoop's callback, the kernel's own log
_FILTERS = {"tornado.general": _KernelShutdownRace, "tornado.application": _KernelShutdownRace,
            "IPKernelApp": _InterruptBeforeShutdown}


def install() -> None:
    """Hold back TensorFlow's start-up lines when it is first imported (a no-op if it already is), and drop
    a kernel's shutdown noise (once)."""
    for name, kind in _FILTERS.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
    if "tensorflow" not in sys.modules and not any(isinstance(f, _QuietTensorFlow) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlow())


def import_tensorflow():
    """``import tensorflow`` (and Keras) quietly, once per process; returns the ``tensorflow`` module."""
    install()
    with held_stderr():
        import keras  # noqa: F401
        import tensorflow as tf

        tf.config.list_physical_devices()  # the device scan (cuInit) logs here, not at the first op
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return tf
