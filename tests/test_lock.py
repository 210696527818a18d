"""One build per checkout: a second ``python -m mlp_report.build.book`` stops at once naming the first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlp_report.build.lock import BuildLockedError, hold_build_lock, lock_path, release_build_lock
from mlp_report.paths import stage_dir

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

SLOW_CHAPTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Slow

```{code-cell} ipython3
:tags: [parameters]

profile = "full"
```

```{code-cell} ipython3
import time

time.sleep(12)
print("slept", profile)
```
"""


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "MLP_REPORT_ROOT": str(root), "PYTHONPATH": str(SRC)}


def _holder(root: Path) -> subprocess.Popen:
    code = "import sys, time; from mlp_report.build.lock import hold_build_lock; hold_build_lock(sys.argv[1]); print('locked', flush=True); time.sleep(120)"
    proc = subprocess.Popen([sys.executable, "-c", code, str(root)], env=_env(root), stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_build_stops_at_once_naming_the_first(tmp_path):
    holder = _holder(tmp_path)
    try:
        start = time.time()
        run = subprocess.run(
            [sys.executable, "-m", "mlp_report.build.book", "--profile", "quick", "--no-build"],
            env=_env(tmp_path), capture_output=True, text=True, timeout=120,
        )
        assert time.time() - start < 60
        assert run.returncode == 1
        assert f"error: another build is running in this checkout (pid {holder.pid}, started " in run.stderr
        assert f"`kill {holder.pid}`" in run.stderr and "Traceback" not in run.stderr
        assert not stage_dir(tmp_path, "quick").exists()  # it staged nothing
        with pytest.raises(BuildLockedError, match=f"pid {holder.pid}"):
            hold_build_lock(tmp_path)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # the lock died with its holder, even killed with SIGKILL: never stale
    assert hold_build_lock(tmp_path) == lock_path(tmp_path)
    assert hold_build_lock(tmp_path) == lock_path(tmp_path)  # re-entrant in one process
    assert f"pid {os.getpid()}" in lock_path(tmp_path).read_text()
    release_build_lock(tmp_path)
    assert lock_path(tmp_path).read_text() == ""


@pytest.mark.slow
def test_two_real_builds_in_one_checkout(tmp_path):
    root = tmp_path / "checkout"
    (root / "chapters").mkdir(parents=True)
    (root / "chapters" / "slow.md").write_text(SLOW_CHAPTER)
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/slow\n")
    (root / "_config.yml").write_text("title: t\n")
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    command = [sys.executable, "-m", "mlp_report.build.book", "--profile", "quick", "--no-build"]
    first = subprocess.Popen(command, env=_env(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        staged = stage_dir(root, "quick") / "chapters" / "slow.ipynb"
        lock = lock_path(root)
        deadline = time.time() + 120
        while time.time() < deadline and not (lock.exists() and f"pid {first.pid}," in lock.read_text()):
            time.sleep(0.2)
        assert f"pid {first.pid}," in lock.read_text(), "the first build never took the lock"
        assert first.poll() is None, "the first build ended before the second started"
        second = subprocess.run(command, env=_env(root), capture_output=True, text=True, timeout=120)
        assert second.returncode == 1 and f"another build is running in this checkout (pid {first.pid}," in second.stderr
        out, err = first.communicate(timeout=300)
        assert first.returncode == 0, err
        assert "slept quick" in staged.read_text()  # the first build's notebook, untouched by the second
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
