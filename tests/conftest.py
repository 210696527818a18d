"""Shared fixtures: MNIST location, an isolated results cache, the quick-profile book, headless Chromium."""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import shutil
import subprocess
import sys
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


def _session_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This session's temporary folder, shared by its pytest-xdist workers (each has its own basetemp)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def _isolated_outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests write caches and results to a temporary folder, never into the user's _build; the workers of
    one pytest-xdist session share it, as the tests of one serial session do (the quick book's results)."""
    base = _session_folder(tmp_path_factory) / "outputs"
    base.mkdir(parents=True, exist_ok=True)
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


# ---- the quick-profile book: built once per session, in the background from the session's start ----------

BUILD_QUICK_BOOK = """
import sys
from pathlib import Path
from mlp_report.build.book import build_html, stage_book
root, out = Path(sys.argv[1]), Path(sys.argv[2])
stage_book(root, out / "stage", "quick", log=lambda _m: None)
build_html(out / "stage", out, strict=True)
"""


# ---- the order in which pytest-xdist hands out the test files (make test: -n 2 --dist loadfile) ---------
#
# Each file goes to one worker as a whole, in collection order (pytest_configure turns off xdist's own
# "most tests first" reordering). While the quick book builds in the background, both workers run the
# long files that do not need it, longest first; then the files that read the book, longest first; the
# short files last, where they even out the two workers' ends. Seconds per file: --durations=0 of a whole
# `make test` on the 2-core machine with little else running (only their order matters). A file not
# listed counts as short; a wrong number costs wall time, never a test.
FILE_SECONDS = {
    "test_lab.py": 102, "test_sweeps.py": 88, "test_short_failures.py": 86, "test_widget_browser.py": 77,
    "test_lock.py": 48, "test_sweeps_hostile.py": 43, "test_training.py": 40, "test_cli_errors.py": 33,
    "test_downloads.py": 32, "test_overrides.py": 30, "test_book.py": 30, "test_book_accessibility.py": 28,
    "test_chapters.py": 26, "test_preview.py": 25, "test_provenance.py": 16, "test_notebook.py": 11,
    "test_training_hostile.py": 10, "test_profiles.py": 10,
}
LONG_FILE = 20  # s: a file at least this long, not reading the quick book, runs while the book builds
# runs quick chapters as the book does (same profile, same results cache): after the book, its trainings
# are cache hits; beside it, both would train the same runs
AFTER_THE_BOOK = ("test_lab.py",)


def _after_the_book(path: Path, items: list[pytest.Item]) -> bool:
    # quick_book as a fixture, or fetched with request.getfixturevalue("quick_book") by a module fixture
    return (path.name in AFTER_THE_BOOK or any("quick_book" in getattr(item, "fixturenames", ()) for item in items)
            or "quick_book" in path.read_text())


def _schedule(items: list[pytest.Item]) -> list[pytest.Item]:
    files: dict[Path, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(Path(str(item.path)), []).append(item)

    def rank(entry: tuple[int, Path]) -> tuple[int, float, int]:
        index, path = entry
        seconds = FILE_SECONDS.get(path.name, 0)
        if _after_the_book(path, files[path]):
            return (1, -seconds, index)
        return (0 if seconds >= LONG_FILE else 2, -seconds, index)

    ordered = sorted(enumerate(files), key=rank)
    return [item for _, path in ordered for item in files[path]]


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config.option, "loadscopereorder"):  # pytest-xdist: keep the order _schedule gives the files
        config.option.loadscopereorder = False


@pytest.hookimpl(trylast=True)  # after -k/-m deselection: only the tests that will run count
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # whether any selected test needs the quick book (then it is built from the session's start)
    config._mlp_quick_book_wanted = any("quick_book" in getattr(item, "fixturenames", ()) for item in items)
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the workers' collections, which the scheduler hands out
        items[:] = _schedule(items)


class _QuickBook:
    """One build of the quick book per session, shared by every xdist worker: the first worker to take
    the lock (``flock``) builds it in a subprocess (its environment fixed at the session's start, so
    tests that change ``os.environ`` meanwhile cannot reach the kernels) and holds the lock until the
    build ends; the others wait on the lock for its result."""

    def __init__(self, folder: Path):
        self.folder, self.out = folder, folder / "book"
        self.done, self.failed = folder / "done", folder / "failed"
        self.process: subprocess.Popen | None = None
        self.watcher: threading.Thread | None = None

    def _lock(self, block: bool) -> int | None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / "build.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    def _finished(self) -> bool:
        return self.done.exists() or self.failed.exists()

    def start(self) -> None:
        """Start the build in the background unless another worker has it (or it is done)."""
        fd = self._lock(block=False)
        if fd is None:
            return
        if self._finished():
            os.close(fd)
            return
        log = open(self.folder / "build.log", "wb")  # noqa: SIM115 - closed by the watcher
        self.process = subprocess.Popen(
            [sys.executable, "-c", BUILD_QUICK_BOOK, str(ROOT), str(self.out)],
            env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
        )

        def watch(process: subprocess.Popen = self.process) -> None:
            code = process.wait()
            log.close()
            (self.done if code == 0 else self.failed).write_text(str(code))
            os.close(fd)  # releases the lock: the waiting workers go on

        self.watcher = threading.Thread(target=watch, name="quick-book", daemon=True)
        self.watcher.start()

    def wait(self) -> Path:
        """The built book's folder, once built (here or by another worker); fails if the build failed."""
        if self.watcher is not None:
            self.watcher.join()
        fd = self._lock(block=True)  # held by the building worker until its build ends
        try:
            if not self._finished():  # nobody started it: build it now, holding the lock
                with open(self.folder / "build.log", "wb") as log:
                    code = subprocess.run(
                        [sys.executable, "-c", BUILD_QUICK_BOOK, str(ROOT), str(self.out)],
                        stdout=log, stderr=subprocess.STDOUT, check=False,
                    ).returncode
                (self.done if code == 0 else self.failed).write_text(str(code))
        finally:
            os.close(fd)
        if self.failed.exists():
            tail = (self.folder / "build.log").read_text(errors="replace").strip().splitlines()[-15:]
            pytest.fail("building the quick book failed:\n" + "\n".join(tail), pytrace=False)
        return self.out

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
        if self.watcher is not None:
            self.watcher.join()


@pytest.fixture(scope="session", autouse=True)
def _quick_book_build(request: pytest.FixtureRequest, _isolated_outputs: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[_QuickBook | None]:
    """Starts building the quick book at the session's start when a collected test needs it."""
    if not getattr(request.config, "_mlp_quick_book_wanted", False) or not os.environ.get("MNIST_DIR"):
        yield None
        return
    book = _QuickBook(_session_folder(tmp_path_factory) / "quick-book")
    book.start()
    yield book
    book.stop()


@pytest.fixture(scope="session")
def quick_book(mnist_dir: Path, _quick_book_build: _QuickBook | None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every chapter executed with the quick profile and the HTML book built with -W; returns the output root.

    ``<root>/stage/chapters/*.ipynb`` are the executed notebooks, ``<root>/_build/html`` the book. Built
    once per session (also with pytest-xdist's workers), from the session's start.
    """
    if _quick_book_build is None:  # requested dynamically (getfixturevalue) without a collected user
        _quick_book_build = _QuickBook(_session_folder(tmp_path_factory) / "quick-book")
    return _quick_book_build.wait()


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
