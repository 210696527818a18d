"""`make publish` (ghp-import) and the GitHub workflow's schema check in `make lint`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent.parent  # the project's virtualenv (make's $(VENV))
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _make(target: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    # -o: make must not reinstall the shared virtualenv
    cmd = ["make", "-s", "-o", f"{VENV}/.installed", f"VENV={VENV}", target, *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


def test_workflow_matches_githubs_schema_and_a_broken_one_fails(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest", 1))
    check = [str(VENV / "bin" / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    ok = subprocess.run([*check, str(WORKFLOW)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = subprocess.run([*check, str(broken)], capture_output=True, text=True)
    assert bad.returncode != 0 and "runs_on" in bad.stdout + bad.stderr
    assert "check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/book.yml" in (
        ROOT / "Makefile"
    ).read_text()


def test_workflow_builds_with_ci_commands_and_caches_the_runs():
    text = WORKFLOW.read_text()
    assert "run: bash .ci/run" in text
    assert "path: .cache" in text and "actions/cache@" in text
    assert "actions/deploy-pages@" in text and "path: _build/html" in text


@pytest.mark.slow
def test_make_publish_pushes_the_html_to_a_gh_pages_branch(quick_book, tmp_path):
    # a clone of this checkout (so that ghp-import's gh-pages branch lands there, not in the developers' repo)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    shutil.copytree(quick_book / "_build" / "html", clone / "_build" / "html")
    (clone / ".cache" / "runs").mkdir(parents=True)
    (clone / ".cache" / "runs" / "secret.npz").write_text("a cached run")  # must not be published
    remote = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)

    done = _make("publish", clone, f"REMOTE={remote}")
    assert done.returncode == 0, done.stderr
    files = _git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split()
    assert "index.html" in files and ".nojekyll" in files and "provenance.html" in files
    assert "_downloads/notebooks/task0.ipynb" in files
    assert not any(f.startswith(".cache") or "secret" in f for f in files)
    pdf = clone / "_build" / "html" / "_downloads" / "mlp-report.pdf"
    assert ("_downloads/mlp-report.pdf" in files) == pdf.is_file()  # the PDF goes along where it was built

    # and without a built book: a clear error, nothing pushed
    shutil.rmtree(clone / "_build")
    done = _make("publish", clone, f"REMOTE={remote}")
    assert done.returncode != 0 and "error: no book in _build/html: run make book first" in done.stderr
