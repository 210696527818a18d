"""Export as Keras code: the JavaScript's kerasCode and the Python keras_code write the same text, and that
code, run as Python, reproduces the widget's outputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_widget_js import NODE, run_js  # tests/playground is on sys.path (rootdir-relative imports)

from mlp_report import playground as pg
from mlp_report.playground.export import js_number, keras_code
from mlp_report.playground.widget import PlaygroundWidget, initial_weights, preset_configs
from mlp_report.validation import ConfigError

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: the widget's JS tests need node >= 18")

GRID = np.array([(x, y) for x in np.linspace(-6, 6, 25) for y in np.linspace(-6, 6, 25)])


def test_numbers_are_written_as_javascript_writes_them() -> None:
    rng = np.random.default_rng(0)
    values = [0.0, -0.0, 1.0, -3.0, 0.1, 0.5, 1e-6, 1e-7, 1.5e-7, 123456.789, 1e20, 1e21, 1.5e21, 2.0**60,
              5e-324, 1.7976931348623157e308, 0.000001234, -9.87654321e-5, 100.0, 120.5]
    values += (rng.standard_normal(300) * 10.0 ** rng.integers(-12, 25, 300)).tolist()
    js = run_js("out = input.values.map(String);", values=values)
    assert [js_number(v) for v in values] == js
    assert all(float(text) == v for text, v in zip(js, values, strict=True))  # Python reads them back exactly
    with pytest.raises(ConfigError, match="value=nan is invalid: expected a finite number"):
        js_number(math.nan)


CASES = {
    **{name: (config, 30) for name, config in preset_configs().items()},
    "regression, L1": ({**preset_configs()["circle"], "dataset": "reg-gauss", "regularization": "L1", "reg_rate": 0.003,
                        "hidden": [4, 2]}, 10),
    "no hidden layer, all features": ({**preset_configs()["xor"], "hidden": [], "features": list(pg.FEATURES),
                                       "activation": "sigmoid"}, 5),
}


@pytest.mark.parametrize("name", list(CASES))
def test_exported_keras_code_reproduces_the_widget(name: str) -> None:
    """Train in JS, export with kerasCode, run the code as Python: the same outputs on a grid (< 1e-5),
    and Python's keras_code writes the very same text."""
    config, epochs = CASES[name]
    js = run_js(
        """
        const sim = new pg.Simulation(input.cfg);
        for (let e = 0; e < input.epochs; e++) sim.step();
        out = { code: pg.kerasCode(sim.cfg, sim.layers), layers: sim.layers,
                grid: input.grid.map(([x, y]) => pg.predict(sim.layers, pg.featurize(x, y, sim.cfg.features), sim.cfg)) };
        """,
        cfg=config, epochs=epochs, grid=GRID.tolist(),
    )
    assert keras_code(config, js["layers"]) == js["code"]
    namespace: dict = {"__name__": "exported"}
    exec(compile(js["code"], f"<{name}>", "exec"), namespace)  # noqa: S102 - the code under test
    got = namespace["predict"](GRID)
    assert got.shape == (len(GRID),)
    assert np.max(np.abs(got - np.array(js["grid"]))) < 1e-5
    assert np.ptp(got) > 1e-3  # a trained network, not a constant
    assert len(js["code"].splitlines()) < 60 + sum(len(layer["kernel"]) for layer in js["layers"])
    if "L1" in name:
        assert "cut by L1 regularization" in js["code"]


def test_the_widget_exports_the_same_code() -> None:
    """keras_code() of the Python widget: with weights from the front end, and before any (initial weights)."""
    widget = PlaygroundWidget(preset="spiral")
    js = run_js("const sim = new pg.Simulation(input.cfg); out = [pg.kerasCode(sim.cfg, sim.layers), sim.layers];",
                cfg=widget.config)
    assert widget.keras_code() == js[0]  # no weights yet: those of the seeds
    assert initial_weights(widget.config) == js[1]
    trained = [{**layer, "kernel": (np.array(layer["kernel"]) * 3).tolist()} for layer in js[1]]
    widget.weights = trained
    assert widget.keras_code() == keras_code(widget.config, trained) != js[0]
    with pytest.raises(ConfigError, match=r"weights=.* is invalid: expected a list of 3 layers"):
        keras_code(widget.config, trained[:2])
