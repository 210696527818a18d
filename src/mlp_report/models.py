"""The assignment's multilayer perceptron, built with Keras."""

from __future__ import annotations

from .quiet import import_tensorflow  # noqa: E402

import_tensorflow()

import keras  # noqa: E402

from .validation import require_choice, require_float, require_int  # noqa: E402

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


def build_mlp(
    hidden_layers: int = 2,
    units: int = 100,
    learning_rate: float = 0.01,
    *,
    activation: str = "relu",
    input_shape: tuple[int, ...] = (28, 28),
    num_classes: int = 10,
    l2: float = 0.0,
    dropout: float = 0.0,
    seed: int | None = None,
) -> keras.Sequential:
    """A compiled MLP: ``hidden_layers`` Dense layers of ``units`` and a softmax output, trained by SGD.

    ``hidden_layers=2`` means exactly two hidden Dense layers. ``seed`` fixes the initial weights
    (Keras' default Glorot-uniform kernels and zero biases).
    """
    hidden_layers = require_int("hidden_layers", hidden_layers, minimum=0, maximum=64)
    units = require_int("units", units, minimum=1, maximum=100_000)
    learning_rate = require_float("learning_rate", learning_rate, positive=True)
    activation = require_choice("activation", activation, ACTIVATIONS)
    num_classes = require_int("num_classes", num_classes, minimum=2)
    l2 = require_float("l2", l2, minimum=0.0)
    dropout = require_float("dropout", dropout, minimum=0.0, below=1.0)
    if seed is not None:
        keras.utils.set_random_seed(require_int("seed", seed, minimum=0))

    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    layers: list[keras.layers.Layer] = [keras.Input(shape=tuple(input_shape)), keras.layers.Flatten()]
    for i in range(hidden_layers):
        layers.append(
            keras.layers.Dense(units, activation=activation, kernel_regularizer=regularizer, name=f"hidden_{i + 1}")
        )
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout, name=f"dropout_{i + 1}"))
    layers.append(keras.layers.Dense(num_classes, activation="softmax", name="output"))
    model = keras.Sequential(layers, name=f"mlp_{hidden_layers}x{units}")
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def dense_layer_shapes(model: keras.Model) -> list[tuple[str, int, int]]:
    """``(name, inputs, units)`` for every Dense layer, read off the built model."""
    return [
        (layer.name, int(layer.kernel.shape[0]), int(layer.kernel.shape[1]))
        for layer in model.layers
        if isinstance(layer, keras.layers.Dense)
    ]
