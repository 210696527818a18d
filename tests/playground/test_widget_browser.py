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
  root = root || document.querySelector('.pg');
  const q = (s) => root.querySelector(s);
  return { epoch: +q('.epoch').dataset.value, loss: +q('.test-loss').dataset.value, shown: q('.test-loss').textContent };
}"""
LINKS = """(root) => [...(root || document.querySelector('.pg')).querySelectorAll('svg.network path.link')].map((p) =>
  ({ layer: +p.dataset.layer, from: +p.dataset.from, to: +p.dataset.to, weight: +p.dataset.weight }))"""
PIXELS = """() => { const c = document.querySelector('.pg canvas.heatmap');
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
    page.wait_for_selector(".pg .test-loss", timeout=RENDER_TIMEOUT)
    # every view has decided whether it owns the URL hash (and applied it)
    page.wait_for_function("() => [...document.querySelectorAll('.pg')].every((e) => e.dataset.hash)", timeout=RENDER_TIMEOUT)
    page.locator(".pg").first.scroll_into_view_if_needed()
    assert page.locator(".pg canvas.heatmap").count() >= 1 and page.locator(".pg canvas.loss-chart").count() >= 1
    assert page.locator(".pg svg.network g.feature").count() >= len(pg.FEATURES)
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


def export(page) -> dict:
    """The widget's state through its Export JSON button (the JavaScript's own config and weights)."""
    page.click(".pg button.export")
    return json.loads(page.input_value(".pg textarea.json"))


def flat(weights: list[dict]) -> dict[tuple[int, int, int], float]:
    return {(k, i, j): w for k, layer in enumerate(weights) for i, row in enumerate(layer["kernel"]) for j, w in enumerate(row)}


def assert_diagram_shows(page, weights: list[dict]) -> None:
    """One link element per weight, each carrying exactly that weight."""
    links = page.evaluate(LINKS)
    expected = flat(weights)
    assert len(links) == len(expected)
    assert {(d["layer"], d["from"], d["to"]): d["weight"] for d in links} == expected
    biases = page.eval_on_selector_all(".pg svg.network rect.bias", "r => r.map(e => +e.dataset.bias)")
    assert biases == [b for layer in weights for b in layer["bias"]]


@pytest.fixture(scope="module")
def presets_page(widget_page) -> Path:
    return widget_page([playground_widget("spiral")], name="presets.html")


def test_every_preset_trains_and_the_diagram_carries_its_weights(presets_page: Path, serve, open_page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    probe = open_page(f"{serve(presets_page.parent)}/{presets_page.name}")
    page = widget_ready(probe)
    options = page.eval_on_selector_all(".pg select.preset option", "opts => opts.map(o => o.value)")
    assert [o for o in options if o] == list(preset_configs())
    page.select_option(".pg select.speed", "20")
    results = {}
    for name, config in preset_configs().items():
        page.select_option(".pg select.preset", name)
        page.wait_for_function("() => +document.querySelector('.pg .epoch').dataset.value === 0")
        start = read(page)
        cap = pg.PRESETS[name]["epochs"]
        reached = play_until(page, cap, pg.TARGET_TEST_LOSS)
        page.locator(".pg").screenshot(path=str(ARTIFACTS / f"{name}-after.png"))
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
        page.click(".pg button.keras")
        assert page.input_value(".pg textarea.json") == keras_code(config, state["weights"])

        # hovering a link shows the card with that link's value
        link = page.locator(".pg svg.network path.link-hover").nth(len(state["weights"][0]["kernel"]) - 1)
        link.dispatch_event("mouseenter", {"clientX": 300, "clientY": 300})
        card = page.locator(".pg .hovercard")
        assert card.is_visible() and card.inner_text().startswith("Weight")
        k, i, j = (int(card.get_attribute(f"data-{a}")) for a in ("layer", "from", "to"))
        shown = float(card.locator(".value").get_attribute("data-value"))
        assert shown == state["weights"][k]["kernel"][i][j]
        assert card.locator(".value").inner_text() == f"{shown:.3g}" or float(card.locator(".value").inner_text()) == pytest.approx(shown, rel=5e-3)
        link.dispatch_event("mouseleave")
        assert not card.is_visible()
    (ARTIFACTS / "results.json").write_text(json.dumps(results, indent=2))
    check_clean(probe)


def test_editing_a_weight_changes_the_output_and_the_loss(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("xor")], name="edit.html")
    probe = open_page(f"{serve(page_path.parent)}/{page_path.name}")
    page = widget_ready(probe)
    before, pixels = read(page), page.evaluate(PIXELS)
    hover = page.locator('.pg svg.network path.link-hover').last  # a link into the output neuron
    hover.dispatch_event("click", {"clientX": 300, "clientY": 200})
    box = page.locator(".pg .hovercard input.edit")
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
    page.locator(".pg svg.network rect.bias").last.dispatch_event("click", {"clientX": 300, "clientY": 200})
    page.fill(".pg .hovercard input.edit", "0.75")
    page.press(".pg .hovercard input.edit", "Enter")
    assert export(page)["weights"][-1]["bias"] == [0.75]
    assert page.locator(".pg svg.network rect.bias").last.get_attribute("data-bias") == "0.75"
    # L1 with a large rate cuts links (weight 0, dead flag): they are drawn dead, the others are not
    page.select_option(".pg select.regularization", "L1")
    page.select_option(".pg select.reg_rate", "0.3")
    for _ in range(5):
        page.click(".pg button.step")
    state = export(page)
    dead = {(k, i, j) for k, layer in enumerate(state["weights"]) for i, row in enumerate(layer["dead"]) for j, d in enumerate(row) if d}
    assert dead, "L1 at rate 0.3 cut no link"
    links = page.eval_on_selector_all(".pg svg.network path.link", "ps => ps.map(p => [+p.dataset.layer, +p.dataset.from, +p.dataset.to, p.classList.contains('dead'), +p.dataset.weight])")
    assert {(k, i, j) for k, i, j, is_dead, _ in links if is_dead} == dead
    assert all(w == 0 for k, i, j, is_dead, w in links if is_dead)
    check_clean(probe)


def test_feature_nodes_switch_inputs_and_output_panel_toggles(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("circle")], name="features.html")
    probe = open_page(f"{serve(page_path.parent)}/{page_path.name}")
    page = widget_ready(probe)
    config = preset_configs()["circle"]
    for _ in range(10):
        page.click(".pg button.step")
    # Show test data adds the test points; Discretize turns the shades into two colours
    n_train = page.locator(".pg svg.overlay circle.train").count()
    assert n_train > 0 and page.locator(".pg svg.overlay circle.test").count() == 0
    page.check(".pg input.show-test")
    assert page.locator(".pg svg.overlay circle.test").count() > 0
    pixels = page.evaluate(PIXELS)
    page.check(".pg input.discretize")
    discrete = page.evaluate(PIXELS)
    assert discrete != pixels
    colours = {tuple(discrete[k:k + 3]) for k in range(0, len(discrete), 4)}
    tf_colours = ((245, 147, 34), (8, 119, 189))  # alpha 160 rounds the read-back by a unit or two
    assert 1 <= len(colours) <= 2 and all(min(max(abs(a - b) for a, b in zip(c, t, strict=True)) for t in tf_colours) <= 2 for c in colours)
    assert len({tuple(pixels[k:k + 3]) for k in range(0, len(pixels), 4)}) > 2
    n_links = len(page.evaluate(LINKS))
    page.click('.pg svg.network g.feature[data-feature="x1^2"]')  # on -> off: one input fewer
    state = export(page)
    assert state["config"]["features"] == [f for f in config["features"] if f != "x1^2"]
    assert len(state["weights"][0]["kernel"]) == len(config["features"]) - 1
    assert len(page.evaluate(LINKS)) == n_links - config["hidden"][0]
    assert page.locator('.pg svg.network g.feature[data-feature="x1^2"]').get_attribute("class").endswith("off")
    assert_diagram_shows(page, state["weights"])
    page.click('.pg svg.network g.feature[data-feature="sin(x2)"]')  # off -> on
    assert export(page)["config"]["features"] == ["x1", "x2", "x2^2", "sin(x2)"]

    # +/- neurons and layers
    page.click(".pg svg.network g.pm.more[data-layer='0']")
    assert export(page)["config"]["hidden"] == [4, 1]
    page.click(".pg button.add-layer")
    assert export(page)["config"]["hidden"] == [4, 1, 2]
    assert_diagram_shows(page, export(page)["weights"])

    # hovering a neuron shows it in the big heatmap
    page.locator(".pg svg.network g.node.hidden").first.hover()
    assert page.get_attribute(".pg canvas.heatmap", "data-shows") == "1:0"
    check_clean(probe)


def test_problem_type_and_dataset_thumbnails(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("xor")], name="problem.html")
    probe = open_page(f"{serve(page_path.parent)}/{page_path.name}")
    page = widget_ready(probe)
    sets = page.eval_on_selector_all(".pg canvas.dataset", "c => c.map(e => e.dataset.dataset)")
    assert sets == ["circle", "xor", "gauss", "spiral"]
    page.click('.pg canvas.dataset[data-dataset="gauss"]')
    assert export(page)["config"]["dataset"] == "gauss"
    page.select_option(".pg select.problem", "regression")
    assert export(page)["config"]["dataset"] == "reg-plane"
    assert page.eval_on_selector_all(".pg canvas.dataset", "c => c.map(e => e.dataset.dataset)") == ["reg-plane", "reg-gauss"]
    assert page.locator(".pg .accuracy").count() == 0
    check_clean(probe)


def test_url_hash_round_trips_a_configuration(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("spiral"), playground_widget("xor")], name="hash.html")
    url = f"{serve(page_path.parent)}/{page_path.name}"
    probe = open_page(url)
    page = widget_ready(probe)
    assert "#" not in page.url  # opening the page leaves its address alone
    first = page.locator(".pg").first
    first.locator("select.activation").select_option("relu")
    first.locator("input.data_seed").fill("17")
    first.locator("input.data_seed").dispatch_event("change")
    first.locator("input.init_seed").fill("5")
    first.locator("input.init_seed").dispatch_event("change")
    page.click('.pg svg.network g.feature[data-feature="x1*x2"] >> nth=0')
    shared = page.url
    assert "activation=relu" in shared and "data_seed=17" in shared and "init_seed=5" in shared
    state = export(page)
    links = page.evaluate(LINKS)
    # the second widget does not touch the hash
    page.locator(".pg").nth(1).locator("select.activation").select_option("sigmoid")
    assert page.url == shared

    again = open_page(shared)
    other = widget_ready(again)
    assert export(other)["config"] == state["config"] and export(other)["weights"] == state["weights"]
    assert other.evaluate(LINKS) == links
    assert other.locator(".pg").nth(1).locator("select.activation").input_value() == "tanh"  # only the first reads it
    # a bad hash is reported, not applied
    bad = open_page(url + "#dataset=moons&hidden=2")
    bad_page = widget_ready(bad)
    assert "dataset" in bad_page.locator(".pg .msg").first.inner_text()
    assert export(bad_page)["config"] == preset_configs()["spiral"]
    for p in (probe, again, bad):
        check_clean(p)


def test_drawn_and_csv_points_train(widget_page, serve, open_page) -> None:
    page_path = widget_page([playground_widget("xor")], name="draw.html")
    probe = open_page(f"{serve(page_path.parent)}/{page_path.name}")
    page = widget_ready(probe)
    page.click(".pg button.clear-points")
    heat = page.locator(".pg svg.overlay")
    rng = np.random.default_rng(0)
    for _ in range(12):  # blue blob upper left, orange (shift) lower right, in page pixels of a 200-px panel
        x, y = rng.uniform(30, 80, 2)
        heat.click(position={"x": float(x), "y": float(y)})
        heat.click(position={"x": float(200 - x), "y": float(200 - y)}, modifiers=["Shift"])
    state = export(page)
    assert len(state["points"]) == 24 and sorted({p[2] for p in state["points"]}) == [-1, 1]
    assert page.locator(".pg svg.overlay circle.train").count() == 12  # half of them train
    start = read(page)
    reached = play_until(page, 100, 0.01)
    assert reached["loss"] < start["loss"] and reached["loss"] < 0.1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".pg").screenshot(path=str(ARTIFACTS / "drawn-points.png"))

    csv = "x,y,label\n" + "\n".join(f"{x:.3f},{y:.3f},{1 if x * y > 0 else -1}" for x, y in rng.uniform(-5, 5, (80, 2)))
    page.fill(".pg textarea.json", csv)
    page.click(".pg button.import-csv")
    state = export(page)
    assert len(state["points"]) == 80 and state["epoch"] == 0
    start = read(page)
    reached = play_until(page, 150, 0.05)
    assert reached["loss"] < start["loss"]
    # the same split and loss in Python
    final = export(page)
    assert read(page)["loss"] == pytest.approx(network_losses(final["config"], final["weights"], final["points"])[1], rel=1e-12)
    page.fill(".pg textarea.json", "x,y,label\n1,2,3\n")
    page.click(".pg button.import-csv")
    assert "the label must be 1 or -1" in page.inner_text(".pg .msg")
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
    views = page.locator(".pg")
    assert views.count() == 2
    for k in range(2):  # both views show the model's weights and epoch: nothing was reset
        root = views.nth(k).element_handle()
        assert page.evaluate(READ, root)["epoch"] == 321
        assert {(d["layer"], d["from"], d["to"]): d["weight"] for d in page.evaluate(LINKS, root)} == flat(trained)
        assert views.nth(k).locator("select.speed").input_value() == "20"
    # training in the first view reaches the second (weights, epoch, losses), as does every control
    views.nth(0).locator("button.step").click()
    first, second = (views.nth(k).element_handle() for k in range(2))
    assert page.evaluate(READ, second) == page.evaluate(READ, first) and page.evaluate(READ, first)["epoch"] == 322
    assert page.evaluate(LINKS, second) == page.evaluate(LINKS, first)
    views.nth(0).locator("select.speed").select_option("100")
    assert views.nth(1).locator("select.speed").input_value() == "100"
    views.nth(0).locator("select.learning_rate").select_option("0.3")
    assert views.nth(1).locator("select.learning_rate").input_value() == "0.3"
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
    sizes = page.evaluate("""() => { const e = document.querySelector('.pg'), m = document.querySelector('main');
      return { scroll: e.scrollWidth, width: e.clientWidth, main: m.clientWidth, right: e.getBoundingClientRect().right,
               mainRight: m.getBoundingClientRect().right, bg: getComputedStyle(e).backgroundColor }; }""")
    assert sizes["scroll"] <= sizes["width"] <= sizes["main"] and sizes["right"] <= sizes["mainRight"] + 0.5
    dark = sizes["bg"] != "rgb(255, 255, 255)"
    assert dark == (theme == "dark")
    labels = page.eval_on_selector_all(".pg svg.network text", "t => t.map(e => e.getBoundingClientRect().height)")
    assert min(labels) >= 9  # readable at the content width
    page.locator(".pg").screenshot(path=str(ARTIFACTS / f"spiral-{theme}.png"))
    reached = play_until(page, 20, 0.0)
    assert reached["epoch"] >= 20
    page.select_option(".pg select.activation", "relu")  # the shareable address works from file:// too
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
        assert page.evaluate("() => { const e = document.querySelector('.pg'); return e.scrollWidth <= e.clientWidth; }")
        page.select_option(".pg select.speed", "20")
        start = read(page)
        reached = play_until(page, pg.PRESETS["spiral"]["epochs"], pg.TARGET_TEST_LOSS)
        assert reached["loss"] < start["loss"] and reached["loss"] <= pg.TARGET_TEST_LOSS
        assert_diagram_shows(page, export(page)["weights"])
        check_clean(probe)



def test_hostile_input_gets_a_short_message(widget_page, serve, open_page) -> None:
    """The hash, CSV and Import JSON validate as Python does: a short message, nothing applied, no freeze."""
    from mlp_report.playground.widget import PlaygroundWidget, initial_weights

    page_path = widget_page([playground_widget("xor")], name="hostile.html")
    url = f"{serve(page_path.parent)}/{page_path.name}"
    xor = preset_configs()["xor"]
    msg = ".pg .msg"
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
    page.set_input_files(".pg input.csv-file", str(big))
    page.wait_for_function("() => document.querySelector('.pg .msg').textContent.includes('at most 5000')", timeout=30_000)
    assert page.locator(".pg button.play").count() == 1 and export(page)["config"] == xor
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
        page.evaluate("(t) => { const a = document.querySelector('.pg textarea.json'); a.value = t; a.dispatchEvent(new Event('input')); }", text)
        page.click(f".pg button.{button}", timeout=20_000)  # a frozen page would time out here
        shown = page.inner_text(msg)
        assert words in shown and len(shown) < 400, (words, shown[:500])
        assert page.locator(".pg button.play").count() == 1  # the controls are still there
        assert export(page)["config"] == before["config"] and export(page)["weights"] == before["weights"]

    # JSON written by either side is accepted by the other: Python's fresh widget (weights: []) in the browser ...
    fresh = PlaygroundWidget(config={**xor, "data_seed": 3})
    assert json.loads(fresh.export_json())["weights"] == []
    page.fill(".pg textarea.json", fresh.export_json())
    page.click(".pg button.import")
    shown = export(page)
    assert shown["config"] == fresh.config and shown["epoch"] == 0
    for js, py in zip(shown["weights"], initial_weights(fresh.config), strict=True):
        assert np.allclose(js["kernel"], py["kernel"]) and np.allclose(js["bias"], py["bias"])
    # ... and the browser's export, with own points, in Python
    page.fill(".pg textarea.json", "x,y,label\n1,1,1\n-1,-1,1\n1,-1,-1\n-1,1,-1\n")
    page.click(".pg button.import-csv")
    back = PlaygroundWidget.from_json(json.dumps(export(page)))
    assert back.config == fresh.config and len(back.points) == 4
    check_clean(probe)
