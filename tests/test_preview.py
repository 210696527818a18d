"""``make preview`` (sphinx-autobuild over the book's own Sphinx configuration) on a small two-chapter book:
served on loopback, a changed sentence is on the served page within a minute without executing anything,
a changed code cell executes that chapter only, and Ctrl-C stops the server."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
FIRST_BUILD = 300  # s: both chapters executed and the whole book built once
RELOAD = 60  # s: what the issue allows between a save and the served page showing it


def _chapter(title: str, sentence: str, code: str) -> str:
    return (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3 (ipykernel)\n  language: python\n  name: python3\n---\n\n"
        f"# {title}\n\n```{{code-cell}} ipython3\n:tags: [parameters, remove-cell]\n\nprofile = \"full\"\n```\n\n"
        f"```{{code-cell}} ipython3\n:tags: [remove-cell]\n\nfrom mlp_report.notebook import glue\n\n{code}\n```\n\n"
        f"{sentence} The glued value is {{glue:text}}`value:,d`.\n"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except (OSError, http.client.HTTPException):  # not served yet, or a page cut short while it is rewritten
        return ""


def _wait_for(url: str, text: str, timeout: float, server: subprocess.Popen, log: Path) -> float:
    start = time.time()
    while text not in _page(url):
        if server.poll() is not None:
            pytest.fail(f"make preview stopped: {log.read_text()[-3000:]}")
        if time.time() - start > timeout:
            pytest.fail(f"{text!r} not on {url} after {timeout} s: {log.read_text()[-3000:]}")
        time.sleep(1)
    return time.time() - start


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    (root / "chapters").mkdir(parents=True)
    shutil.copy2(ROOT / "_config.yml", root / "_config.yml")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: chapters/first\n- file: chapters/second\n")
    (root / "intro.md").write_text("# A small book\n")
    (root / "node_modules").symlink_to(ROOT / "node_modules")  # the widget JS the build vendors
    (root / "chapters" / "first.md").write_text(_chapter("First", "The first sentence.", 'glue("value", 1234);'))
    (root / "chapters" / "second.md").write_text(_chapter("Second", "The second sentence.", 'glue("value", 5678);'))
    return root


def test_preview_serves_and_rebuilds_only_what_changed(small_book: Path, tmp_path: Path) -> None:
    pytest.importorskip("sphinx_autobuild", reason="sphinx-autobuild is part of the test extra: make install")
    port = _free_port()
    log = tmp_path / "preview.log"
    env = {**os.environ, "MLP_REPORT_ROOT": str(small_book), "MLP_REPORT_RESULTS": str(tmp_path / "results")}
    env.pop("MLP_REPORT_STAGE", None)
    cmd = ["make", "-C", str(ROOT), "-o", ".venv/.installed", "preview", "PROFILE=quick",
           f"PREVIEW_ARGS=--port {port}"]
    with log.open("w") as out:
        server = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        first = f"http://127.0.0.1:{port}/chapters/first.html"
        _wait_for(first, "1,234", FIRST_BUILD, server, log)
        assert len(re.findall(r"^executed chapters/", log.read_text(), flags=re.M)) == 2

        # one sentence: on the served page within a minute, and nothing executed
        chapter = small_book / "chapters" / "first.md"
        chapter.write_text(chapter.read_text().replace("The first sentence.", "A sentence changed in the editor."))
        seconds = _wait_for(first, "A sentence changed in the editor.", RELOAD, server, log)
        text = log.read_text()
        assert "updated the prose of chapters/first" in text
        assert len(re.findall(r"^executed chapters/", text, flags=re.M)) == 2, "a prose change executed a chapter"

        # a code change executes that chapter only
        second = small_book / "chapters" / "second.md"
        second.write_text(second.read_text().replace("5678", "8765"))
        _wait_for(f"http://127.0.0.1:{port}/chapters/second.html", "8,765", RELOAD, server, log)
        executed = re.findall(r"^executed (chapters/\w+)", log.read_text(), flags=re.M)
        assert executed[2:] == ["chapters/second"], executed
        print(f"preview reload after a sentence changed: {seconds:.0f} s")
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C, as in the terminal
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            pytest.fail("make preview did not stop on Ctrl-C")
    assert _page(f"http://127.0.0.1:{port}/") == ""  # the server is gone
