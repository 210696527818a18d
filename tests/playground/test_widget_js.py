"""The widget's JavaScript (run in node) against mlp_report.playground and a numpy reference.

Data sets and initial weights are compared EXACTLY: the JS and Python generators draw the same Mulberry32
numbers in the same order and use fdlibm's sin/cos/log (V8's Math.sin/cos/log), so the floats are equal
bit for bit. Forward passes, losses and SGD steps are compared to 1e-12 (summation order may differ).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mlp_report import playground as pg
from mlp_report.playground.widget import (
    DEFAULT_CONFIG,
    ESM_PATH,
    RESET_KEYS,
    PlaygroundWidget,
    preset_configs,
)

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: the widget's JS tests need node >= 18")


def run_js(body: str, module: Path = ESM_PATH, tmp: Path | None = None, **inputs: Any) -> Any:
    """Run ``body`` in node with the widget module imported as ``pg`` and ``inputs`` as ``input``; the
    body sets ``out``, which comes back through JSON."""
    script = (
        f"import * as pg from {json.dumps(module.resolve().as_uri())};\n"
        f"const input = {json.dumps(inputs)};\nlet out;\n{body}\n"
        "process.stdout.write(JSON.stringify(out));\n"
    )
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode:
        raise AssertionError(f"node failed:\n{result.stderr}")
    return json.loads(result.stdout)


def test_mulberry32_stream_is_identical() -> None:
    seeds = [0, 1, 42, 2**31 - 1, 2**32 - 1]
    js = run_js("out = input.seeds.map((s) => { const r = pg.mulberry32(s); return Array.from({length: 2000}, r); });", seeds=seeds)
    for seed, values in zip(seeds, js, strict=True):
        rng = pg.Mulberry32(seed)
        assert values == [rng.random() for _ in range(2000)], seed


CASES = [(d, noise, ratio, seed) for d in pg.DATASETS for noise in (0, 35) for ratio, seed in ((0.5, 0), (0.3, 123456789))]


def test_data_sets_are_bit_identical() -> None:
    js = run_js(
        "out = input.cases.map(([d, noise, ratio, seed]) => pg.makeSplit(d, noise, ratio, seed));",
        cases=CASES,
    )
    for (dataset, noise, ratio, seed), split in zip(CASES, js, strict=True):
        data = pg.make_split(dataset, noise, ratio, seed)
        train, test = np.array(split["train"]), np.array(split["test"])
        assert train.shape == (len(data.x_train), 3) and test.shape == (len(data.x_test), 3)
        # exact equality, not closeness
        assert np.array_equal(train[:, :2], data.x_train) and np.array_equal(train[:, 2], data.y_train), (dataset, noise)
        assert np.array_equal(test[:, :2], data.x_test) and np.array_equal(test[:, 2], data.y_test), (dataset, noise)


def test_initial_weights_are_bit_identical() -> None:
    """Own seed (init_seed) and the chapter's way: the stream that made the data goes on to the weights."""
    js = run_js(
        """
        const own = pg.initNetwork([3, 8, 4, 1], 77);
        const sims = input.presets.map((c) => new pg.Simulation({ ...c, data_seed: 5 }).layers);
        out = { own, sims, nohidden: pg.initNetwork([2, 1], 9) };
        """,
        presets=list(preset_configs().values()),
    )
    params = [np.array(v) for layer in js["own"] for v in (layer["kernel"], layer["bias"])]
    assert all(np.array_equal(a, b) for a, b in zip(params, pg.init_params(3, (8, 4), 77), strict=True))
    assert all(np.array_equal(np.array(a), b) for a, b in zip((js["nohidden"][0]["kernel"], js["nohidden"][0]["bias"]), pg.init_params(2, (), 9), strict=True))
    for config, layers in zip(preset_configs().values(), js["sims"], strict=True):
        rng = pg.Mulberry32(5)
        pg.make_split(config["dataset"], config["noise"], config["ratio"], rng)
        expected = pg.init_params(len(config["features"]), config["hidden"], rng)
        got = [np.array(v) for layer in layers for v in (layer["kernel"], layer["bias"])]
        assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True)), config["dataset"]


def test_defaults_and_checks_match_python() -> None:
    js = run_js(
        "out = { defaults: pg.DEFAULT_CONFIG, features: pg.FEATURES, datasets: pg.DATASETS, ok: pg.checkConfig(pg.DEFAULT_CONFIG),"
        " reset: pg.RESET_KEYS, problems: pg.PROBLEMS, problemOf: pg.DATASETS.map(pg.problemOf),"
        " bad: pg.checkConfig({ ...pg.DEFAULT_CONFIG, dataset: 'moons', hidden: [9], batch_size: 0, foo: 1 }) };"
    )
    assert js["defaults"] == DEFAULT_CONFIG
    assert tuple(js["reset"]) == RESET_KEYS and set(RESET_KEYS) == set(DEFAULT_CONFIG) - {"learning_rate"}
    assert tuple(js["problems"]) == pg.PROBLEMS and js["problemOf"] == [pg.problem_of(d) for d in pg.DATASETS]
    assert tuple(js["features"]) == pg.FEATURES and tuple(js["datasets"]) == pg.DATASETS
    assert js["ok"] == []
    assert any("moons" in m for m in js["bad"]) and any("hidden" in m for m in js["bad"])
    assert any("batch_size=0" in m for m in js["bad"]) and any('"foo"' in m for m in js["bad"])


# ---------------------------------------------------------------------------------------------------
# Numerics against an independent numpy implementation of the playground network
# ---------------------------------------------------------------------------------------------------

ACT = {
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(0, z), lambda z: (z > 0).astype(float)),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: (s := 1 / (1 + np.exp(-z))) * (1 - s)),
    "linear": (lambda z: z, np.ones_like),
}


def np_forward(params: list[np.ndarray], x: np.ndarray, activation: str, out_act: str = "tanh"):
    outs, totals = [x], []
    for k in range(0, len(params), 2):
        z = outs[-1] @ params[k] + params[k + 1]
        totals.append(z)
        outs.append(ACT[out_act if k == len(params) - 2 else activation][0](z))
    return outs, totals


def np_sgd_step(params, x, y, cfg, dead=None):
    """One step as nn.ts updateWeights today: the batch's mean gradient of 0.5 (out - y)^2, then on weights
    a separate lr * rate * der(w_before); an L1 weight crossing zero becomes 0 and dead; dead links stay.
    Returns the new parameters (and, given ``dead`` masks, the new masks)."""
    out_act = pg.output_activation(pg.problem_of(cfg["dataset"]))
    outs, totals = np_forward(params, x, cfg["activation"], out_act)
    n, lr, rate = len(x), cfg["learning_rate"], cfg["reg_rate"]
    delta = (outs[-1] - y[:, None]) * ACT[out_act][1](totals[-1])
    new = [p.copy() for p in params]
    masks = [np.zeros(p.shape, bool) for p in params[::2]] if dead is None else [d.copy() for d in dead]
    for layer in range(len(params) // 2 - 1, -1, -1):
        kernel, cut = params[2 * layer], masks[layer]
        grad_w, grad_b = outs[layer].T @ delta, delta.sum(0)
        der = {"none": 0 * kernel, "L1": np.where(kernel < 0, -1.0, 1.0), "L2": kernel}[cfg["regularization"]]
        w1 = kernel - lr / n * grad_w
        w2 = w1 - lr * rate * der
        crossed = (w1 * w2 < 0) & ~cut if cfg["regularization"] == "L1" else np.zeros_like(cut)
        new[2 * layer] = np.where(cut, kernel, np.where(crossed, 0.0, w2))
        masks[layer] = cut | crossed
        new[2 * layer + 1] = params[2 * layer + 1] - lr * grad_b / n
        if layer:
            delta = (delta @ kernel.T) * ACT[cfg["activation"]][1](totals[layer - 1])
    return new if dead is None else (new, masks)


def to_params(layers) -> list[np.ndarray]:
    return [np.array(v, dtype=float) for layer in layers for v in (layer["kernel"], layer["bias"])]


@pytest.mark.parametrize(
    ("activation", "regularization", "hidden", "features", "dataset"),
    [
        ("tanh", "none", [6, 5], ["x1", "x2", "sin(x1)", "sin(x2)"], "circle"),
        ("relu", "L1", [3, 1], ["x1", "x2", "x1*x2"], "circle"),
        ("sigmoid", "L2", [4], list(pg.FEATURES), "circle"),
        ("linear", "none", [], ["x1^2", "x2^2"], "circle"),
        ("tanh", "L1", [4, 2], ["x1", "x2"], "reg-gauss"),
        ("relu", "L2", [3], ["x1", "x2", "x1*x2"], "reg-plane"),
    ],
)
def test_forward_loss_and_sgd_step_match_numpy(activation: str, regularization: str, hidden: list, features: list, dataset: str) -> None:
    cfg = {**DEFAULT_CONFIG, "dataset": dataset, "activation": activation, "regularization": regularization,
           "reg_rate": 0.03 if regularization != "none" else 0, "hidden": hidden, "features": features, "learning_rate": 0.1}
    data = pg.make_split(dataset, 10, 0.5, 3)
    rng = np.random.default_rng(1)
    sizes = [len(features), *hidden, 1]
    layers = [{"kernel": rng.uniform(-1, 1, (a, b)).tolist(), "bias": rng.uniform(-1, 1, b).tolist()} for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    layers[0]["kernel"][0][0] = 0.0  # L1's derivative at exactly 0 is +1 in nn.ts (not sign(0) = 0)
    points = np.column_stack([data.x_train, data.y_train])[:10]
    js = run_js(
        """
        const { cfg, layers, points } = input;
        const inputs = points.map(([x, y]) => pg.featurize(x, y, cfg.features));
        const outputs = inputs.map((v) => pg.predict(layers, v, cfg));
        const loss = pg.loss(layers, points, cfg);
        const acc = pg.newAccumulator(layers);
        inputs.forEach((v, i) => pg.backward(layers, acc, v, points[i][2], cfg));
        pg.applyGradients(layers, acc, cfg);
        out = { inputs, outputs, loss, after: layers, n: acc.n };
        """,
        cfg=cfg, layers=layers, points=points.tolist(),
    )
    x = pg.features(points[:, :2], features)
    np.testing.assert_allclose(js["inputs"], x, rtol=0, atol=1e-15)
    params = to_params(layers)
    outs, _ = np_forward(params, x, activation, pg.output_activation(pg.problem_of(dataset)))
    np.testing.assert_allclose(js["outputs"], outs[-1][:, 0], rtol=0, atol=1e-12)
    assert js["loss"] == pytest.approx(pg.playground_loss(outs[-1][:, 0], points[:, 2]), abs=1e-12)
    expected = np_sgd_step(params, x, points[:, 2], cfg)
    for got, want in zip(to_params(js["after"]), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    assert js["n"] == 0  # the accumulator is emptied by the step
    moved = sum(float(np.abs(a - b).sum()) for a, b in zip(expected, params, strict=True))
    assert moved > 1e-3  # the step really changed the weights (so the comparison is not vacuous)


def test_an_epoch_with_a_partial_last_batch_matches_numpy() -> None:
    """250 training points in batches of 7: 35 full batches, then a last step on the remaining 5."""
    cfg = {**preset_configs()["xor"], "batch_size": 7}
    js = run_js(
        "const sim = new pg.Simulation(input.cfg); const before = JSON.parse(JSON.stringify(sim.layers));"
        " sim.step(); out = { before, after: sim.layers, loss: sim.lossTest, epoch: sim.epoch };",
        cfg=cfg,
    )
    rng = pg.Mulberry32(cfg["data_seed"])
    data = pg.make_split(cfg["dataset"], cfg["noise"], cfg["ratio"], rng)
    params = pg.init_params(len(cfg["features"]), cfg["hidden"], rng)
    assert all(np.array_equal(a, b) for a, b in zip(to_params(js["before"]), params, strict=True))
    x, y = pg.features(data.x_train, cfg["features"]), data.y_train
    for start in range(0, len(x), 7):
        params = np_sgd_step(params, x[start : start + 7], y[start : start + 7], cfg)
    for got, want in zip(to_params(js["after"]), params, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    test_out = np_forward(params, pg.features(data.x_test, cfg["features"]), cfg["activation"])[0][-1][:, 0]
    assert js["loss"] == pytest.approx(pg.playground_loss(test_out, data.y_test), abs=1e-12)
    assert js["epoch"] == 1


def test_l1_cuts_links_for_good_as_numpy_does() -> None:
    """Three epochs with a strong L1 in JS against the numpy reference step by step: the same weights and
    the same dead links; links die, and a dead link keeps its weight 0 from then on."""
    cfg = {**preset_configs()["xor"], "regularization": "L1", "reg_rate": 0.3}
    js = run_js(
        "const sim = new pg.Simulation(input.cfg); const before = pg.copyLayers(sim.layers); const dead = [];"
        " for (let e = 0; e < 3; e++) { sim.step(); dead.push(pg.copyLayers(sim.layers)); } out = { before, dead };",
        cfg=cfg,
    )
    rng = pg.Mulberry32(cfg["data_seed"])
    data = pg.make_split(cfg["dataset"], cfg["noise"], cfg["ratio"], rng)
    params = pg.init_params(len(cfg["features"]), cfg["hidden"], rng)
    assert all(np.array_equal(a, b) for a, b in zip(to_params(js["before"]), params, strict=True))
    assert not any(np.any(layer["dead"]) for layer in js["before"])
    x, y, bs = pg.features(data.x_train, cfg["features"]), data.y_train, cfg["batch_size"]
    masks, seen = [np.zeros(p.shape, bool) for p in params[::2]], []
    for epoch in js["dead"]:
        for start in range(0, len(x), bs):
            params, masks = np_sgd_step(params, x[start : start + bs], y[start : start + bs], cfg, masks)
        for got, want in zip(to_params(epoch), params, strict=True):
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
        assert [np.array(layer["dead"]).tolist() for layer in epoch] == [m.tolist() for m in masks]
        seen.append(sum(int(m.sum()) for m in masks))
    assert 0 < seen[0] < seen[-1]  # links die, and more of them over time
    for layer, kernel in zip(js["dead"][-1], params[::2], strict=True):
        assert np.all(kernel[np.array(layer["dead"])] == 0)


def test_config_changes_reset_where_the_playground_resets() -> None:
    """A learning-rate change keeps the trained weights; batch size, regularization rate and the other
    RESET_KEYS restart from the initial weights (playground.ts calls reset() for them)."""
    js = run_js(
        """
        const cfg = input.cfg, out0 = {};
        for (const [key, value] of Object.entries(input.changes)) {
          const sim = new pg.Simulation(cfg), init = pg.copyLayers(sim.layers);
          sim.step(); sim.step();
          sim.setConfig({ ...cfg, [key]: value });
          out0[key] = { epoch: sim.epoch, initial: JSON.stringify(sim.layers) === JSON.stringify(init) };
        }
        out = out0;
        """,
        cfg=preset_configs()["circle"],
        changes={"learning_rate": 0.1, "batch_size": 7, "reg_rate": 0.01, "regularization": "L2", "noise": 5},
    )
    assert js["learning_rate"] == {"epoch": 2, "initial": False}
    for key in ("batch_size", "reg_rate", "regularization"):
        assert js[key] == {"epoch": 0, "initial": True}, key
    assert js["noise"]["epoch"] == 0  # new data: the network restarts too


def seeded_kwargs(config: dict, epochs: int) -> dict:
    """A widget config as arguments of playground.seeded_run (its data_seed is the run's seed)."""
    keys = ("dataset", "noise", "ratio", "batch_size", "learning_rate", "activation", "regularization", "features", "hidden")
    return {**{k: config[k] for k in keys}, "regularization_rate": config["reg_rate"], "epochs": epochs}


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("L1, large rate", {"regularization": "L1", "reg_rate": 0.1}),
        ("L2", {"regularization": "L2", "reg_rate": 0.3}),
        ("regression", {"dataset": "reg-gauss", "features": ["x1", "x2", "x1^2", "x2^2"], "batch_size": 10}),
    ],
)
def test_js_and_the_keras_trainer_take_the_same_steps(name: str, change: dict) -> None:
    """JS Simulation and playground.seeded_run (the chapter's compiled Keras trainer) on one config: the
    same losses per epoch, weights and dead links; with L1 at a large rate links die in both."""
    config, epochs = {**preset_configs()["circle"], **change}, 4
    _, run = pg.seeded_run(seeded_kwargs(config, epochs), config["data_seed"])
    js = run_js(
        "const sim = new pg.Simulation(input.cfg); for (let e = 0; e < input.epochs; e++) sim.step();"
        " out = { history: sim.history, layers: sim.layers };",
        cfg=config, epochs=epochs,
    )
    np.testing.assert_allclose(js["history"]["train"], run.train_loss, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(js["history"]["test"], run.test_loss, rtol=1e-9, atol=1e-12)
    for got, want in zip(to_params(js["layers"]), run.model.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    assert [layer["dead"] for layer in js["layers"]] == [d.tolist() for d in run.dead]
    assert [layer["dead"] for layer in js["layers"]] == [layer["dead"] for layer in run.layers()]
    n_dead = sum(int(d.sum()) for d in run.dead)
    if name.startswith("L1"):  # some links die within 4 epochs, not all
        assert 3 <= n_dead < sum(d.size for d in run.dead), n_dead
    else:
        assert n_dead == 0
    assert run.problem == pg.problem_of(config["dataset"])
    assert run.model.layers[-1].activation.__name__ == pg.output_activation(run.problem)


@pytest.mark.slow
def test_js_training_follows_the_chapters_keras_trainer() -> None:
    """A few epochs of the XOR preset (seed 0) in JS against playground.seeded_run (Keras/XLA, float64)."""
    preset, epochs = pg.PRESETS["xor"], 5
    _, run = pg.seeded_run(preset, 0, epochs=epochs)
    js = run_js(
        "const sim = new pg.Simulation(input.cfg); for (let e = 0; e < input.epochs; e++) sim.step(); out = sim.history;",
        cfg=preset_configs()["xor"], epochs=epochs,
    )
    np.testing.assert_allclose(js["train"], run.train_loss, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(js["test"], run.test_loss, rtol=1e-9, atol=1e-12)


def test_presets_reach_the_target_in_js() -> None:
    """Seeds 0-2 of each preset reach test loss <= 0.07 within the preset's epochs (what the book's page shows)."""
    caps = {name: preset["epochs"] for name, preset in pg.PRESETS.items()}
    js = run_js(
        """
        out = {};
        for (const [name, cfg] of Object.entries(input.presets)) out[name] = [0, 1, 2].map((seed) => {
          const sim = new pg.Simulation({ ...cfg, data_seed: seed });
          while (sim.lossTest > input.target && sim.epoch < input.caps[name]) sim.step();
          return [sim.epoch, sim.lossTest, sim.history.test[0]];
        });
        """,
        presets=preset_configs(), caps=caps, target=pg.TARGET_TEST_LOSS,
    )
    for name, runs in js.items():
        for seed, (epoch, loss, initial) in enumerate(runs):
            assert loss <= pg.TARGET_TEST_LOSS < initial, (name, seed, epoch, loss)
            assert epoch <= caps[name]


def test_the_compacted_esm_behaves_like_the_source(tmp_path: Path) -> None:
    """What the book embeds (comments stripped) still parses and gives the same numbers."""
    compact = tmp_path / "compact.mjs"
    compact.write_text(PlaygroundWidget(presets={}).get_state()["_esm"])
    body = ("const s = new pg.Simulation(input.cfg); s.step(); s.step();"
            " out = [Object.keys(pg).sort(), s.layers, s.history, pg.kerasCode(s.cfg, s.layers)];")
    cfg = preset_configs()["circle"]
    assert run_js(body, compact, cfg=cfg) == run_js(body, cfg=cfg)


def test_own_points_split_and_losses_match_python() -> None:
    """Drawn or imported points: the JS split (data seed's stream) and losses are the Python port's."""
    from mlp_report.playground.widget import data_split, network_losses

    rng = np.random.default_rng(1)
    points = np.c_[rng.uniform(-6, 6, (41, 2)), rng.choice([-1.0, 1.0], 41)].tolist()
    config = {**preset_configs()["xor"], "data_seed": 7, "ratio": 0.6}
    js = run_js("""const sim = new pg.Simulation(input.config); pg.usePoints(sim, input.points, false);
      out = { train: sim.train, test: sim.test, lossTrain: sim.lossTrain, lossTest: sim.lossTest, weights: sim.layers };""",
                config=config, points=points)
    split = data_split(config, points)
    assert js["train"] == np.c_[split.x_train, split.y_train].tolist() and js["test"] == np.c_[split.x_test, split.y_test].tolist()
    train, test = network_losses(config, js["weights"], points)
    assert js["lossTrain"] == pytest.approx(train, rel=1e-12) and js["lossTest"] == pytest.approx(test, rel=1e-12)


def test_url_hash_and_csv_helpers() -> None:
    configs = [*preset_configs().values(), {**DEFAULT_CONFIG, "init_seed": 99, "hidden": [], "features": ["sin(x2)"], "noise": 15}]
    js = run_js("out = input.configs.map((c) => pg.hashToConfig('#' + pg.configToHash(c)));", configs=configs)
    assert js == configs
    assert run_js("out = pg.hashToConfig('#section-title');") is None
    csv = run_js("out = pg.parseCsv('x,y,label\\n1, 2, 1\\n\\n-1;0.5;-1\\n', false);")
    assert csv == [[1, 2, 1], [-1, 0.5, -1]]
    errors = run_js("""out = [['1,2\\n3,4,1', false], ['1,2,0.5\\n3,4,1', false], ['1,2,3\\n0,0,1', true], ['1,2,1', false]].map(([t, r]) => {
      try { pg.parseCsv(t, r); return null; } catch (e) { return e.message; } });""")
    assert errors[0].startswith("CSV line 1") and 'line 1 ("1,2,0.5") is invalid: the label must be 1 or -1' in errors[1]
    assert 'line 1 ("1,2,3") is invalid: the label must be a number from -1 to 1' in errors[2] and "at least 2 points" in errors[3]


def test_js_point_and_config_checks_mirror_python() -> None:
    """checkPoints / parseCsv / checkConfig reject what Python's validate_points / validate_config reject."""
    from mlp_report.playground.widget import MAX_POINTS, POINT_RANGE, validate_config, validate_points
    from mlp_report.validation import ConfigError

    cases = [[[0, 0, 0.5], [1, 1, 1]], [[0, 0, 0], [1, 1, 1]], [[1e308, 0, 1], [1, 1, 1]], [[0, 7, 1], [1, 1, 1]],
             [[0, 0, 1]], [[1, 2], [1, 1, 1]], [["a", 0, 1], [1, 1, 1]], [[0, 0, 1], [1, 1, -1]], [[6, -6, 1], [1, 1, -1]]]
    js = run_js("out = input.cases.map((p) => pg.checkPoints(p, false));", cases=cases)
    for points, message in zip(cases, js, strict=True):
        try:
            validate_points(points, "xor")
            python = None
        except ConfigError as exc:
            python = str(exc)
        assert (message is None) == (python is None), (points, message, python)
    assert run_js("out = pg.MAX_POINTS;") == MAX_POINTS and POINT_RANGE == 6
    big = run_js("const t = Date.now(); let m = null; try { pg.parseCsv(Array(1000000).fill('0.1,0.2,1').join('\\n'), false); }"
                 " catch (e) { m = e.message; } out = [m, Date.now() - t];")
    assert big[0].startswith(f"CSV: more than {MAX_POINTS} points") and big[1] < 20_000
    long = run_js("out = pg.checkConfig({...pg.DEFAULT_CONFIG, dataset: 'x'.repeat(100000), learning_rate: Infinity});")
    assert len(long) == 2 and all(len(m) < 300 for m in long) and long[1] == "learning_rate=Infinity is invalid: expected a finite number > 0"
    with pytest.raises(ConfigError, match="learning_rate=inf is invalid"):
        validate_config({**DEFAULT_CONFIG, "learning_rate": float("inf")})
