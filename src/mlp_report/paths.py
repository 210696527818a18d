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


def stage_dir(root: Path, profile: str) -> Path:
    """The executed chapters of one profile (``MLP_REPORT_STAGE``, default ``.cache/book/<profile>``)."""
    if os.environ.get("MLP_REPORT_STAGE"):
        return Path(os.environ["MLP_REPORT_STAGE"]).resolve()
    return Path(root).resolve() / CACHE_FOLDER / "book" / profile


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename, so a reader
    sees the old file or the whole new one, never a half-written one (also if the process is killed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
