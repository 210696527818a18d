"""The model builder: exact depth, widths, activations, optimizer, and argument validation."""

from __future__ import annotations

import keras
import pytest

from mlp_report.models import build_mlp, dense_layer_shapes
from mlp_report.validation import ConfigError


@pytest.mark.parametrize("hidden", [1, 2, 4, 8])
def test_hidden_layers_exactly_as_asked(hidden):
    model = build_mlp(hidden_layers=hidden)
    shapes = dense_layer_shapes(model)
    assert len(shapes) == hidden + 1  # hidden layers + output
    assert shapes[0][1] == 784 and all(units == 100 for _, _, units in shapes[:-1]) and shapes[-1][2] == 10


def test_default_network_is_the_assignments():
    model = build_mlp()
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "softmax"]
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert float(model.optimizer.momentum) == 0.0
    assert model.count_params() == 784 * 100 + 100 + 100 * 100 + 100 + 100 * 10 + 10


def test_seed_fixes_initial_weights():
    a, b = build_mlp(seed=3).get_weights(), build_mlp(seed=3).get_weights()
    c = build_mlp(seed=4).get_weights()
    assert all((x == y).all() for x, y in zip(a, b, strict=True))
    assert not all((x == y).all() for x, y in zip(a, c, strict=True))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hidden_layers": -1}, "hidden_layers=-1 is invalid: expected an integer >= 0"),
        ({"hidden_layers": 2.5}, "hidden_layers=2.5 is invalid"),
        ({"units": 0}, "units=0 is invalid"),
        ({"learning_rate": 0}, "learning_rate=0 is invalid: expected a number > 0"),
        ({"learning_rate": "0.1"}, "learning_rate='0.1' is invalid"),
        ({"activation": "gelu"}, "activation='gelu' is invalid: expected one of 'relu'"),
        ({"dropout": 1.0}, "dropout=1.0 is invalid"),
        ({"l2": -1e-3}, "l2=-0.001 is invalid"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        build_mlp(**kwargs)
