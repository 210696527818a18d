"""Shared fixtures: MNIST location, an isolated results cache, the quick-profile book, headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full-report",
        default=None,
        help="folder of the executed full-profile book (.cache/book/full) for the report checks in tests/report",
    )
    parser.addoption("--pdf", default=None, help="the book's PDF (_build/pdf/mlp-report.pdf) for tests/report/test_pdf_full.py")


@pytest.fixture(scope="session", autouse=True)
def _isolated_outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests write caches and results to a temporary folder, never into the user's _build."""
    base = tmp_path_factory.mktemp("outputs")
    saved = {k: os.environ.get(k) for k in ("MLP_REPORT_CACHE", "MLP_REPORT_RESULTS", "MLP_REPORT_ROOT")}
    os.environ["MLP_REPORT_CACHE"] = str(base / "cache")
    os.environ["MLP_REPORT_RESULTS"] = str(base / "results")
    os.environ["MLP_REPORT_ROOT"] = str(ROOT)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The real MNIST folder from $MNIST_DIR (tests that train need it)."""
    value = os.environ.get("MNIST_DIR")
    if not value:
        pytest.skip("MNIST_DIR is not set: point it at the folder with the four MNIST IDX files")
    return Path(value)


@pytest.fixture(scope="session")
def quick_book(mnist_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every chapter executed with the quick profile and the HTML book built with -W; returns the output root.

    ``<root>/stage/chapters/*.ipynb`` are the executed notebooks, ``<root>/_build/html`` the book.
    """
    from mlp_report.build.book import build_html, stage_book

    out = tmp_path_factory.mktemp("book")
    stage_book(ROOT, out / "stage", "quick")
    build_html(out / "stage", out, strict=True)
    return out


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    reason = f"no Chromium at {CHROMIUM}: install Debian's chromium to run the browser checks"
    if os.environ.get("MLP_REPORT_REQUIRE_BROWSER"):
        pytest.fail(reason + " (MLP_REPORT_REQUIRE_BROWSER is set, so this is a failure)")
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def serve() -> Iterator:
    """``serve(folder) -> base URL`` on loopback for the rest of the session."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class PageProbe:
    """A page whose console errors, failed requests and off-machine requests are recorded."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.external_requests: list[str] = []
        self.failed_requests: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(f"page error: {exc}"))
        page.on("requestfailed", lambda req: self.failed_requests.append(req.url))

        def route(r):
            url = urlparse(r.request.url)
            if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in ("127.0.0.1", "localhost"):
                self.external_requests.append(r.request.url)
                return r.abort()
            return r.continue_()

        page.route("**/*", route)

    def broken_images(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )


@pytest.fixture
def open_page(browser) -> Iterator:
    """``open_page(url) -> PageProbe``: a fresh page with every non-loopback request blocked and logged."""
    contexts = []

    def opener(url: str) -> PageProbe:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        probe = PageProbe(context.new_page())
        probe.page.goto(url, wait_until="load")
        probe.page.wait_for_load_state("networkidle")
        return probe

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mnist_dir: Path) -> Path:
    """The call log of ``sweep_helpers.slow_runner``, which then does not sleep."""
    path = tmp_path / "calls.log"
    path.touch()
    monkeypatch.setenv("SWEEP_LOG", str(path))
    monkeypatch.setenv("SWEEP_SLEEP", "0")
    return path
