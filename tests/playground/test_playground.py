"""mlp_report.playground: the TF Playground data sets, features, loss, network and training."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest

from mlp_report import playground as pg
from mlp_report.validation import ConfigError


def from_hex(h: str) -> float:
    return struct.unpack(">d", bytes.fromhex(h.rjust(16, "0")))[0]


# ------------------------------------------------------------------------------------------------
# Random numbers and portable maths
# ------------------------------------------------------------------------------------------------

# Reference values computed once with Node 20 running the JavaScript Mulberry32 (as in the class
# docstring): node -e 'R = mulberry32(seed); console.log(JSON.stringify([R(), R(), ...]))'
MULBERRY32_STREAMS = {
    0: [0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111, 0.46732782293111086,
        0.5450490827206522, 0.6152513844426721, 0.6489853798411787, 0.45600721263326705, 0.581218967679888],
    1: [0.6270739405881613, 0.002735721180215478, 0.5274470399599522, 0.9810509674716741, 0.9683778982143849,
        0.281103502959013, 0.6128388606011868, 0.7207431411370635, 0.425796952098608, 0.9948229456786066],
    4294967295: [0.8964226141106337, 0.189478256739676, 0.7156526781618595, 0.9440599093213677, 0.8452364315744489,
                 0.5391399988438934, 0.6804977387655526, 0.4755720964167267, 0.13585773925296962, 0.9884445976931602],
}  # fmt: skip


@pytest.mark.parametrize("seed", sorted(MULBERRY32_STREAMS))
def test_mulberry32_matches_javascript(seed):
    rng = pg.Mulberry32(seed)
    assert [rng.random() for _ in range(10)] == MULBERRY32_STREAMS[seed]


def test_mulberry32_range_and_state_stays_32_bit():
    rng = pg.Mulberry32(123)
    values = [rng.random() for _ in range(5000)]
    assert min(values) >= 0 and max(values) < 1
    assert 0 <= rng.state <= 0xFFFFFFFF


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "7", True])
def test_mulberry32_rejects_bad_seeds(seed):
    with pytest.raises(ConfigError, match="seed"):
        pg.Mulberry32(seed)


# x, then V8's (Node 20) Math.sin, Math.cos, Math.log of x as IEEE hex. These inputs were picked where
# the C library's math.sin/cos/log differ from V8 in the last bit, so the test cannot pass by accident.
FDLIBM_REFERENCE = [
    ("4027679aeaf36b51", "bfe855aa40e2549d", "3fe4c7c98f0dc1aa", "4003ada66157d027"),
    ("401c7dd5fa27acb6", "3fe7d27b936cdf7e", "3fe55dad741e9d73", "3fff69baf4a98e5f"),
    ("40281c6c53820428", "bfdf4a8ad8b23abe", "3febea1831c615d3", "4003ea8a962fe7ca"),
    ("402a1a445a067b9e", "3fddd55fb2961b73", "3fec4f84343c8ea6", "40048d1520cdba69"),
    ("3fcf2aead76c7d8c", "3fcedc4df7b44f32", "3fef0e578ea5071d", "bff69a3691c0bba2"),
    ("3fe5980df60aba8c", "3fe3fdf3c1972573", "3fe8fc84593948ff", "bfd92c3086d7ce11"),
]


@pytest.mark.parametrize("x, sin, cos, log", FDLIBM_REFERENCE)
def test_fdlibm_functions_are_bit_identical_to_v8(x, sin, cos, log):
    value = from_hex(x)
    assert pg.fdlibm_sin(value) == from_hex(sin)
    assert pg.fdlibm_cos(value) == from_hex(cos)
    assert pg.fdlibm_log(value) == from_hex(log)
    assert pg.fdlibm_sin(-value) == -from_hex(sin)


def test_fdlibm_functions_are_accurate():
    xs = np.linspace(-14.5, 14.5, 2001)
    assert max(abs(pg.fdlibm_sin(x) - math.sin(x)) for x in xs) < 1e-15
    assert max(abs(pg.fdlibm_cos(x) - math.cos(x)) for x in xs) < 1e-15
    ys = np.linspace(1e-6, 1, 2001)
    assert max(abs(pg.fdlibm_log(y) - math.log(y)) / abs(math.log(y) or 1) for y in ys) < 1e-15
    assert pg.fdlibm_log(1.0) == 0.0 and pg.fdlibm_log(0.0) == -math.inf


# ------------------------------------------------------------------------------------------------
# Data sets
# ------------------------------------------------------------------------------------------------

# The first two training points (x, y, label as IEEE hex) of make_split(dataset, noise, 0.5, seed),
# computed once with Node 20 running a JavaScript port of dataset.ts + shuffle driven by Mulberry32.
JS_POINTS = {
    ("spiral", 7, 10): [("3ff4ff2bfcdc0656", "c00248bdf2e4adfa", "bff0000000000000"),
                        ("bfda7dcb0dbd2c6c", "bfd1eb8e19af3bce", "bff0000000000000")],
    ("gauss", 3, 0): [("3fd2da617337651c", "3fe0d2fc47c69690", "3ff0000000000000"),
                      ("bff432aa3b9aea60", "c002e3035095a24a", "bff0000000000000")],
    ("circle", 5, 25): [("400ef72e47e79be2", "c004e62815a86a79", "bff0000000000000"),
                        ("bfff8dc879e14ff6", "c00816bb9253f59a", "bff0000000000000")],
    ("xor", 2, 30): [("c0107ab4b6c33333", "4006355a49b66666", "bff0000000000000"),
                     ("c013e896e1133333", "401212bd14733333", "bff0000000000000")],
    ("reg-gauss", 1, 5): [("40155d5866500000", "c0006aeb73800000", "bfdb426b86f58144"),
                          ("400da79af7c00000", "401381421df00000", "0")],
}  # fmt: skip


@pytest.mark.parametrize("key", sorted(JS_POINTS))
def test_points_are_bit_identical_to_the_javascript_port(key):
    dataset, seed, noise = key
    data = pg.make_split(dataset, noise, 0.5, seed)
    for i, (x, y, label) in enumerate(JS_POINTS[key]):
        assert data.x_train[i, 0] == from_hex(x)
        assert data.x_train[i, 1] == from_hex(y)
        assert data.y_train[i] == from_hex(label)


@pytest.mark.parametrize("dataset", pg.DATASETS)
def test_sizes_types_and_domain(dataset):
    points, labels = pg.generate(dataset, seed=3)
    n = 1200 if dataset.startswith("reg") else 500
    assert points.shape == (n, 2) and labels.shape == (n,)
    assert points.dtype == np.float64 and labels.dtype == np.float64
    assert np.abs(points).max() <= pg.DOMAIN
    if dataset in pg.CLASSIFICATION:
        assert set(np.unique(labels)) == {-1.0, 1.0}
    else:  # the plane's (x + y) / 10 reaches 1.2 in the corners; the bumps stay within [-1, 1]
        assert np.abs(labels).max() <= (1.2 if dataset == "reg-plane" else 1)


@pytest.mark.parametrize("dataset", ["circle", "xor", "spiral"])
def test_points_stay_in_the_domain_at_full_noise(dataset):
    points, _ = pg.generate(dataset, noise=50, seed=11)
    assert np.abs(points).max() <= pg.DOMAIN


def test_circle_labels_without_noise():
    points, labels = pg.generate("circle", seed=1)
    radius = np.hypot(points[:, 0], points[:, 1])
    assert np.all(labels[:250] == 1) and np.all(labels[250:] == -1)
    assert np.all(radius[:250] <= 2.5) and np.all((radius[250:] >= 3.5) & (radius[250:] <= 5))
    assert np.array_equal(labels, np.where(radius < 2.5, 1.0, -1.0))


def test_circle_noise_changes_labels_not_points():
    clean_points, clean_labels = pg.generate("circle", noise=0, seed=4)
    noisy_points, noisy_labels = pg.generate("circle", noise=50, seed=4)
    assert np.array_equal(clean_points, noisy_points)  # same draws for the points, noise only relabels
    assert 0 < np.sum(clean_labels != noisy_labels) < 250


def test_xor_labels_and_gap_without_noise():
    points, labels = pg.generate("xor", seed=2)
    assert np.array_equal(labels, np.where(points[:, 0] * points[:, 1] >= 0, 1.0, -1.0))
    assert np.abs(points).min() >= 0.3 and np.abs(points).max() <= 5.3


def test_gauss_clusters():
    points, labels = pg.generate("gauss", seed=5)
    assert np.all(labels[:250] == 1) and np.all(labels[250:] == -1)
    assert np.allclose(points[:250].mean(axis=0), [2, 2], atol=0.15)
    assert np.allclose(points[250:].mean(axis=0), [-2, -2], atol=0.15)
    assert np.allclose(points.var(axis=0), 0.5 + 4, atol=0.6)  # per-cluster variance 0.5, centres +-2
    noisy, _ = pg.generate("gauss", noise=50, seed=5)
    assert np.var(noisy[:250, 0]) > 2.5  # variance 0.5 + 7 * 0.5 = 4 at full noise


def test_spiral_geometry_without_noise():
    points, labels = pg.generate("spiral", seed=0)
    i = np.arange(250)
    r = i / 250 * 5
    t = 1.75 * i / 250 * 2 * np.pi
    assert np.allclose(points[:250], np.stack([r * np.sin(t), r * np.cos(t)], 1), atol=1e-12)
    assert np.allclose(points[250:], -points[:250], atol=1e-12)  # second arm: angle + pi
    assert np.all(labels[:250] == 1) and np.all(labels[250:] == -1)
    # without noise the seed does not matter: the spiral has no random part
    assert np.array_equal(points, pg.generate("spiral", seed=99)[0])


def test_reg_plane_target():
    points, labels = pg.generate("reg-plane", seed=8)
    assert np.allclose(labels, points.sum(axis=1) / 10, atol=1e-12)


@pytest.mark.parametrize("dataset", pg.DATASETS)
def test_determinism_per_seed(dataset):
    a = pg.make_split(dataset, 20, 0.5, 17)
    b = pg.make_split(dataset, 20, 0.5, 17)
    c = pg.make_split(dataset, 20, 0.5, 18)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize("ratio", [0.5, 0.1, 0.3, 0.9, 0.77])
def test_split_sizes(ratio):
    data = pg.make_split("xor", 0, ratio, 0)
    assert len(data.x_train) == math.floor(500 * ratio)
    assert len(data.x_train) + len(data.x_test) == 500
    assert len(data.y_train) == len(data.x_train) and len(data.y_test) == len(data.x_test)


def test_split_is_a_shuffle_of_the_generated_points():
    rng = pg.Mulberry32(21)
    points, labels = pg.generate("circle", None, 0, rng)
    data = pg.split(points, labels, 0.5, rng)
    both = np.concatenate([data.x_train, data.x_test])
    assert sorted(map(tuple, both)) == sorted(map(tuple, points))
    # one stream, as the playground: make_split is generate + split on the same generator
    same = pg.make_split("circle", 0, 0.5, 21)
    assert np.array_equal(same.x_train, data.x_train) and np.array_equal(same.y_test, data.y_test)
    # pairs stay together
    lookup = {tuple(p): lab for p, lab in zip(points, labels, strict=True)}
    assert all(lookup[tuple(p)] == lab for p, lab in zip(data.x_train, data.y_train, strict=True))


def test_shuffle_order_by_hand():
    # seed 0 draws 0.2664..., 0.00033..., 0.2233...:
    # counter 3: index floor(0.266 * 3) = 0, swap a[2], a[0] -> [2, 1, 0]
    # counter 2: index floor(0.0003 * 2) = 0, swap a[1], a[0] -> [1, 2, 0]
    # counter 1: index 0, swap a[0] with itself
    assert pg.shuffle_order(3, 0).tolist() == [1, 2, 0]
    order = pg.shuffle_order(500, 5)
    assert sorted(order.tolist()) == list(range(500))


# ------------------------------------------------------------------------------------------------
# Features and loss
# ------------------------------------------------------------------------------------------------


def test_features_values_and_order():
    points = np.array([[1.0, 2.0], [-0.5, 3.0]])
    values = pg.features(points)
    expected = [[1, 2, 1, 4, 2, math.sin(1), math.sin(2)], [-0.5, 3, 0.25, 9, -1.5, math.sin(-0.5), math.sin(3)]]
    assert pg.FEATURES == ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
    assert np.allclose(values, expected)
    assert np.allclose(pg.features(points, ["sin(x2)", "x1"]), [[math.sin(2), 1], [math.sin(3), -0.5]])


def test_playground_loss_by_hand():
    # 0.5 * ((0.5 - 1)^2 + (-1 + 1)^2 + (0 + 1)^2) / 3 = 0.5 * 1.25 / 3
    assert pg.playground_loss([0.5, -1.0, 0.0], [1, -1, -1]) == pytest.approx(0.625 / 3, abs=1e-15)
    assert pg.playground_loss([1, -1], [1, -1]) == 0.0


def test_grid_covers_the_domain():
    axis, points = pg.grid()
    assert axis.shape == (100,) and points.shape == (10_000, 2)
    assert axis[0] == -6 and axis[-1] == 6
    assert np.array_equal(points[:100, 1], np.full(100, -6.0))  # row 0 is y = -6


# ------------------------------------------------------------------------------------------------
# Network and training
# ------------------------------------------------------------------------------------------------


def test_init_params_ranges_and_order():
    params = pg.init_params(3, (4, 2), seed=9)
    assert [p.shape for p in params] == [(3, 4), (4,), (4, 2), (2,), (2, 1), (1,)]
    kernels = np.concatenate([p.ravel() for p in params[::2]])
    assert kernels.min() >= -0.5 and kernels.max() < 0.5
    assert all(np.all(b == 0.1) for b in params[1::2])
    rng = pg.Mulberry32(9)
    first = [rng.random() - 0.5 for _ in range(4)]
    # nn.ts: for each neuron of layer 1, its links from every input in order -> kernel filled column-wise
    assert params[0][:, 0].tolist() == first[:3] and params[0][0, 1] == first[3]


def test_build_model_uses_the_playground_init_and_tanh_output():
    model = pg.build_model(2, (3, 1), "relu", seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), pg.init_params(2, (3, 1), 4), strict=True))
    assert model.layers[-1].activation.__name__ == "tanh"
    assert model.layers[0].activation.__name__ == "relu"
    out = pg.predict(model, np.array([[100.0, -100.0], [0.0, 0.0]]), ("x1", "x2"))
    assert out.dtype == np.float64 and np.all(np.abs(out) <= 1)


def test_regression_has_a_linear_output_as_the_playground():
    assert [pg.problem_of(d) for d in pg.DATASETS] == ["classification"] * 4 + ["regression"] * 2
    assert pg.output_activation("regression") == "linear" and pg.output_activation("classification") == "tanh"
    model = pg.build_model(2, (3,), seed=4, problem="regression")
    assert model.layers[-1].activation.__name__ == "linear"
    out = pg.predict(model, np.array([[100.0, -100.0], [0.0, 0.0]]), ("x1", "x2"))
    assert np.all(np.isfinite(out))
    data = pg.make_split("reg-plane", 0, 0.5, 1)
    run = pg.train(data, hidden=(2,), learning_rate=0.01, epochs=3, problem="regression", seed=2)
    assert run.problem == "regression" and run.final_test_loss < run.test_loss[0]
    with pytest.raises(ConfigError, match=r"problem='ranking' is invalid: expected one of 'classification', 'regression'"):
        pg.build_model(2, (3,), problem="ranking")


def _reference_sgd(data, features_used, hidden_units, lr, batch_size, epochs, seed, rate=0.0):
    """The playground's update rule in plain NumPy for a 1-hidden-layer tanh network."""
    w1, b1, w2, b2 = (p.copy() for p in pg.init_params(len(features_used), (hidden_units,), seed))
    x, y = pg.features(data.x_train, features_used), data.y_train
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            h = np.tanh(xb @ w1 + b1)
            out = np.tanh(h @ w2 + b2)[:, 0]
            d_out = ((out - yb) * (1 - out**2))[:, None]  # d loss / d output pre-activation, per point
            d_h = (d_out @ w2.T) * (1 - h**2)
            n = len(xb)
            g_w2, g_b2 = h.T @ d_out, d_out.sum(0)
            g_w1, g_b1 = xb.T @ d_h, d_h.sum(0)
            # nn.ts updateWeights: w -= lr / n * (sum of gradients), then w -= lr * rate * w_before (L2);
            # biases without it
            w2, w1 = w2 - lr / n * g_w2 - lr * rate * w2, w1 - lr / n * g_w1 - lr * rate * w1
            b2 -= lr * g_b2 / n
            b1 -= lr * g_b1 / n
    out = np.tanh(np.tanh(pg.features(data.x_test, features_used) @ w1 + b1) @ w2 + b2)[:, 0]
    return pg.playground_loss(out, data.y_test)


@pytest.mark.parametrize("batch_size, rate", [(10, 0.0), (7, 0.0), (25, 0.3)])
def test_training_matches_the_playground_update_rule(batch_size, rate):
    data = pg.make_split("circle", 0, 0.5, 3)
    feats = ("x1", "x2", "x1^2")
    run = pg.train(data, hidden=(3,), features_used=feats, learning_rate=0.05, batch_size=batch_size, epochs=4,
                   regularization="L2" if rate else "none", regularization_rate=rate, seed=12)
    expected = _reference_sgd(data, feats, 3, 0.05, batch_size, 4, 12, rate)
    assert run.final_test_loss == pytest.approx(expected, rel=1e-9)
    assert run.train_loss.shape == run.test_loss.shape == (5,)
    assert run.final_test_loss == pytest.approx(pg.evaluate(run.model, data.x_test, data.y_test, feats), rel=1e-12)


def test_xor_preset_reaches_the_target_quickly():
    _, run = pg.seeded_run(pg.PRESETS["xor"], 0, epochs=150)
    assert run.final_test_loss <= pg.TARGET_TEST_LOSS
    assert run.test_loss[0] > 0.2  # it started far from the target


def test_presets_are_valid_and_complete():
    assert set(pg.PRESETS) == {"spiral", "xor", "circle"}
    shapes = {name: tuple(cfg["hidden"]) for name, cfg in pg.PRESETS.items()}
    assert shapes == {"spiral": (6, 5), "xor": (3, 1), "circle": (3, 1)}  # the assignment's shapes
    for name, cfg in pg.PRESETS.items():
        assert cfg["dataset"] == name
        pg.check_features(cfg["features"])
        assert cfg["activation"] in pg.ACTIVATIONS and cfg["regularization"] in pg.REGULARIZATIONS
        assert 0 <= cfg["noise"] <= 50 and 0 < cfg["ratio"] < 1 and cfg["batch_size"] >= 1


def test_neuron_maps_shapes():
    model = pg.build_model(2, (3, 1), seed=0)
    maps = pg.neuron_maps(model, ("x1", "x2"), density=20)
    assert [m.shape for m in maps] == [(2, 20, 20), (3, 20, 20), (1, 20, 20), (1, 20, 20)]
    assert np.array_equal(maps[0][0][0], np.linspace(-6, 6, 20))  # x1 along a row
    assert pg.decision_map(model, ("x1", "x2"), 20).shape == (20, 20)


# ------------------------------------------------------------------------------------------------
# Clear errors
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: pg.generate("moons"), r"dataset='moons' is invalid: expected one of 'circle'"),
        (lambda: pg.generate("xor", noise=-1), r"noise=-1 is invalid"),
        (lambda: pg.generate("xor", noise=51), r"noise=51 is invalid: .*<= 50"),
        (lambda: pg.generate("xor", n=7), r"n=7 is invalid: expected an even number"),
        (lambda: pg.make_split("xor", 0, 0.0, 0), r"ratio=0.0 is invalid"),
        (lambda: pg.make_split("xor", 0, 1.0, 0), r"ratio=1.0 is invalid"),
        (lambda: pg.make_split("xor", 0, 1.5, 0), r"ratio=1.5 is invalid"),
        (lambda: pg.make_split("xor", 0, 0.001, 0), r"ratio=0.001 is invalid: .*each side"),
        (lambda: pg.init_params(2, (0,)), r"hidden=0 is invalid: expected an integer >= 1 and <= 8"),
        (lambda: pg.init_params(2, (9, 2)), r"hidden=9 is invalid"),
        (lambda: pg.init_params(2, (1,) * 7), r"hidden=.* is invalid: expected a list of at most 6"),
        (lambda: pg.init_params(2, "33"), r"hidden='33' is invalid"),
        (lambda: pg.features(np.zeros((2, 2)), ["x3"]), r"features='x3' is invalid"),
        (lambda: pg.features(np.zeros((2, 2)), ["x1", "x1"]), r"each feature at most once"),
        (lambda: pg.features(np.zeros((2, 2)), []), r"features=\[\] is invalid"),
        (lambda: pg.build_model(2, (3,), "softmax"), r"activation='softmax' is invalid"),
        (lambda: pg.seeded_run(pg.PRESETS["xor"], 0, momentum=0.9), r"unknown settings \['momentum'\]"),
        (lambda: pg.playground_loss([1, 2], [1]), r"one non-zero length"),
    ],
)
def test_clear_errors(call, match):
    with pytest.raises(ConfigError, match=match):
        call()


def test_training_argument_errors():
    data = pg.make_split("xor", 0, 0.5, 0)
    with pytest.raises(ConfigError, match="learning_rate=0 is invalid"):
        pg.train(data, hidden=(2,), learning_rate=0)
    with pytest.raises(ConfigError, match="batch_size=251 is invalid"):
        pg.train(data, hidden=(2,), batch_size=251)
    with pytest.raises(ConfigError, match="regularization='L3' is invalid"):
        pg.train(data, hidden=(2,), regularization="L3")
