"""Quiet when all is well: TensorFlow's start-up lines ("oneDNN custom operations are on", "Could not find
cuda drivers", "failed call to cuInit", written by its C++ runtime straight to file descriptor 2 before
its logging is set up, so ``TF_CPP_MIN_LOG_LEVEL`` cannot hide them) are held back while TensorFlow is
imported and its devices are listed, and shown only if that fails. :func:`install` is called when the
package is imported; it costs nothing until something imports TensorFlow.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterator


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
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
            with held_stderr():
                exec_module(module)
                module.config.list_physical_devices()  # the device probe logs too ("cuInit")

        spec.loader.exec_module = quiet_exec_module
        return spec


def install() -> None:
    """Hold back TensorFlow's start-up lines when it is first imported (a no-op if it already is)."""
    if "tensorflow" not in sys.modules and not any(isinstance(f, _QuietTensorFlow) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlow())
