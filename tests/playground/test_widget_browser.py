"""End-to-end: the playground widget in headless Chromium, offline.

Most checks run on a small static page that embeds the widget as the book does (``conftest.widget_page``:
the vendored require.js and html-manager, the widget state in the page), served on loopback or opened as
file://, at the book's content width; one check opens the built quick book's Task 4 page. Every
non-loopback request is blocked and recorded (the root conftest's PageProbe). Screenshots of every preset
after training go to artifacts/widget/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from mlp_report import playground as pg
from mlp_report.playground.export import keras_code
from mlp_report.playground.widget import network_losses, playground_widget, preset_configs

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "widget"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BOOK_PAGE = "chapters/task4.html"
RENDER_TIMEOUT = 20_000  # ms for the widget to appear
TRAIN_TIMEOUT = 60_000  # ms for one preset to reach the target or its epoch cap

READ = """(root) => {
  root = root || document.querySelector('.mlp-pg');
  const q = (s) => root.querySelector(s);
  return { epoch: +q('.mlp-pg-epoch').dataset.value, loss: +q('.mlp-pg-test-loss').dataset.value, shown: q('.mlp-pg-test-loss').textContent };
}"""
LINKS = """(root) => [...(root || document.querySelector('.mlp-pg')).querySelectorAll('svg.mlp-pg-network path.mlp-pg-link')].map((p) =>
  ({ layer: +p.dataset.layer, from: +p.dataset.from, to: +p.dataset.to, weight: +p.dataset.weight }))"""
PIXELS = """() => { const c = document.querySelector('.mlp-pg canvas.mlp-pg-heatmap');
  return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); }"""


def read(page) -> dict:
    """Epoch and test loss as the page shows them (the loss at full precision from data-value)."""
    return page.evaluate(READ)


def check_clean(probe) -> None:
    assert probe.external_requests == [], "requests left the machine"
    assert probe.console_errors == [], "console errors"
    assert probe.failed_requests == [], "failed requests"


def widget_ready(probe):
    page = probe.page
    page.wait_for_selector(".mlp-pg .mlp-pg-test-loss", timeout=RENDER_TIMEOUT)
    # every view has decided whether it owns the URL hash (and applied it)
    page.wait_for_function("() => [...document.querySelectorAll('.mlp-pg')].every((e) => e.dataset.hash)", timeout=RENDER_TIMEOUT)
    page.locator(".mlp-pg").first.scroll_into_view_if_needed()
    assert page.locator(".mlp-pg canvas.mlp-pg-heatmap").count() >= 1 and page.locator(".mlp-pg canvas.mlp-pg-loss-chart").count() >= 1
    assert page.locator(".mlp-pg svg.mlp-pg-network g.mlp-pg-feature").count() >= len(pg.FEATURES)
    # every class is namespaced, so a host's global rules (JupyterLab's .hidden {display: none}) miss the widget
    stray = page.evaluate("() => [...document.querySelectorAll('.mlp-pg, .mlp-pg *')].flatMap((e) => [...e.classList]).filter((c) => !c.startsWith('mlp-pg'))")
    assert stray == [], f"class names outside the mlp-pg- namespace: {sorted(set(stray))}"
    return page


def play_until(page, cap: int, target: float) -> dict:
    """Press Play, wait until the shown test loss is <= target or the epoch reaches cap, pause; returns the
    page's reading at that moment (not after the pause)."""
    page.click(".mlp-pg button.mlp-pg-play")
    handle = page.wait_for_function(
        f"() => {{ const r = ({READ})(); return (r.loss <= {target} || r.epoch >= {cap}) && r; }}",
        timeout=TRAIN_TIMEOUT,
    )
    reading = handle.json_value()
    page.click(".mlp-pg button.mlp-pg-play")  # pause
    return reading


def export(page) -> dict:
    """The widget's state through its Export JSON button (the JavaScript's own config and weights)."""
    page.click(".mlp-pg button.mlp-pg-export")
    return json.loads(page.input_value(".mlp-pg textarea.mlp-pg-json"))


def flat(weights: list[dict]) -> dict[tuple[int, int, int], float]:
    return {(k, i, j): w for k, layer in enumerate(weights) for i, row in enumerate(layer["kernel"]) for j, w in enumerate(row)}


def assert_diagram_shows(page, weights: list[dict]) -> None:
    """One link element per weight, each carrying exactly that weight."""
    links = page.evaluate(LINKS)
    expected = flat(weights)
    assert len(links) == len(expected)
    assert {(d["layer"], d["from"], d["to"]): d["weight"] for d in links} == expected
    biases = page.eval_on_selector_all(".mlp-pg svg.mlp-pg-network rect.mlp-pg-bias", "r => r.map(e => +e.dataset.bias)")
    assert biases == [b for layer in weights for b in layer["bias"]]


@pytest.fixture(scope="module")
def presets_page(widget_page) -> Path:
    return widget_page([playground_widget("spiral")], name="presets.html")


def test_every_preset_trains_and_the_diagram_carries_its_weights(presets_page: Path, serve, open_page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    probe = open_page(f"{serve(presets_page.parent)}/{presets_page.name}")
    page = widget_ready(probe)
    options = page.eval_on_selector_all(".mlp-pg select.mlp-pg-preset option", "opts => opts.map(o => o.value)")
    assert [o for o in options if o] == list(preset_configs())
    page.select_option(".mlp-pg select.mlp-pg-speed", "20")
    results = {}
    for name, config in preset_configs().items():
        page.select_option(".mlp-pg select.mlp-pg-preset", name)
        page.wait_for_function("() => +document.querySelector('.mlp-pg .mlp-pg-epoch').dataset.value === 0")
        start = read(page)
        cap = pg.PRESETS[name]["epochs"]
        reached = play_until(page, cap, pg.TARGET_TEST_LOSS)
        page.locator(".mlp-pg").screenshot(path=str(ARTIFACTS / f"{name}-after.png"))
        results[name] = {"epochs": reached["epoch"], "test_loss": reached["loss"], "start": start["loss"], "cap": cap}
        assert reached["loss"] < start["loss"] <= 1, f"{name}: play did not lower the test loss"
        assert reached["loss"] <= pg.TARGET_TEST_LOSS, f"{name}: test loss {reached['loss']} after {reached['epoch']} epochs"

        state = export(page)
        assert state["config"] == config
        assert_diagram_shows(page, state["weights"])
        # the Python port computes the loss the page shows from the same weights
        _, test = network_losses(config, state["weights"])
        assert read(page)["loss"] == pytest.approx(test, rel=1e-12, abs=1e-15)

        # Export as Keras code writes the code of these weights (the Python port writes the same text)
        page.click(".mlp-pg button.mlp-pg-keras")
        assert page.input_value(".mlp-pg textarea.mlp-pg-json") == keras_code(config, state["weights"])

        # hovering a link shows the card with that link's value
        link = page.locator(".mlp-pg svg.mlp-pg-network path.mlp-pg-link-hover").nth(len(state["weights"][0]["kernel"]) - 1)
        link.dispatch_event("mouseenter", {"clientX": 300, "clientY": 300})
        card = page.locator(".mlp-pg .mlp-pg-hovercard")
        assert card.is_visible() and card.inner_text().startswith("Weight")
        k, i, j = (int(card.get_attribute(f"data-{a}")) for a in ("layer", "from", "to"))
        shown = float(card.locator(".mlp-pg-value").get_attribute("data-value"))
        assert shown == state["weights"][k]["kernel"][i][j]
        assert card.locator(".mlp-pg-value").inner_text() == f"{shown:.3g}" or float(card.locator(".mlp-pg-value").inner_text()) == pytest.approx(shown, rel=5e-3)
        link.dispatch_event("mouseleave")
        assert not card.is_visible()
    (ARTIFACTS / "results.json").write_text(json.dumps(results, indent=2))
    check_clean(probe)


def test_editing_a_weight_changes_the_output_and_the_loss(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("xor")], name="edit.html")
    probe = open_page(f"{serve(page_path.parent)}/{page_path.name}")
    page = widget_ready(probe)
    before, pixels = read(page), page.evaluate(PIXELS)
    hover = page.locator('.mlp-pg svg.mlp-pg-network path.mlp-pg-link-hover').last  # a link into the output neuron
    hover.dispatch_event("click", {"clientX": 300, "clientY": 200})
    box = page.locator(".mlp-pg .mlp-pg-hovercard input.mlp-pg-edit")
    assert box.is_visible()
    box.fill("-4")
    box.press("Enter")
    state = export(page)
    assert state["weights"][-1]["kernel"][-1][0] == -4
    assert_diagram_shows(page, state["weights"])
    after = read(page)
    assert after["loss"] != before["loss"] and after["epoch"] == before["epoch"]
    assert after["loss"] == pytest.approx(network_losses(state["config"], state["weights"])[1], rel=1e-12)
    assert page.evaluate(PIXELS) != pixels
    # a bias too
    page.locator(".mlp-pg svg.mlp-pg-network rect.mlp-pg-bias").last.dispatch_event("click", {"clientX": 300, "clientY": 200})
    page.fill(".mlp-pg .mlp-pg-hovercard input.mlp-pg-edit", "0.75")
    page.press(".mlp-pg .mlp-pg-hovercard input.mlp-pg-edit", "Enter")
    assert export(page)["weights"][-1]["bias"] == [0.75]
    assert page.locator(".mlp-pg svg.mlp-pg-network rect.mlp-pg-bias").last.get_attribute("data-bias") == "0.75"
    # L1 with a large rate cuts links (weight 0, dead flag): they are drawn dead, the others are not
    page.select_option(".mlp-pg select.mlp-pg-regularization", "L1")
    page.select_option(".mlp-pg select.mlp-pg-reg_rate", "0.3")
    for _ in range(5):
        page.click(".mlp-pg button.mlp-pg-step")
    state = export(page)
    dead = {(k, i, j) for k, layer in enumerate(state["weights"]) for i, row in enumerate(layer["dead"]) for j, d in enumerate(row) if d}
    assert dead, "L1 at rate 0.3 cut no link"
    links = page.eval_on_selector_all(".mlp-pg svg.mlp-pg-network path.mlp-pg-link", "ps => ps.map(p => [+p.dataset.layer, +p.dataset.from, +p.dataset.to, p.classList.contains('mlp-pg-dead'), +p.dataset.weight])")
    assert {(k, i, j) for k, i, j, is_dead, _ in links if is_dead} == dead
    assert all(w == 0 for k, i, j, is_dead, w in links if is_dead)
    check_clean(probe)


def test_feature_nodes_switch_inputs_and_output_panel_toggles(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("circle")], name="features.html")
    probe = open_page(f"{serve(page_path.parent)}/{page_path.name}")
    page = widget_ready(probe)
    config = preset_configs()["circle"]
    for _ in range(10):
        page.click(".mlp-pg button.mlp-pg-step")
    # Show test data adds the test points; Discretize turns the shades into two colours
    n_train = page.locator(".mlp-pg svg.mlp-pg-overlay circle.mlp-pg-train").count()
    assert n_train > 0 and page.locator(".mlp-pg svg.mlp-pg-overlay circle.mlp-pg-test").count() == 0
    page.check(".mlp-pg input.mlp-pg-show-test")
    assert page.locator(".mlp-pg svg.mlp-pg-overlay circle.mlp-pg-test").count() > 0
    pixels = page.evaluate(PIXELS)
    page.check(".mlp-pg input.mlp-pg-discretize")
    discrete = page.evaluate(PIXELS)
    assert discrete != pixels
    colours = {tuple(discrete[k:k + 3]) for k in range(0, len(discrete), 4)}
    tf_colours = ((245, 147, 34), (8, 119, 189))  # alpha 160 rounds the read-back by a unit or two
    assert 1 <= len(colours) <= 2 and all(min(max(abs(a - b) for a, b in zip(c, t, strict=True)) for t in tf_colours) <= 2 for c in colours)
    assert len({tuple(pixels[k:k + 3]) for k in range(0, len(pixels), 4)}) > 2
    n_links = len(page.evaluate(LINKS))
    page.click('.mlp-pg svg.mlp-pg-network g.mlp-pg-feature[data-feature="x1^2"]')  # on -> off: one input fewer
    state = export(page)
    assert state["config"]["features"] == [f for f in config["features"] if f != "x1^2"]
    assert len(state["weights"][0]["kernel"]) == len(config["features"]) - 1
    assert len(page.evaluate(LINKS)) == n_links - config["hidden"][0]
    assert page.locator('.mlp-pg svg.mlp-pg-network g.mlp-pg-feature[data-feature="x1^2"]').get_attribute("class").endswith("mlp-pg-off")
    assert_diagram_shows(page, state["weights"])
    page.click('.mlp-pg svg.mlp-pg-network g.mlp-pg-feature[data-feature="sin(x2)"]')  # off -> on
    assert export(page)["config"]["features"] == ["x1", "x2", "x2^2", "sin(x2)"]

    # +/- neurons and layers
    page.click(".mlp-pg svg.mlp-pg-network g.mlp-pg-pm.mlp-pg-more[data-layer='0']")
    assert export(page)["config"]["hidden"] == [4, 1]
    page.click(".mlp-pg button.mlp-pg-add-layer")
    assert export(page)["config"]["hidden"] == [4, 1, 2]
    assert_diagram_shows(page, export(page)["weights"])

    # hovering a neuron shows it in the big heatmap
    page.locator(".mlp-pg svg.mlp-pg-network g.mlp-pg-node.mlp-pg-hidden").first.hover()
    assert page.get_attribute(".mlp-pg canvas.mlp-pg-heatmap", "data-shows") == "1:0"
    check_clean(probe)


def test_problem_type_and_dataset_thumbnails(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("xor")], name="problem.html")
    probe = open_page(f"{serve(page_path.parent)}/{page_path.name}")
    page = widget_ready(probe)
    sets = page.eval_on_selector_all(".mlp-pg canvas.mlp-pg-dataset", "c => c.map(e => e.dataset.dataset)")
    assert sets == ["circle", "xor", "gauss", "spiral"]
    page.click('.mlp-pg canvas.mlp-pg-dataset[data-dataset="gauss"]')
    assert export(page)["config"]["dataset"] == "gauss"
    page.select_option(".mlp-pg select.mlp-pg-problem", "regression")
    assert export(page)["config"]["dataset"] == "reg-plane"
    assert page.eval_on_selector_all(".mlp-pg canvas.mlp-pg-dataset", "c => c.map(e => e.dataset.dataset)") == ["reg-plane", "reg-gauss"]
    assert page.locator(".mlp-pg .mlp-pg-accuracy").count() == 0
    check_clean(probe)


def test_url_hash_round_trips_a_configuration(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("spiral"), playground_widget("xor")], name="hash.html")
    url = f"{serve(page_path.parent)}/{page_path.name}"
    probe = open_page(url)
    page = widget_ready(probe)
    assert "#" not in page.url  # opening the page leaves its address alone
    first = page.locator(".mlp-pg").first
    first.locator("select.mlp-pg-activation").select_option("relu")
    first.locator("input.mlp-pg-data_seed").fill("17")
    first.locator("input.mlp-pg-data_seed").dispatch_event("change")
    first.locator("input.mlp-pg-init_seed").fill("5")
    first.locator("input.mlp-pg-init_seed").dispatch_event("change")
    page.click('.mlp-pg svg.mlp-pg-network g.mlp-pg-feature[data-feature="x1*x2"] >> nth=0')
    shared = page.url
    assert "activation=relu" in shared and "data_seed=17" in shared and "init_seed=5" in shared
    state = export(page)
    links = page.evaluate(LINKS)
    # the second widget does not touch the hash
    page.locator(".mlp-pg").nth(1).locator("select.mlp-pg-activation").select_option("sigmoid")
    assert page.url == shared

    again = open_page(shared)
    other = widget_ready(again)
    assert export(other)["config"] == state["config"] and export(other)["weights"] == state["weights"]
    assert other.evaluate(LINKS) == links
    assert other.locator(".mlp-pg").nth(1).locator("select.mlp-pg-activation").input_value() == "tanh"  # only the first reads it
    # a bad hash is reported, not applied
    bad = open_page(url + "#dataset=moons&hidden=2")
    bad_page = widget_ready(bad)
    assert "dataset" in bad_page.locator(".mlp-pg .mlp-pg-msg").first.inner_text()
    assert export(bad_page)["config"] == preset_configs()["spiral"]
    for p in (probe, again, bad):
        check_clean(p)


def test_drawn_and_csv_points_train(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("xor")], name="draw.html")
    probe = open_page(f"{serve(page_path.parent)}/{page_path.name}")
    page = widget_ready(probe)
    page.click(".mlp-pg button.mlp-pg-clear-points")
    heat = page.locator(".mlp-pg svg.mlp-pg-overlay")
    rng = np.random.default_rng(0)
    for _ in range(12):  # blue blob upper left, orange (shift) lower right, in page pixels of a 200-px panel
        x, y = rng.uniform(30, 80, 2)
        heat.click(position={"x": float(x), "y": float(y)})
        heat.click(position={"x": float(200 - x), "y": float(200 - y)}, modifiers=["Shift"])
    state = export(page)
    assert len(state["points"]) == 24 and sorted({p[2] for p in state["points"]}) == [-1, 1]
    assert page.locator(".mlp-pg svg.mlp-pg-overlay circle.mlp-pg-train").count() == 12  # half of them train
    start = read(page)
    reached = play_until(page, 100, 0.01)
    assert reached["loss"] < start["loss"] and reached["loss"] < 0.1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".mlp-pg").screenshot(path=str(ARTIFACTS / "drawn-points.png"))

    csv = "x,y,label\n" + "\n".join(f"{x:.3f},{y:.3f},{1 if x * y > 0 else -1}" for x, y in rng.uniform(-5, 5, (80, 2)))
    page.fill(".mlp-pg textarea.mlp-pg-json", csv)
    page.click(".mlp-pg button.mlp-pg-import-csv")
    state = export(page)
    assert len(state["points"]) == 80 and state["epoch"] == 0
    start = read(page)
    reached = play_until(page, 150, 0.05)
    assert reached["loss"] < start["loss"]
    # the same split and loss in Python
    final = export(page)
    assert read(page)["loss"] == pytest.approx(network_losses(final["config"], final["weights"], final["points"])[1], rel=1e-12)
    page.fill(".mlp-pg textarea.mlp-pg-json", "x,y,label\n1,2,3\n")
    page.click(".mlp-pg button.mlp-pg-import-csv")
    assert "the label must be 1 or -1" in page.inner_text(".mlp-pg .mlp-pg-msg")
    check_clean(probe)


def test_a_new_view_shows_the_trained_state_and_views_stay_in_step(widget_page, serve, open_page) -> None:
    widget = playground_widget("xor")
    widget.speed = 20
    trained = [{"kernel": (np.asarray(layer["kernel"]) * 0 + 0.25).tolist(), "bias": [0.5] * len(layer["bias"])}
               for layer in _init_weights(widget)]
    widget.weights = trained
    widget.epoch = 321
    assert widget.losses["test"] == [network_losses(widget.config, trained)[1]]  # set with the weights
    page_path = widget_page([widget, widget], name="views.html")  # the same widget displayed twice
    probe = open_page(f"{serve(page_path.parent)}/{page_path.name}")
    page = widget_ready(probe)
    views = page.locator(".mlp-pg")
    assert views.count() == 2
    for k in range(2):  # both views show the model's weights and epoch: nothing was reset
        root = views.nth(k).element_handle()
        assert page.evaluate(READ, root)["epoch"] == 321
        assert {(d["layer"], d["from"], d["to"]): d["weight"] for d in page.evaluate(LINKS, root)} == flat(trained)
        assert views.nth(k).locator("select.mlp-pg-speed").input_value() == "20"
    # training in the first view reaches the second (weights, epoch, losses), as does every control
    views.nth(0).locator("button.mlp-pg-step").click()
    first, second = (views.nth(k).element_handle() for k in range(2))
    assert page.evaluate(READ, second) == page.evaluate(READ, first) and page.evaluate(READ, first)["epoch"] == 322
    assert page.evaluate(LINKS, second) == page.evaluate(LINKS, first)
    views.nth(0).locator("select.mlp-pg-speed").select_option("100")
    assert views.nth(1).locator("select.mlp-pg-speed").input_value() == "100"
    views.nth(0).locator("select.mlp-pg-learning_rate").select_option("0.3")
    assert views.nth(1).locator("select.mlp-pg-learning_rate").input_value() == "0.3"
    views.nth(0).locator("input.mlp-pg-show-test").check()  # the output switches are synced traits
    assert views.nth(1).locator("input.mlp-pg-show-test").is_checked()
    assert views.nth(1).locator("svg.mlp-pg-overlay circle.mlp-pg-test").count() > 0
    check_clean(probe)


def _init_weights(widget) -> list[dict]:
    sizes = [len(widget.config["features"]), *widget.config["hidden"], 1]
    return [{"kernel": np.zeros((a, b)).tolist(), "bias": [0.0] * b} for a, b in zip(sizes[:-1], sizes[1:], strict=True)]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_fits_the_book_width_in_both_themes(theme: str, widget_page, open_page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page_path = widget_page([playground_widget("spiral")], theme=theme, name=f"theme-{theme}.html")
    probe = open_page(page_path.resolve().as_uri())  # file://
    page = widget_ready(probe)
    sizes = page.evaluate("""() => { const e = document.querySelector('.mlp-pg'), m = document.querySelector('main');
      return { scroll: e.scrollWidth, width: e.clientWidth, main: m.clientWidth, right: e.getBoundingClientRect().right,
               mainRight: m.getBoundingClientRect().right, bg: getComputedStyle(e).backgroundColor }; }""")
    assert sizes["scroll"] <= sizes["width"] <= sizes["main"] and sizes["right"] <= sizes["mainRight"] + 0.5
    dark = sizes["bg"] != "rgb(255, 255, 255)"
    assert dark == (theme == "dark")
    labels = page.eval_on_selector_all(".mlp-pg svg.mlp-pg-network text", "t => t.map(e => e.getBoundingClientRect().height)")
    assert min(labels) >= 9  # readable at the content width
    page.locator(".mlp-pg").screenshot(path=str(ARTIFACTS / f"spiral-{theme}.png"))
    reached = play_until(page, 20, 0.0)
    assert reached["epoch"] >= 20
    page.select_option(".mlp-pg select.mlp-pg-activation", "relu")  # the shareable address works from file:// too
    assert page.url.startswith("file://") and "activation=relu" in page.url
    check_clean(probe)


@pytest.mark.slow
def test_widget_on_the_built_book_page(request: pytest.FixtureRequest, serve, open_page) -> None:
    """The Task 4 page of the quick book, over HTTP and as file://: the widget trains Spiral, fits the page."""
    given = os.environ.get("MLP_REPORT_BOOK_HTML")
    html = Path(given) if given else request.getfixturevalue("quick_book") / "_build" / "html"
    for url in (f"{serve(html)}/{BOOK_PAGE}", (html / BOOK_PAGE).resolve().as_uri()):
        probe = open_page(url)
        page = widget_ready(probe)
        assert page.evaluate("() => { const e = document.querySelector('.mlp-pg'); return e.scrollWidth <= e.clientWidth; }")
        page.select_option(".mlp-pg select.mlp-pg-speed", "20")
        start = read(page)
        reached = play_until(page, pg.PRESETS["spiral"]["epochs"], pg.TARGET_TEST_LOSS)
        assert reached["loss"] < start["loss"] and reached["loss"] <= pg.TARGET_TEST_LOSS
        assert_diagram_shows(page, export(page)["weights"])
        check_clean(probe)



# ---- keyboard, names and room (issue 21) ------------------------------------------------------------------

ACTIVE = """() => { const a = document.activeElement, root = a && a.closest('.mlp-pg');
  if (!root) return null;
  const cls = [...a.classList].map((c) => c.replace('mlp-pg-', '')).filter((c) => !['selected', 'on', 'off', 'round', 'node'].includes(c));
  const labels = a.labels ? [...a.labels].map((l) => l.textContent).join(' ') : '';
  const by = a.getAttribute('aria-labelledby');
  const name = (a.getAttribute('aria-label') || labels || (by && document.getElementById(by).textContent) || a.textContent || '').trim();
  const ring = a instanceof SVGElement ? getComputedStyle(a.querySelector('rect.mlp-pg-frame, circle')).strokeWidth
                                       : getComputedStyle(a).outlineStyle + ' ' + getComputedStyle(a).outlineWidth;
  return { tag: a.tagName.toLowerCase(), cls: cls.join('.'), feature: a.dataset.feature, dataset: a.dataset.dataset,
           layer: a.dataset.layer, node: a.dataset.node, name, ring };
}"""
CONFIG = "() => JSON.parse(document.querySelector('.mlp-pg textarea.mlp-pg-json').value || 'null')"


def tab_stops(page, first: str) -> list[dict]:
    """Every focus stop of the first widget in Tab order, from the control `first` until focus leaves it."""
    page.focus(first)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    stops = []
    while (stop := page.evaluate(ACTIVE)) is not None and len(stops) < 200:
        if stops and stop == stops[0]:  # Tab wrapped around (a page with nothing else to focus)
            break
        stops.append(stop)
        page.keyboard.press("Tab")
    return stops


def keyboard_checks(page) -> None:
    """Tab order, names, focus rings, and that each kind of stop works from the keyboard and keeps focus."""
    page.select_option(".mlp-pg select.mlp-pg-preset", "spiral")
    stops = tab_stops(page, ".mlp-pg button.mlp-pg-reset")
    kinds = [s["cls"] for s in stops]
    expected_start = ["reset", "play", "step", "learning_rate", "activation", "regularization", "reg_rate", "problem", "preset", "speed",
                      "dataset", "dataset", "dataset", "dataset", "ratio", "noise", "batch_size", "data_seed", "init_seed", "regen", "reseed",
                      "add-layer", "remove-layer"] + ["feature"] * 7
    assert kinds[: len(expected_start)] == expected_start
    config = pg.PRESETS["spiral"]
    rest = kinds[len(expected_start):]
    network = []
    for n in config["hidden"]:
        network += ["pm.more", "pm.less"] + ["hidden"] * n
    network += ["output"]
    assert rest[: len(network)] == network
    assert rest[len(network):] == ["show-test", "discretize", "draw-class", "clear-points", "export", "import", "import-csv", "csv-file",
                                   "keras", "json", ""]  # the last: the help's <summary>
    unnamed = [s for s in stops if not s["name"]]
    assert unnamed == [], "stops without an accessible name"
    no_ring = [s for s in stops if s["ring"] in ("none 0px", "1.5px", "1px") or s["ring"].startswith("none")]
    assert no_ring == [], "stops without a visible focus ring"

    def active():
        return page.evaluate(ACTIVE)

    # a slider: four arrow keys, four steps (0 -> 20), focus stays on it
    page.focus(".mlp-pg input.mlp-pg-noise")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    assert page.input_value(".mlp-pg input.mlp-pg-noise") == "20" and active()["cls"] == "noise"
    page.click(".mlp-pg button.mlp-pg-export")
    assert page.evaluate(CONFIG)["config"]["noise"] == 20
    # + layer twice from the keyboard: two layers more, focus stays
    before = len(page.evaluate(CONFIG)["config"]["hidden"])
    page.focus(".mlp-pg button.mlp-pg-add-layer")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert active()["cls"] == "add-layer"
    page.click(".mlp-pg button.mlp-pg-export")
    assert len(page.evaluate(CONFIG)["config"]["hidden"]) == before + 2
    # a menu: arrow keys change it, the next Tab goes on from it (not back to Reset)
    page.focus(".mlp-pg select.mlp-pg-activation")
    page.keyboard.press("ArrowDown")
    assert active()["cls"] == "activation"
    page.keyboard.press("Tab")
    assert active()["cls"] == "regularization"
    # a feature switch, a data set and a ± neuron by Space/Enter: each works and keeps focus
    page.focus('.mlp-pg g.mlp-pg-feature[data-feature="x1^2"]')
    page.keyboard.press("Space")
    assert active()["feature"] == "x1^2"
    assert page.get_attribute('.mlp-pg g.mlp-pg-feature[data-feature="x1^2"]', "aria-checked") == "true"
    page.focus('.mlp-pg canvas.mlp-pg-dataset[data-dataset="xor"]')
    page.keyboard.press("Enter")
    assert active()["dataset"] == "xor"
    assert page.get_attribute('.mlp-pg canvas.mlp-pg-dataset[data-dataset="xor"]', "aria-pressed") == "true"
    page.focus(".mlp-pg g.mlp-pg-pm.mlp-pg-more[data-layer='0']")
    page.keyboard.press("Enter")
    page.click(".mlp-pg button.mlp-pg-export")
    state = page.evaluate(CONFIG)
    assert state["config"]["dataset"] == "xor" and state["config"]["hidden"][0] == config["hidden"][0] + 1
    assert "x1^2" in state["config"]["features"]
    # a neuron: Enter opens its bias and incoming weights; typing changes them; Enter returns to the neuron
    page.focus(".mlp-pg g.mlp-pg-output")
    page.keyboard.press("Enter")
    fields = page.locator(".mlp-pg .mlp-pg-hovercard input.mlp-pg-edit")
    assert fields.count() == 1 + state["config"]["hidden"][-1]
    assert page.evaluate("() => document.activeElement.dataset.param").endswith(":-1:0")
    page.keyboard.press("Control+a")
    page.keyboard.type("0.5")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("-2")
    page.keyboard.press("Enter")
    assert active()["cls"] == "output"
    page.click(".mlp-pg button.mlp-pg-export")
    out = page.evaluate(CONFIG)["weights"][-1]
    assert out["bias"] == [0.5] and out["kernel"][0] == [-2]
    # a second neuron: Esc returns to that neuron (not to the one edited before)
    page.focus(".mlp-pg g.mlp-pg-hidden[data-layer='1'][data-node='1']")
    page.keyboard.press("Enter")
    assert page.locator(".mlp-pg .mlp-pg-hovercard input.mlp-pg-edit").count() == 1 + len(state["config"]["features"])
    page.keyboard.press("Escape")
    assert (active()["cls"], active()["layer"], active()["node"]) == ("hidden", "1", "1")
    assert not page.locator(".mlp-pg .mlp-pg-hovercard").is_visible()


def test_every_control_works_from_the_keyboard(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("spiral")], name="keyboard.html")
    probe = open_page(f"{serve(page_path.parent)}/{page_path.name}")
    page = widget_ready(probe)
    keyboard_checks(page)
    # a slider acts while it is dragged (input events), before the mouse is released
    box = page.locator(".mlp-pg input.mlp-pg-batch_size").bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2, steps=5)
    shown = page.locator(".mlp-pg input.mlp-pg-batch_size").evaluate("(e) => e.parentElement.querySelector('b').textContent")
    during = page.evaluate("() => document.querySelector('.mlp-pg input.mlp-pg-batch_size').value")
    page.mouse.up()
    assert int(shown) == int(during) > 1  # the label follows the config, which the drag has changed already
    # a failed import's message goes with the next action that works
    page.fill(".mlp-pg textarea.mlp-pg-json", "x,y,label\n1,2,3\n")
    page.click(".mlp-pg button.mlp-pg-import-csv")
    assert "invalid" in page.inner_text(".mlp-pg .mlp-pg-msg")
    page.click(".mlp-pg button.mlp-pg-step")
    assert page.inner_text(".mlp-pg .mlp-pg-msg") == ""
    # Show test data and Discretize travel in the share link
    page.check(".mlp-pg input.mlp-pg-show-test")
    page.check(".mlp-pg input.mlp-pg-discretize")
    assert "show_test=1" in page.url and "discretize=1" in page.url
    again = widget_ready(open_page(page.url))
    assert again.is_checked(".mlp-pg input.mlp-pg-show-test") and again.is_checked(".mlp-pg input.mlp-pg-discretize")
    check_clean(probe)


def layout_checks(page, name: str) -> dict:
    """Every node and label of the diagram and of the output panel inside the widget, no horizontal scroll; a
    screenshot; returns the diagram's spread (input column to output column, px)."""
    boxes = page.evaluate("""() => {
      const root = document.querySelector('.mlp-pg').getBoundingClientRect(), out = [];
      for (const e of document.querySelectorAll('.mlp-pg svg.mlp-pg-network g.mlp-pg-node, .mlp-pg svg.mlp-pg-network text, .mlp-pg svg.mlp-pg-overlay text, .mlp-pg canvas.mlp-pg-heatmap')) {
        const b = e.getBoundingClientRect();
        if (b.left < root.left - 0.5 || b.right > root.right + 0.5 || b.top < root.top - 0.5 || b.bottom > root.bottom + 0.5) out.push(e.outerHTML.slice(0, 80));
      }
      const xs = [...document.querySelectorAll('.mlp-pg svg.mlp-pg-network g.mlp-pg-node')].map((g) => g.getBoundingClientRect());
      const heat = document.querySelector('.mlp-pg canvas.mlp-pg-heatmap').getBoundingClientRect();
      return { outside: out, spread: Math.max(...xs.map((b) => b.right)) - Math.min(...xs.map((b) => b.left)), heat: heat.width,
               scroll: document.scrollingElement.scrollWidth - window.innerWidth,
               own: document.querySelector('.mlp-pg').scrollWidth - document.querySelector('.mlp-pg').clientWidth };
    }""")
    page.locator(".mlp-pg").scroll_into_view_if_needed()
    covered = page.evaluate("""() => {
      const root = document.querySelector('.mlp-pg'), b = root.getBoundingClientRect(), out = [];
      for (let i = 0; i <= 10; i++) for (let k = 0; k <= 10; k++) {
        const x = b.left + 2 + (b.width - 4) * i / 10, y = Math.max(b.top, 0) + 2 + (Math.min(b.bottom, innerHeight) - Math.max(b.top, 0) - 4) * k / 10;
        const e = document.elementFromPoint(x, y);
        if (e && !root.contains(e)) out.push(`${Math.round(x)},${Math.round(y)}: ${e.tagName}.${e.className}`);
      }
      return out; }""")
    assert covered == [], "something of the page covers the widget"
    assert boxes["outside"] == [], "clipped boxes"
    assert boxes["scroll"] <= 0 and boxes["own"] <= 0, "horizontal scroll"
    assert boxes["heat"] >= 260  # TF's output heatmap is about 260 px
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".mlp-pg").screenshot(path=str(ARTIFACTS / f"{name}.png"))
    return boxes


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_room_at_1400_and_800_px(theme: str, widget_page, browser) -> None:
    for width in (1400, 800):
        page_path = widget_page([playground_widget("spiral")], theme=theme, width=width - 40, name=f"room-{theme}-{width}.html")
        context = browser.new_context(viewport={"width": width, "height": 1000})
        try:
            page = context.new_page()
            page.goto(page_path.resolve().as_uri())
            widget_ready(SimpleNamespace(page=page))
            boxes = layout_checks(page, f"static-{width}-{theme}")
            if width == 1400:
                assert boxes["spread"] >= 560  # TF spreads a 6-5 network over about 560 px
            # no layout jump: the output panel stays where it is while the losses and accuracy change
            where = "() => [...document.querySelectorAll('.mlp-pg canvas.mlp-pg-heatmap, .mlp-pg textarea')].map((e) => Math.round(e.getBoundingClientRect().top))"
            before = page.evaluate(where)
            for _ in range(3):
                page.click(".mlp-pg button.mlp-pg-step")
            assert page.evaluate(where) == before
            # axe-core on the widget alone (WCAG 2.1 A/AA), with its help open
            page.click(".mlp-pg details.mlp-pg-help summary")
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("async () => (await axe.run('.mlp-pg', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations.map((v) => [v.id, v.nodes.map((n) => n.target.join(' ')).slice(0, 3)])")
            assert violations == [], f"axe-core: {violations}"
        finally:
            context.close()


@pytest.mark.slow
def test_keyboard_and_room_on_the_built_book_page(request: pytest.FixtureRequest, serve, open_page, browser) -> None:
    """The Task 4 page of the quick book: the keyboard checks, then the layout at 1,400 and 800 px in both themes
    (the widget cell is full-width: at 1,400 px its diagram spreads at least as far as TF's)."""
    given = os.environ.get("MLP_REPORT_BOOK_HTML")
    html = Path(given) if given else request.getfixturevalue("quick_book") / "_build" / "html"
    url = f"{serve(html)}/{BOOK_PAGE}"
    probe = open_page(url)
    keyboard_checks(widget_ready(probe))
    check_clean(probe)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        widget_ready(SimpleNamespace(page=page))
        for theme in ("light", "dark"):  # as the theme's switch does: its CSS and the widget's follow data-theme
            page.evaluate("(t) => { document.documentElement.dataset.theme = t; document.documentElement.dataset.mode = t; }", theme)
            for width in (1400, 800):
                page.set_viewport_size({"width": width, "height": 1000})
                page.wait_for_timeout(300)  # the diagram is laid out again at its column's new width
                boxes = layout_checks(page, f"book-{width}-{theme}")
                if width == 1400:
                    assert boxes["spread"] >= 560  # TF spreads a 6-5 network over about 560 px
    finally:
        context.close()


def test_hostile_input_gets_a_short_message(widget_page, serve, open_page) -> None:
    """The hash, CSV and Import JSON validate as Python does: a short message, nothing applied, no freeze."""
    from mlp_report.playground.widget import PlaygroundWidget, initial_weights

    page_path = widget_page([playground_widget("xor")], name="hostile.html")
    url = f"{serve(page_path.parent)}/{page_path.name}"
    xor = preset_configs()["xor"]
    msg = ".mlp-pg .mlp-pg-msg"
    # URL hash: an infinite learning rate, and a 100 kB value quoted in at most ~200 characters
    hashed = "&".join(f"{k}={','.join(map(str, v)) if isinstance(v, list) else '' if v is None else v}" for k, v in xor.items())
    for bad, expected in ((hashed.replace("learning_rate=0.03", "learning_rate=Infinity"), "learning_rate=Infinity is invalid"),
                          (hashed.replace("dataset=xor", "dataset=" + "x" * 100_000), "dataset=")):
        probe = open_page(f"{url}#{bad}")
        page = widget_ready(probe)
        text = page.locator(msg).first.inner_text()
        assert expected in text and len(text) < 400, text[:500]
        assert export(page)["config"] == xor
        check_clean(probe)

    probe = open_page(url)
    page = widget_ready(probe)
    big = page_path.parent / "million.csv"  # 10^6 lines from a file, as a user imports a big CSV
    big.write_text("\n".join(["0.1,0.2,1"] * 1_000_000))
    page.set_input_files(".mlp-pg input.mlp-pg-csv-file", str(big))
    page.wait_for_function("() => document.querySelector('.mlp-pg .mlp-pg-msg').textContent.includes('at most 5000')", timeout=30_000)
    assert page.locator(".mlp-pg button.mlp-pg-play").count() == 1 and export(page)["config"] == xor
    cases = [  # (text in the box, button, words of the message)
        ("1e308,0,1\n1,1,-1\n", "import-csv", "x and y must be within ±6"),
        ("0,0,0.5\n1,1,1\n", "import-csv", "the label must be 1 or -1"),
        (json.dumps({"format": "mlp-report-playground", "config": xor, "weights": [], "points": [["a", 0, 1], [1, 1, 1]]}),
         "import", "points[0]=[\"a\",0,1] is invalid"),
        (json.dumps({"format": "mlp-report-playground", "config": xor, "weights": [], "points": [[1, 2], [1, 1, 1]]}),
         "import", "points[0]=[1,2] is invalid"),
        (json.dumps({"format": "mlp-report-playground", "config": xor, "weights": [], "points": [[0, 0, 0], [1, 1, 1]]}),
         "import", "the label must be 1 or -1"),
        (json.dumps({"format": "mlp-report-playground", "config": {**xor, "learning_rate": 1e999}}).replace("Infinity", "1e999"),
         "import", "learning_rate=Infinity is invalid"),
    ]
    before = export(page)
    for text, button, words in cases:
        page.evaluate("(t) => { const a = document.querySelector('.mlp-pg textarea.mlp-pg-json'); a.value = t; a.dispatchEvent(new Event('input')); }", text)
        page.click(f".mlp-pg button.mlp-pg-{button}", timeout=20_000)  # a frozen page would time out here
        shown = page.inner_text(msg)
        assert words in shown and len(shown) < 400, (words, shown[:500])
        assert page.locator(".mlp-pg button.mlp-pg-play").count() == 1  # the controls are still there
        assert export(page)["config"] == before["config"] and export(page)["weights"] == before["weights"]

    # JSON written by either side is accepted by the other: Python's fresh widget (weights: []) in the browser ...
    fresh = PlaygroundWidget(config={**xor, "data_seed": 3})
    assert json.loads(fresh.export_json())["weights"] == []
    page.fill(".mlp-pg textarea.mlp-pg-json", fresh.export_json())
    page.click(".mlp-pg button.mlp-pg-import")
    shown = export(page)
    assert shown["config"] == fresh.config and shown["epoch"] == 0
    for js, py in zip(shown["weights"], initial_weights(fresh.config), strict=True):
        assert np.allclose(js["kernel"], py["kernel"]) and np.allclose(js["bias"], py["bias"])
    # ... and the browser's export, with own points, in Python
    page.fill(".mlp-pg textarea.mlp-pg-json", "x,y,label\n1,1,1\n-1,-1,1\n1,-1,-1\n-1,1,-1\n")
    page.click(".mlp-pg button.mlp-pg-import-csv")
    back = PlaygroundWidget.from_json(json.dumps(export(page)))
    assert back.config == fresh.config and len(back.points) == 4
    check_clean(probe)
