"""End-to-end: the playground widget on the built (quick) book's Task 4 page, in headless Chromium.

Every non-loopback request is blocked and recorded (conftest.PageProbe). The page is checked over HTTP on
loopback and opened as file:// from _build/html. Screenshots of the widget before and after training on
each preset go to artifacts/widget/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlp_report import playground as pg
from mlp_report.playground.widget import preset_configs

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "widget"
PAGE = "chapters/task4.html"
RENDER_TIMEOUT = 20_000  # ms for the widget to appear
TRAIN_TIMEOUT = 60_000  # ms for one preset to reach the target or its epoch cap

READ = """() => {
  const q = (s) => document.querySelector('.pg ' + s);
  return { epoch: +q('.epoch').textContent, loss: +q('.test-loss').dataset.value, shown: q('.test-loss').textContent };
}"""


def read(page) -> dict:
    """Epoch and test loss as the page shows them (the loss at full precision from data-value)."""
    return page.evaluate(READ)


def check_clean(probe) -> None:
    assert probe.external_requests == [], "requests left the machine"
    assert probe.console_errors == [], "console errors"
    assert probe.failed_requests == [], "failed requests"


def widget_ready(probe):
    page = probe.page
    page.wait_for_selector(".pg .test-loss", timeout=RENDER_TIMEOUT)
    page.locator(".pg").scroll_into_view_if_needed()
    assert page.locator(".pg canvas.heatmap").count() == 1 and page.locator(".pg canvas.loss-chart").count() == 1
    assert page.locator(".pg input.feature").count() == len(pg.FEATURES)
    return page


def play_until(page, cap: int, target: float) -> dict:
    """Press Play, wait until the shown test loss is <= target or the epoch reaches cap, pause; returns the
    page's reading at that moment (not after the pause)."""
    page.click(".pg button.play")
    handle = page.wait_for_function(
        f"() => {{ const r = ({READ})(); return (r.loss <= {target} || r.epoch >= {cap}) && r; }}",
        timeout=TRAIN_TIMEOUT,
    )
    reading = handle.json_value()
    page.click(".pg button.play")  # pause
    return reading


@pytest.fixture(scope="module")
def book_html(request: pytest.FixtureRequest) -> Path:
    """The quick book's HTML; MLP_REPORT_BOOK_HTML=<folder> reuses an already built one (for iterating)."""
    given = os.environ.get("MLP_REPORT_BOOK_HTML")
    html = Path(given) if given else request.getfixturevalue("quick_book") / "_build" / "html"
    assert (html / PAGE).is_file()
    return html


def test_widget_trains_every_preset_offline(book_html: Path, serve, open_page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    probe = open_page(f"{serve(book_html)}/{PAGE}")
    page = widget_ready(probe)
    check_clean(probe)
    presets = preset_configs()
    options = page.eval_on_selector_all(".pg select.preset option", "opts => opts.map(o => o.value)")
    assert [o for o in options if o] == list(presets)
    page.select_option(".pg select.speed", "20")

    results = {}
    for name in presets:
        page.select_option(".pg select.preset", name)
        page.wait_for_function("() => +document.querySelector('.pg .epoch').textContent === 0")
        start = read(page)
        page.locator(".pg").screenshot(path=str(ARTIFACTS / f"{name}-before.png"))
        cap = pg.PRESETS[name]["epochs"]
        reached = play_until(page, cap, pg.TARGET_TEST_LOSS)
        page.locator(".pg").screenshot(path=str(ARTIFACTS / f"{name}-after.png"))
        results[name] = {"epochs": reached["epoch"], "test_loss": reached["loss"], "start": start["loss"], "cap": cap}
        assert reached["loss"] < start["loss"], f"{name}: play did not lower the test loss"
        assert reached["loss"] <= pg.TARGET_TEST_LOSS, f"{name}: test loss {reached['loss']} after {reached['epoch']} epochs"
        assert 0 < reached["epoch"] <= cap

    (ARTIFACTS / "results.json").write_text(json.dumps(results, indent=2))
    check_clean(probe)


def test_reset_step_export_and_import(book_html: Path, serve, open_page) -> None:
    probe = open_page(f"{serve(book_html)}/{PAGE}")
    page = widget_ready(probe)
    page.select_option(".pg select.preset", "xor")
    page.wait_for_function("() => +document.querySelector('.pg .epoch').textContent === 0")
    initial = read(page)
    page.click(".pg button.step")
    assert read(page)["epoch"] == 1
    play_until(page, 40, 0.0)  # train a little; the target 0 is never reached, so it stops at 40 epochs
    trained = read(page)
    assert trained["epoch"] >= 40 and trained["loss"] < initial["loss"]

    page.click(".pg button.export")
    state = json.loads(page.input_value(".pg textarea.json"))
    assert state["format"] == "mlp-report-playground"
    assert state["config"] == preset_configs()["xor"] and state["epoch"] == trained["epoch"]
    assert [len(layer["kernel"]) for layer in state["weights"]] == [3, 3, 1]

    page.click(".pg button.reset")  # same seeds: back to the same initial weights
    assert read(page) == initial
    page.click(".pg button.import")
    assert read(page) == trained  # the exported weights give the exported loss again

    page.fill(".pg textarea.json", json.dumps({**state, "config": {**state["config"], "hidden": [3, 9]}}))
    page.click(".pg button.import")
    assert "hidden" in page.inner_text(".pg .msg")
    assert read(page) == trained  # a rejected import changes nothing
    check_clean(probe)


def test_widget_works_from_file_url(book_html: Path, open_page) -> None:
    probe = open_page((book_html / PAGE).resolve().as_uri())
    page = widget_ready(probe)
    page.select_option(".pg select.speed", "20")
    start = read(page)
    reached = play_until(page, pg.PRESETS["spiral"]["epochs"], pg.TARGET_TEST_LOSS)
    assert reached["loss"] < start["loss"] and reached["loss"] <= pg.TARGET_TEST_LOSS
    check_clean(probe)
