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

import numpy as np
import pytest

from mlp_report import playground as pg
from mlp_report.playground.export import keras_code
from mlp_report.playground.widget import network_losses, playground_widget, preset_configs

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "widget"
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
    assert "label 3 is invalid" in page.inner_text(".mlp-pg .mlp-pg-msg")
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

