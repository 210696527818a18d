"""The HTML book: built with -W from the quick chapters, clean pages, and a headless-browser check."""

from __future__ import annotations

import os
import re

import pytest

CHAPTER_PAGES = [f"chapters/task{i}.html" for i in range(5)]


def test_book_pages_exist(quick_book):
    html = quick_book / "_build" / "html"
    assert (html / "index.html").is_file()
    for page in CHAPTER_PAGES:
        assert (html / page).is_file(), page


@pytest.mark.parametrize("page", ["intro.html", *CHAPTER_PAGES])
def test_pages_are_clean(quick_book, page):
    text = (quick_book / "_build" / "html" / page).read_text()
    assert "np.float64" not in text and "np.int64" not in text, "unformatted NumPy scalar glued"
    assert "injected-parameters" not in text and "Parameters" not in re.findall(r"<h\d[^>]*>([^<]*)", text)
    assert "cdn.jsdelivr" not in text or 'data-jupyter-widgets-cdn' in text  # widget pages only
    assert "Traceback" not in text


@pytest.mark.parametrize("page", ["chapters/task1.html", "chapters/task2.html", "chapters/task3.html"])
def test_no_progress_bar_debris(quick_book, page):
    text = (quick_book / "_build" / "html" / page).read_text()
    assert "application/vnd.jupyter.widget-state" not in text  # no tqdm widgets saved into the page
    assert "runs:" not in text and "it/s]" not in text


def test_task0_page_shows_summary_figure_and_glued_accuracy(quick_book):
    text = (quick_book / "_build" / "html" / "chapters" / "task0.html").read_text()
    assert "Total params" in text  # model.summary()
    assert re.search(r'<img[^>]+src="[^"]+\.png"', text)
    assert re.search(r"classifies\s+\d+\.\d\d %", re.sub(r"<[^>]+>", "", text))
    assert re.search(r"Fig(ure)?\.?\s*\d", re.sub(r"<[^>]+>", "", text)) or "caption-number" in text


@pytest.mark.browser
@pytest.mark.parametrize("page", ["index.html", "intro.html", *CHAPTER_PAGES])
def test_pages_in_headless_chromium(quick_book, serve, open_page, page):
    base = serve(quick_book / "_build" / "html")
    probe = open_page(f"{base}/{page}")
    assert probe.console_errors == []
    assert probe.broken_images() == []
    assert probe.external_requests == []
    if os.environ.get("MLP_REPORT_SCREENSHOTS"):
        probe.page.screenshot(path=f"artifacts/{page.replace('/', '_')}.png", full_page=True)
