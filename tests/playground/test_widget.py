"""The playground widget's Python side: configs, presets, traits, export and import."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from mlp_report import playground as pg
from mlp_report.playground.widget import (
    DEFAULT_CONFIG,
    ESM_PATH,
    PlaygroundWidget,
    compact_js,
    data_split,
    layer_sizes,
    load_export,
    network_losses,
    network_outputs,
    playground_widget,
    preset_configs,
    validate_config,
    validate_weights,
)
from mlp_report.validation import ConfigError


def random_weights(config: dict, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    sizes = layer_sizes(config)
    return [{"kernel": rng.normal(size=(a, b)).tolist(), "bias": rng.normal(size=b).tolist()} for a, b in zip(sizes[:-1], sizes[1:], strict=True)]


def test_presets_are_the_chapters_configurations() -> None:
    presets = preset_configs()
    assert list(presets) == list(pg.PRESETS)
    for name, config in presets.items():
        source = pg.PRESETS[name]
        assert config["dataset"] == source["dataset"]
        assert config["hidden"] == list(source["hidden"])
        assert config["features"] == list(source["features"])
        assert config["learning_rate"] == source["learning_rate"]
        assert config["batch_size"] == source["batch_size"]
        assert config["activation"] == source["activation"]
        assert config["reg_rate"] == source["regularization_rate"]
        # seed 0 of the chapter: one stream makes the data, then the weights
        assert config["data_seed"] == 0 and config["init_seed"] is None
    assert {presets[k]["dataset"] for k in presets} >= {"spiral", "xor", "circle"}
    assert presets["spiral"]["hidden"] == [6, 5]
    assert presets["xor"]["hidden"] == presets["circle"]["hidden"] == [3, 1]


def test_playground_widget_shows_a_preset_with_overrides() -> None:
    widget = playground_widget("xor", noise=10)
    assert widget.config == {**preset_configs()["xor"], "noise": 10}
    assert widget.preset_menu() == preset_configs()
    assert [item["name"] for item in widget.presets] == list(pg.PRESETS)  # a list: the menu order survives JSON
    assert playground_widget().config == next(iter(preset_configs().values()))
    with pytest.raises(ConfigError, match=r"preset='moons' is invalid: expected one of 'spiral'"):
        playground_widget("moons")
    with pytest.raises(ConfigError, match=r"noise=60 is invalid"):
        playground_widget("xor", noise=60)


def test_defaults_complete_a_partial_config() -> None:
    config = validate_config({"dataset": "gauss", "hidden": (2,)})
    assert set(config) == set(DEFAULT_CONFIG)
    assert config["dataset"] == "gauss" and config["hidden"] == [2] and config["features"] == ["x1", "x2"]
    assert validate_config(config) == config  # idempotent
    assert validate_config({"hidden": []})["hidden"] == []  # no hidden layer is allowed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dataset": "moons"}, r"dataset='moons' is invalid: expected one of 'circle'"),
        ({"noise": 51}, r"noise=51 is invalid: expected a number >= 0 and <= 50"),
        ({"noise": -1}, r"noise=-1 is invalid"),
        ({"ratio": 1.0}, r"ratio=1.0 is invalid: expected a number > 0 and < 1.0"),
        ({"ratio": 0.001}, r"ratio=0.001 is invalid: expected a fraction that leaves at least one"),
        ({"batch_size": 31}, r"batch_size=31 is invalid: expected an integer >= 1 and <= 30"),
        ({"batch_size": 2.5}, r"batch_size=2.5 is invalid"),
        ({"learning_rate": 0}, r"learning_rate=0 is invalid: expected a number > 0"),
        ({"activation": "elu"}, r"activation='elu' is invalid: expected one of 'relu', 'tanh', 'sigmoid', 'linear'"),
        ({"regularization": "l2"}, r"regularization='l2' is invalid: expected one of 'none', 'L1', 'L2'"),
        ({"reg_rate": -0.1}, r"reg_rate=-0.1 is invalid: expected a number >= 0.0"),
        ({"features": []}, r"features=\[\] is invalid: expected a non-empty list"),
        ({"features": ["x1", "x1"]}, r"expected each feature at most once"),
        ({"features": ["x3"]}, r"features='x3' is invalid: expected one of 'x1'"),
        ({"hidden": [9]}, r"hidden=9 is invalid: expected an integer >= 1 and <= 8"),
        ({"hidden": [1] * 7}, r"hidden=\[1, 1, 1, 1, 1, 1, 1\] is invalid: expected a list of at most 6"),
        ({"data_seed": -1}, r"data_seed=-1 is invalid: expected an integer >= 0 and <= 4294967295"),
        ({"init_seed": 2**32}, r"init_seed=4294967296 is invalid"),
        ({"epochs": 10}, r"config has an unknown key 'epochs': allowed keys are activation"),
    ],
)
def test_bad_configs_fail_naming_key_value_and_allowed(change: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        validate_config(change)
    widget = PlaygroundWidget(presets={})
    before = dict(widget.config)
    with pytest.raises(ConfigError, match=message):
        widget.config = {**widget.config, **change}
    assert widget.config == before  # a rejected config changes nothing


def test_constructor_errors() -> None:
    with pytest.raises(ConfigError, match="config=.*is invalid: expected a dict"):
        validate_config(["spiral"])
    with pytest.raises(ConfigError, match="a preset or a config, not both"):
        PlaygroundWidget({"dataset": "xor"}, preset="xor")
    with pytest.raises(ConfigError, match=r"speed=3 is invalid: expected one of 1, 5, 20, 100"):
        PlaygroundWidget(speed=3)


def test_weights_are_checked_against_the_network() -> None:
    widget = PlaygroundWidget({"features": ["x1", "x2", "sin(x1)"], "hidden": [4, 2]}, presets={})
    weights = random_weights(widget.config)
    widget.weights = weights
    assert widget.weights == weights
    params = widget.params()
    init = pg.init_params(3, [4, 2], 0)  # the Keras layout of mlp_report.playground
    assert [p.shape for p in params] == [p.shape for p in init]
    np.testing.assert_array_equal(params[0], np.array(weights[0]["kernel"]))
    bad = [dict(layer) for layer in weights]
    bad[1] = {"kernel": np.zeros((2, 4)).tolist(), "bias": [0.0] * 2}
    with pytest.raises(ConfigError, match=r"weights\[1\] has kernel \(2, 4\) and bias \(2,\): expected \(4, 2\) and \(2,\) for sizes \(3, 4, 2, 1\)"):
        widget.weights = bad
    with pytest.raises(ConfigError, match=r"weights=.* is invalid: expected a list of 3 layers"):
        validate_weights(weights[:2], (3, 4, 2, 1))
    with pytest.raises(ConfigError, match=r"weights\[0\]=.* is invalid: expected a dict with the keys 'kernel' and 'bias'"):
        validate_weights([{"w": 1}, *weights[1:]], (3, 4, 2, 1))
    nan = [dict(layer) for layer in weights]
    nan[2] = {"kernel": [[float("nan")], [0.0]], "bias": [0.0]}
    with pytest.raises(ConfigError, match=r"weights\[2\]=.* is invalid: expected finite numbers"):
        validate_weights(nan, (3, 4, 2, 1))
    assert widget.weights == weights


def test_export_import_round_trip(tmp_path) -> None:
    source = playground_widget("circle", noise=5, learning_rate=0.1)
    source.weights = random_weights(source.config, seed=3)
    source.epoch = 42
    source.losses = {"train": [0.5, 0.2], "test": [0.6, 0.3]}
    text = source.export_json()
    state = json.loads(text)
    assert state["format"] == "mlp-report-playground" and state["version"] == 1
    assert state["config"] == source.config and state["epoch"] == 42 and state["weights"] == source.weights

    for given in (text, json.loads(text)):
        copy = PlaygroundWidget.from_json(given)
        assert (copy.config, copy.weights, copy.epoch) == (source.config, source.weights, 42)
        train, test = network_losses(source.config, source.weights)
        assert copy.losses == {"train": [train], "test": [test]}  # the losses of the imported weights
    path = tmp_path / "state.json"
    source.export_json(path)
    target = playground_widget("spiral")
    target.import_json(path)
    assert (target.config, target.weights, target.epoch) == (source.config, source.weights, 42)
    target.import_json(str(path))
    assert target.config == source.config


def test_bad_imports_fail_clearly_and_change_nothing(tmp_path) -> None:
    widget = playground_widget("xor")
    before = (dict(widget.config), list(widget.weights), widget.epoch)
    with pytest.raises(ConfigError, match="not valid JSON"):
        widget.import_json("{not json")
    with pytest.raises(ConfigError, match='Not a playground export: expected a JSON object with "format"'):
        widget.import_json(json.dumps({"config": {}}))
    good = json.loads(playground_widget("spiral").export_json())
    with pytest.raises(ConfigError, match=r"hidden=9 is invalid"):
        widget.import_json({**good, "config": {**good["config"], "hidden": [9]}})
    wrong = {**good, "weights": random_weights({**good["config"], "hidden": [2]})}
    with pytest.raises(ConfigError, match=r"weights=.* is invalid: expected a list of 3 layers"):
        widget.import_json(wrong)
    with pytest.raises(ConfigError, match=r"epoch=-1 is invalid"):
        widget.import_json({**good, "epoch": -1})
    with pytest.raises(FileNotFoundError):
        load_export(tmp_path / "missing.json")
    assert (dict(widget.config), list(widget.weights), widget.epoch) == before


def test_esm_is_compact_and_self_contained() -> None:
    esm = PlaygroundWidget(presets={}).get_state()["_esm"]
    source = ESM_PATH.read_text()
    assert esm == compact_js(source)
    # stored in every widget's state: the budget grew from 70 kB with keyboard access, names and input validation
    assert len(esm) < 0.9 * len(source) and len(esm) < 80_000, len(esm)
    # no imports at all (so none from a URL), and a default export with render for anywidget
    assert not re.search(r"^\s*import\b|\bimport\s*\(", source, re.M)
    assert "export default { render }" in esm
    # compaction removes whole-line comments only
    assert compact_js("  // note\n/** doc\n * more */\nconst a = 1; // kept\n") == "const a = 1; // kept\n"


def test_dead_links_travel_with_the_weights() -> None:
    widget = PlaygroundWidget({"hidden": [2]}, presets={})
    weights = random_weights(widget.config)
    assert widget.dead() == []  # nothing from the front end yet
    weights[0]["dead"] = [[True, False], [False, False]]
    weights[0]["kernel"][0][0] = 0.0
    widget.weights = weights
    assert widget.weights == weights  # kept as given
    assert [d.tolist() for d in widget.dead()] == [[[True, False], [False, False]], [[False], [False]]]
    assert json.loads(widget.export_json())["weights"][0]["dead"] == weights[0]["dead"]
    with pytest.raises(ConfigError, match=r"weights\[0\]\['dead'\]=.* is invalid: expected \(2, 2\) booleans"):
        validate_weights([{**weights[0], "dead": [[1, 0], [0, 0]]}, weights[1]], (2, 2, 1))
    with pytest.raises(ConfigError, match=r"weights\[0\]\['dead'\]=.* is invalid"):
        validate_weights([{**weights[0], "dead": [[True]]}, weights[1]], (2, 2, 1))


def test_weights_set_from_python_come_with_their_losses() -> None:
    widget = playground_widget("xor")
    weights = random_weights(widget.config, seed=5)
    widget.weights = weights
    train, test = network_losses(widget.config, weights)
    assert widget.losses == {"train": [train], "test": [test]}
    assert 0 < test < 10


def test_points_are_checked_and_exported(tmp_path) -> None:
    widget = playground_widget("xor")
    points = [[1.0, 2.0, 1.0], [-3.0, 0.5, -1.0], [2.0, -2.0, -1.0], [0.0, 4.0, 1.0]]
    widget.points = points
    assert widget.to_dict()["points"] == points
    copy = PlaygroundWidget.from_json(widget.export_json())
    assert copy.points == points
    split = data_split(widget.config, points)
    assert len(split.x_train) == 2 and len(split.x_test) == 2
    assert sorted(map(tuple, np.c_[np.r_[split.x_train, split.x_test], np.r_[split.y_train, split.y_test]].tolist())) == sorted(map(tuple, points))
    for bad, why in (([[1, 2]], "expected \\[x, y, label\\], three finite numbers"), ([[1, 2, 3], [0, 0, 1]], "label must be 1 or -1"),
                     ([[1, 2, float("nan")], [0, 0, 1]], "finite"), ([[1, 2, 1]], "at least 2 points"), ("1,2,1", "expected (a list|\\[x, y, label\\])"),
                     ([[1, 2, 0.5], [0, 0, 1]], "label must be 1 or -1 \\(classification data\\)"),
                     ([[0, 0, 1], [1, 2, 0]], "label must be 1 or -1"), ([[1e308, 0, 1], [0, 0, 1]], "within ±6"),
                     ([[0, 0, True], [0, 0, 1]], "three finite numbers"), ([["1", 0, 1], [0, 0, 1]], "three finite numbers")):
        with pytest.raises(ConfigError, match=f"points(\\[\\d+\\])?=.* is invalid: .*{why}"):
            widget.points = bad
    with pytest.raises(ConfigError, match="points: 5001 points are too many: at most 5000 are allowed") as err:
        widget.points = [[0.0, 0.0, 1.0]] * 5001
    assert len(str(err.value)) < 200
    regression = playground_widget("xor")
    regression.config = {**regression.config, "dataset": "reg-plane"}
    regression.points = [[0, 0, 0.5], [1, 1, -0.25]]  # a regression set takes labels in [-1, 1]
    assert regression.points == [[0.0, 0.0, 0.5], [1.0, 1.0, -0.25]]
    assert widget.points == points


def test_network_outputs_agree_with_the_keras_model() -> None:
    """network_outputs (the Python side of the browser checks) is the forward pass of the port's Keras model."""
    config = preset_configs()["spiral"]
    params = pg.init_params(len(config["features"]), config["hidden"], seed=3)
    weights = [{"kernel": params[k].tolist(), "bias": params[k + 1].tolist()} for k in range(0, len(params), 2)]
    model = pg.build_model(len(config["features"]), config["hidden"], config["activation"], seed=None)
    model.set_weights(params)
    _, points = pg.grid(20)
    np.testing.assert_allclose(network_outputs(config, weights, points), pg.predict(model, points, config["features"]), atol=1e-6)


def test_output_switches_are_traits_and_travel_in_the_export() -> None:
    source = playground_widget("xor")
    assert (source.show_test, source.discretize) == (False, False)
    source.show_test = True
    state = json.loads(source.export_json())
    assert state["view"] == {"show_test": True, "discretize": False}
    copy = PlaygroundWidget.from_json(state)
    assert (copy.show_test, copy.discretize) == (True, False)
    copy.import_json({key: value for key, value in state.items() if key != "view"})  # older exports: switches off
    assert (copy.show_test, copy.discretize) == (False, False)
    for bad in ({"show_test": "yes"}, {"zoom": True}, [True]):
        with pytest.raises(ConfigError, match=r"view=.* is invalid: expected an object with true/false values for show_test, discretize"):
            copy.import_json({**state, "view": bad})
