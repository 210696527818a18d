"""The package's build backend: setuptools' own, plus ``mlp_report.pth`` at the root of every wheel.

``pyproject.toml`` names this module (``backend-path = ["src"]``). Each wheel setuptools builds, the
regular one (``pip install .``, the book's download) and the editable one (``pip install -e .``, ``make
install``), gets the start-up file ``src/mlp_report.pth`` beside the packages, listed in its ``RECORD``, so
every install carries it (setuptools has no setting that puts a ``.pth`` file there). The file runs
:mod:`mlp_report_startup` in the ``papermill`` and ``jupyter-book`` commands only. This module is not
installed.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403  (the hooks this module does not change)

PTH = Path(__file__).resolve().with_name("mlp_report.pth")


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    add_file(Path(wheel_directory) / name, PTH.name, PTH.read_bytes())
    return name


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    name = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    add_file(Path(wheel_directory) / name, PTH.name, PTH.read_bytes())
    return name


def add_file(wheel: Path, name: str, data: bytes) -> None:
    """Add ``name`` (at the wheel's root) to ``wheel`` and to its ``RECORD``, rewriting the archive."""
    with zipfile.ZipFile(wheel) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist() if info.filename != name]
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    row = f"{name},sha256={digest},{len(data)}\n".encode()
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo(name, date_time=entries[0][0].date_time), data)
        for info, content in entries:
            if info.filename.endswith(".dist-info/RECORD"):
                rows = [line for line in content.splitlines(keepends=True) if not line.startswith(f"{name},".encode())]
                content = b"".join(rows[:-1] + [row] + rows[-1:])  # RECORD's own row stays last
            zf.writestr(info, content)
