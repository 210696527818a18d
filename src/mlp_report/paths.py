"""Where the project keeps caches and results (overridable through environment variables)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

PATH_VARIABLES = ("MNIST_DIR", "MLP_REPORT_ROOT", "MLP_REPORT_CACHE", "MLP_REPORT_RESULTS", "MLP_REPORT_STAGE")


def absolutize_path_variables(cwd: str | os.PathLike | None = None) -> dict[str, str]:
    """Make the relative paths in :data:`PATH_VARIABLES` absolute against ``cwd`` (default: the folder the
    command was typed in), in ``os.environ``, before kernels start in ``chapters/``; returns the changes."""
    base = Path(cwd or os.getcwd())
    changed = {}
    for name in PATH_VARIABLES:
        value = os.environ.get(name, "")
        if value.strip() and not os.path.isabs(value):
            changed[name] = os.environ[name] = str(base / value)
    return changed


def project_root() -> Path:
    """The checkout holding ``_toc.yml`` and ``pyproject.toml`` (``MLP_REPORT_ROOT`` overrides)."""
    if os.environ.get("MLP_REPORT_ROOT"):
        return Path(os.environ["MLP_REPORT_ROOT"]).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "_toc.yml").is_file():
            return folder
    source_checkout = Path(__file__).resolve().parents[2]
    if (source_checkout / "_toc.yml").is_file():
        return source_checkout
    return here


# Everything expensive lives in the git-ignored .cache/ at the root, outside _build/, so that
# `jupyter-book clean` (which empties _build/ except its own .jupyter_cache) keeps the trained runs and
# the executed chapters; `make clean` removes it.
CACHE_FOLDER = ".cache"


def cache_dir() -> Path:
    """The results cache of training runs (``MLP_REPORT_CACHE``, default ``.cache/runs``)."""
    return Path(os.environ.get("MLP_REPORT_CACHE") or project_root() / CACHE_FOLDER / "runs")


def results_dir(profile: str) -> Path:
    """Files one chapter hands to another, per profile (``MLP_REPORT_RESULTS``, default ``.cache/results``)."""
    base = Path(os.environ.get("MLP_REPORT_RESULTS") or project_root() / CACHE_FOLDER / "results")
    return base / profile


def _file_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return (0o666 & ~umask) | 0o640  # what open() would give, and at least readable by the group


_FILE_MODE = _file_mode()


def stage_dir(root: Path, profile: str) -> Path:
    """The executed chapters of one profile (``MLP_REPORT_STAGE``, default ``.cache/book/<profile>``)."""
    if os.environ.get("MLP_REPORT_STAGE"):
        return Path(os.environ["MLP_REPORT_STAGE"]).resolve()
    return Path(root).resolve() / CACHE_FOLDER / "book" / profile


def require_writable(folder: str | os.PathLike, what: str, variable: str) -> Path:
    """Fail now, before any work, if files cannot be created in ``folder`` (created if missing): one line
    naming ``what`` it is, the folder, the reason and the environment ``variable`` that moves it."""
    from .validation import CacheError

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CacheError(
            f"{what} {folder} is not writable ({reason}): set {variable} to a writable folder (or fix its "
            "permissions) and run again; nothing was trained."
        ) from None
    return folder


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> Path:
    """Create ``path`` by calling ``write`` on a temporary file in the same folder, then renaming it, so a
    reader sees the old file or the whole new one, never a half-written one (also if the process is
    killed). The file is readable by the group, as a shared cache needs."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    try:
        os.fchmod(fd, _FILE_MODE)  # mkstemp's 0600 would hide shared caches from the group
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:  # e.g. a full disk: say which file, keep nothing half-written
        Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, f"{exc.strerror or exc}; nothing half-written was kept", str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through :func:`atomic_write`."""
    return atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))


def write_json(path: str | os.PathLike, payload: Any) -> Path:
    """Write ``payload`` as indented JSON through :func:`atomic_write_text` (NumPy scalars become numbers)."""
    return atomic_write_text(path, json.dumps(payload, indent=2, default=_plain))


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def digest(*parts: Any) -> str:
    """sha256 over JSON-able values and NumPy arrays (their dtype, shape and bytes), in order."""
    import numpy as np

    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(f"ndarray {part.dtype.str} {part.shape}".encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


def source_digest(*modules: Any) -> str:
    """sha256 of the source files of ``modules``: a cached result computed by them is stale once they change."""
    return digest(*(Path(module.__file__).read_text() for module in modules))


def arrays_path(kind: str, key: str) -> Path:
    """The file :func:`store_arrays` writes for ``kind`` and ``key``."""
    return cache_dir() / kind / key[:2] / f"{key}.npz"


def bad_arrays(kind: str, key: str, problem: str) -> None:
    """Warn that a cached entry failed its checks (naming the file and what is wrong); the caller recomputes."""
    import warnings

    warnings.warn(f"ignoring corrupt cache entry {arrays_path(kind, key)} ({problem}); the run is recomputed", stacklevel=3)


def load_arrays(kind: str, key: str) -> dict[str, Any] | None:
    """A cached ``{name: array}`` stored by :func:`store_arrays` under ``cache_dir()/kind``, or None
    (missing or unreadable entries are recomputed by the caller)."""
    import numpy as np

    from . import runlog

    path = arrays_path(kind, key)
    try:
        with np.load(path, allow_pickle=False) as npz:
            found = {name: npz[name] for name in npz.files}
    except Exception:  # missing, truncated or foreign: recompute
        runlog.cache_lookup(kind, 0, 1)
        return None
    runlog.cache_lookup(kind, 1, 0)
    return found


def store_arrays(kind: str, key: str, arrays: dict[str, Any]) -> Path:
    """Store ``{name: array}`` atomically (temporary file + rename) under ``cache_dir()/kind``."""
    import numpy as np

    path = arrays_path(kind, key)
    return atomic_write(path, lambda fh: np.savez(fh, **{name: np.asarray(value) for name, value in arrays.items()}))
