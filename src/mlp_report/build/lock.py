"""One book build per checkout at a time.

Two builds in one checkout would share the staged notebooks: one would re-stage a notebook the other
is rendering. :func:`hold_build_lock` takes an exclusive ``flock`` on ``.cache/build.lock`` for the
rest of the process, and records who holds it, so a second build stops at once naming the first. The
operating system drops the lock when the holder exits, however it exits (SIGKILL too): never stale.

A build that starts ``jupyter-book build`` hands the lock down (:func:`lock_for_child`): the child
inherits the locked descriptor and the Sphinx extension, which takes the lock for a plain
``jupyter-book build .``, finds it already held by its parent. An orphaned child keeps the lock, so no
second build can start while it runs.
"""

from __future__ import annotations

import fcntl
import os
import re
import sys
import time
from pathlib import Path

from ..paths import CACHE_FOLDER

LOCK_NAME = "build.lock"
LOCK_FD_ENV = "MLP_REPORT_BUILD_LOCK_FD"  # the descriptor a child inherits from the build holding the lock

_held: dict[Path, int] = {}  # lock file -> open descriptor, for the life of this process
_inherited: set[int] = set()  # descriptors handed down by a parent build: the parent's to release


class BuildLockedError(RuntimeError):
    """Another build holds this checkout's build lock."""


def lock_path(root: str | os.PathLike) -> Path:
    """The build lock of the checkout at ``root``."""
    return Path(root).resolve() / CACHE_FOLDER / LOCK_NAME


def hold_build_lock(root: str | os.PathLike) -> Path:
    """Take the build lock of ``root`` until this process exits, or fail at once naming the holder."""
    path = lock_path(root)
    if path in _held:
        return path
    inherited = _inherited_fd(path)
    if inherited is not None:
        _held[path] = inherited
        _inherited.add(inherited)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 4096, 0).decode(errors="replace").strip() or "a process that has not said who it is"
        os.close(fd)
        match = re.match(r"pid (\d+)", holder)
        pid = match.group(1) if match else "<pid>"
        raise BuildLockedError(
            f"another build is running in this checkout ({holder}; lock {path}). Two builds would overwrite "
            f"each other's staged notebooks: wait for it to finish, or stop it (`kill {pid}`), then build again."
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}: {_command()}\n".encode(), 0)
    _held[path] = fd
    return path


def _inherited_fd(path: Path) -> int | None:
    """The descriptor of ``path`` this process inherited from a build holding its lock, or None."""
    try:
        fd = int(os.environ.get(LOCK_FD_ENV, ""))
        same = os.path.samestat(os.fstat(fd), os.stat(path))
    except (ValueError, OSError):
        return None
    if not same:
        return None
    try:  # the same open file description as the parent's: this succeeds while the parent holds it
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return None
    return fd


def lock_for_child(root: str | os.PathLike) -> tuple[dict[str, str], tuple[int, ...]]:
    """``(environment, pass_fds)`` handing this process's lock of ``root`` to a child process (empty when
    the lock is not held here)."""
    fd = _held.get(lock_path(root))
    if fd is None:
        return {}, ()
    return {LOCK_FD_ENV: str(fd)}, (fd,)


def _command() -> str:
    """How this process was started, e.g. ``python -m mlp_report.build.book --profile quick``."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    args = sys.argv[1:] if spec is not None else sys.argv
    return " ".join(["python", *(["-m", spec.name] if spec is not None else []), *args])


def release_build_lock(root: str | os.PathLike) -> None:
    """Give the lock of ``root`` back before this process exits (a no-op when it is not held)."""
    fd = _held.pop(lock_path(root), None)
    if fd is None:
        return
    if fd in _inherited:  # closing is all: an unlock or truncation would release or blank the parent's lock
        _inherited.discard(fd)
    else:
        os.ftruncate(fd, 0)
    os.close(fd)
