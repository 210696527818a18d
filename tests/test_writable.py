"""Every folder the project writes is checked before any work; a full disk names the file and keeps nothing
half-written. Read-only and full folders are small tmpfs mounts where the tests may mount (root), else skipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlp_report import paths, profiles, training
from mlp_report.build import book
from mlp_report.models import build_mlp
from mlp_report.playground import presets
from mlp_report.validation import CacheError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tmpfs(tmp_path):
    """``mount(options)`` mounts a tmpfs under tmp_path and returns it; unmounted afterwards."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        where = tmp_path / f"mnt{len(mounted)}"
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'mount failed'}): needs root")
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _blocked(tmp_path: Path) -> Path:
    """A folder path under a regular file: it can never be created."""
    (tmp_path / "file").write_text("x")
    return tmp_path / "file" / "cache"


def _no_training(monkeypatch, module, name):
    def fail(*args, **kwargs):
        raise AssertionError("trained although the cache cannot be written")

    monkeypatch.setattr(module, name, fail)


def _one_line(exc: pytest.ExceptionInfo, folder: Path, variable: str) -> None:
    message = str(exc.value)
    assert "\n" not in message and str(folder) in message and f"set {variable} to a writable folder" in message
    assert message.endswith("nothing was trained.")


def test_task0_run_cache_checked_before_training(tmp_path, monkeypatch):
    cache = _blocked(tmp_path)
    monkeypatch.setenv("MLP_REPORT_CACHE", str(cache))
    _no_training(monkeypatch, training, "_epoch_function")
    x, y = np.zeros((8, 784), np.float32), np.zeros(8, np.int64)
    with pytest.raises(CacheError) as exc:
        training.train(build_mlp(1, 4, 0.01, seed=0), x, y, batch_size=4, epochs=1, cache=True)
    _one_line(exc, cache / "train", "MLP_REPORT_CACHE")


def test_playground_cache_checked_before_training(tmp_path, monkeypatch):
    cache = _blocked(tmp_path)
    monkeypatch.setenv("MLP_REPORT_CACHE", str(cache))
    _no_training(monkeypatch, presets, "train")
    with pytest.raises(CacheError) as exc:
        presets.seeded_run(presets.PRESETS["xor"], 0, epochs=1)
    _one_line(exc, cache / "playground", "MLP_REPORT_CACHE")


@pytest.mark.parametrize("variable", ["MLP_REPORT_CACHE", "MLP_REPORT_RESULTS"])
def test_a_chapter_checks_its_folders_first(tmp_path, monkeypatch, variable):
    monkeypatch.setenv(variable, str(_blocked(tmp_path)))
    with pytest.raises(CacheError, match=f"set {variable} to a writable folder"):
        profiles.resolve("task0", "quick")


def test_read_only_cache(tmpfs, monkeypatch):
    cache = tmpfs("ro,size=64k")
    monkeypatch.setenv("MLP_REPORT_CACHE", str(cache))
    with pytest.raises(CacheError) as exc:
        profiles.resolve("task4", "quick")
    _one_line(exc, cache, "MLP_REPORT_CACHE")
    assert "Read-only file system" in str(exc.value)


def test_book_stage_checked_first_in_one_line(tmp_path):
    stage = _blocked(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src"), "MLP_REPORT_STAGE": str(stage),
           "MLP_REPORT_ROOT": str(ROOT), "MLP_REPORT_CACHE": str(tmp_path / "c"), "MLP_REPORT_RESULTS": str(tmp_path / "r")}
    # the lock of a throw-away checkout: this test must not wait for a build running in the real one
    root = tmp_path / "checkout"
    (root / "chapters").mkdir(parents=True)
    for name in ("_toc.yml", "_config.yml", "intro.md", "references.md", "references.bib", "provenance.md"):
        (root / name).write_bytes((ROOT / name).read_bytes())  # every page _toc.yml names must exist
    for chapter in book.toc_chapters(ROOT):
        (root / f"{chapter}.md").write_bytes((ROOT / f"{chapter}.md").read_bytes())
    env["MLP_REPORT_ROOT"] = str(root)
    done = subprocess.run([sys.executable, "-m", "mlp_report.build.book", "--profile", "quick", "--no-build"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: book stage folder {stage}/chapters is not writable (")
    assert "set MLP_REPORT_STAGE" in lines[0]


def test_full_disk_names_the_file_and_keeps_nothing(tmpfs, monkeypatch):
    cache = tmpfs("size=64k")
    monkeypatch.setenv("MLP_REPORT_CACHE", str(cache))
    with pytest.raises(OSError, match="No space left on device; nothing half-written was kept") as exc:
        paths.store_arrays("train", "ab" * 16, {"w": np.ones(100_000, np.float32)})
    assert exc.value.filename == str(cache / "train" / "ab" / f"{'ab' * 16}.npz")
    assert [p for p in cache.rglob("*") if p.is_file()] == []
    with pytest.raises(OSError, match="No space left") as exc:
        paths.atomic_write_text(cache / "big.txt", "x" * 200_000)
    assert exc.value.filename == str(cache / "big.txt") and not list(cache.glob("*big*"))


FULL_CHAPTER = """---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Big

```{code-cell} ipython3
:tags: [parameters]

profile = "quick"
```

```{code-cell} ipython3
print("x" * 400_000)
```
"""


@pytest.mark.slow
def test_stage_on_a_full_disk(tmpfs, tmp_path):
    stage = tmpfs("size=128k")
    source = tmp_path / "big.md"
    source.write_text(FULL_CHAPTER)
    with pytest.raises(book.ChapterError) as exc:
        book.execute_chapter(source, stage / "chapters" / "big.ipynb", {"profile": "quick"}, cwd=tmp_path)
    message = str(exc.value)
    assert message.startswith(f"big.md: could not write {stage}/chapters/.running/big.ipynb (No space left on device)")
    assert "\n" not in message and [p for p in stage.rglob("*") if p.is_file()] == []
