"""Where the project keeps caches and results (overridable through environment variables)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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


def cache_dir() -> Path:
    """The results cache of training runs (``MLP_REPORT_CACHE``, default ``_build/cache/runs``)."""
    return Path(os.environ.get("MLP_REPORT_CACHE") or project_root() / "_build" / "cache" / "runs")


def results_dir(profile: str) -> Path:
    """Files one chapter hands to another, per profile (``MLP_REPORT_RESULTS``, default ``_build/results``)."""
    base = Path(os.environ.get("MLP_REPORT_RESULTS") or project_root() / "_build" / "results")
    return base / profile


def _file_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return (0o666 & ~umask) | 0o640  # what open() would give, and at least readable by the group


_FILE_MODE = _file_mode()


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename, so a reader
    sees the old file or the whole new one, never a half-written one (also if the process is killed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _FILE_MODE)  # mkstemp's 0600 would hide shared caches from the group
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
