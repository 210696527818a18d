"""The playground's loss, network (shape checks, initialisation, a Keras model), its SGD compiled once
per network shape, and what a trained network computes on points and on the heatmap grid."""


from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..validation import ConfigError, invalid, require_choice, require_float, require_int

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from .constants import (
    ACTIVATIONS,
    DENSITY,
    FEATURES,
    INITIAL_BIAS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    REGULARIZATIONS,
    WEIGHT_RANGE,
)
from .datasets import Split, check_features, features, grid
from .jsmath import Seed, _rng

# ---------------------------------------------------------------------------------------------------
# Loss
# ---------------------------------------------------------------------------------------------------


def playground_loss(outputs: Any, labels: Any) -> float:
    """The playground's loss: ``mean(0.5 * (output - label)^2)`` over all points, no regularization."""
    outputs = np.asarray(outputs, dtype=np.float64).reshape(-1)
    labels = np.asarray(labels, dtype=np.float64).reshape(-1)
    if outputs.shape != labels.shape or not len(outputs):
        raise ConfigError(
            f"playground_loss() needs outputs and labels of one non-zero length; got "
            f"{outputs.shape} and {labels.shape}."
        )
    return float(np.mean(0.5 * (outputs - labels) ** 2))


# ---------------------------------------------------------------------------------------------------
# Network: shape checks, the playground's initialisation, a Keras model
# ---------------------------------------------------------------------------------------------------


def check_hidden(hidden: Sequence[int]) -> tuple[int, ...]:
    """Hidden layer sizes as the playground allows them: 0 to 6 layers of 1 to 8 neurons."""
    if (
        isinstance(hidden, (str, bytes))
        or not isinstance(hidden, Sequence)
        or len(hidden) > MAX_HIDDEN_LAYERS
    ):
        raise invalid("hidden", hidden, f"expected a list of at most {MAX_HIDDEN_LAYERS} layer sizes")
    return tuple(require_int("hidden", h, minimum=1, maximum=MAX_NEURONS) for h in hidden)


def layer_sizes(n_inputs: int, hidden: Sequence[int]) -> tuple[int, ...]:
    """``(inputs, *hidden, 1)``: the playground's network shape with its single output neuron."""
    n_inputs = require_int("n_inputs", n_inputs, minimum=1, maximum=len(FEATURES))
    return (n_inputs, *check_hidden(hidden), 1)


def init_params(n_inputs: int, hidden: Sequence[int], seed: Seed = 0) -> list[np.ndarray]:
    """The playground's initial parameters as ``[kernel_1, bias_1, ..., kernel_out, bias_out]``.

    Mirrors nn.ts ``buildNetwork``: for each layer after the inputs, for each of its neurons i (in order),
    for each neuron j of the previous layer (in order), one draw ``weight = random() - 0.5``; so
    ``kernel[j, i]`` (Keras layout ``[inputs, units]``) is filled column by column. Every bias is 0.1 (no
    draw). Pass a :class:`Mulberry32` to continue the stream that generated and split the data.
    """
    rng = _rng(seed)
    sizes = layer_sizes(n_inputs, hidden)
    params: list[np.ndarray] = []
    for fan_in, units in zip(sizes[:-1], sizes[1:], strict=True):
        kernel = np.empty((fan_in, units), dtype=np.float64)
        for i in range(units):
            for j in range(fan_in):
                kernel[j, i] = rng.random() - WEIGHT_RANGE
        params += [kernel, np.full(units, INITIAL_BIAS, dtype=np.float64)]
    return params


def build_model(n_inputs: int, hidden: Sequence[int], activation: str = "tanh", *, seed: Seed | None = 0):
    """A Keras MLP shaped like the playground's network (float64, like JavaScript numbers).

    Hidden layers use ``activation``; the single output neuron uses tanh (classification). The initial
    weights are those of :func:`init_params` with ``seed`` (``None`` keeps Keras' own uniform
    [-0.5, 0.5] / 0.1 initialisers, unseeded).
    """
    import keras

    sizes = layer_sizes(n_inputs, hidden)
    activation = require_choice("activation", activation, ACTIVATIONS)
    layers: list[Any] = [keras.Input(shape=(sizes[0],), dtype="float64")]
    for k, units in enumerate(sizes[1:]):
        last = k == len(sizes) - 2
        layers.append(
            keras.layers.Dense(
                units,
                activation="tanh" if last else activation,
                kernel_initializer=keras.initializers.RandomUniform(-WEIGHT_RANGE, WEIGHT_RANGE),
                bias_initializer=keras.initializers.Constant(INITIAL_BIAS),
                dtype="float64",
                name="output" if last else f"hidden_{k + 1}",
            )
        )
    model = keras.Sequential(layers, name="playground_" + "_".join(map(str, sizes[1:-1])))
    if seed is not None:
        model.set_weights(init_params(n_inputs, hidden, seed))
    return model


# ---------------------------------------------------------------------------------------------------
# Training: the playground's SGD, compiled once per network shape with XLA
# ---------------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One training run: the loss after every epoch (index 0 = before training) and the trained model."""

    train_loss: np.ndarray  # [epochs + 1]
    test_loss: np.ndarray  # [epochs + 1]
    model: Any  # keras.Sequential with the trained weights
    features: tuple[str, ...]
    seconds: float

    @property
    def final_test_loss(self) -> float:
        return float(self.test_loss[-1])

    @property
    def final_train_loss(self) -> float:
        return float(self.train_loss[-1])


_TRAINERS: dict[tuple, Any] = {}


def _trainer(
    sizes: tuple[int, ...],
    activation: str,
    n_train: int,
    n_test: int,
    batch_size: int,
    epochs: int,
    regularization: str,
):
    """An XLA-compiled function running a whole training; cached, so seeds and data sets of one shape
    share one compilation. Parameters travel as tensors through ``model.stateless_call``."""
    import tensorflow as tf

    key = (sizes, activation, n_train, n_test, batch_size, epochs, regularization)
    if key in _TRAINERS:
        return _TRAINERS[key]
    template = build_model(sizes[0], sizes[1:-1], activation, seed=None)
    is_kernel = [len(v.shape) == 2 for v in template.trainable_variables]
    n_full, rest = divmod(n_train, batch_size)

    def forward(params, x):
        out, _ = template.stateless_call(list(params), [], x)
        return out[:, 0]

    def loss(params, x, y):
        return tf.reduce_mean(0.5 * tf.square(forward(params, x) - y))

    def step(params, xb, yb, lr, rate):
        with tf.GradientTape() as tape:
            tape.watch(params)
            value = loss(params, xb, yb)
        grads = tape.gradient(value, params)  # gradient of the batch mean = mean gradient
        n = tf.cast(tf.shape(xb)[0], tf.float64)
        new = []
        for p, g, kernel in zip(params, grads, is_kernel, strict=True):
            update = lr * g
            if kernel and regularization != "none":
                # nn.ts: w -= lr / n * (sum of gradients + rate * der(w)); weights only, never biases
                der = p if regularization == "L2" else tf.where(p < 0, tf.constant(-1.0, tf.float64), 1.0)
                update += lr / n * rate * der
            new.append(p - update)
        return new

    @tf.function(jit_compile=True, reduce_retracing=True)
    def run(params, x_train, y_train, x_test, y_test, lr, rate):
        params = list(params)
        train_losses = tf.TensorArray(tf.float64, size=epochs + 1).write(0, loss(params, x_train, y_train))
        test_losses = tf.TensorArray(tf.float64, size=epochs + 1).write(0, loss(params, x_test, y_test))

        def batch(b, params):
            start = b * batch_size
            xb = tf.slice(x_train, [start, 0], [batch_size, sizes[0]])
            yb = tf.slice(y_train, [start], [batch_size])
            return b + 1, step(params, xb, yb, lr, rate)

        def epoch(e, params, train_losses, test_losses):
            # the same order every epoch: the playground never reshuffles
            _, params = tf.while_loop(lambda b, p: b < n_full, batch, [tf.constant(0), params])
            if rest:  # a last, smaller batch (the playground would carry it over into the next epoch)
                params = step(
                    params, x_train[n_full * batch_size :], y_train[n_full * batch_size :], lr, rate
                )
            train_losses = train_losses.write(e + 1, loss(params, x_train, y_train))
            test_losses = test_losses.write(e + 1, loss(params, x_test, y_test))
            return e + 1, params, train_losses, test_losses

        _, params, train_losses, test_losses = tf.while_loop(
            lambda e, *_: e < epochs, epoch, [tf.constant(0), params, train_losses, test_losses]
        )
        return params, train_losses.stack(), test_losses.stack()

    _TRAINERS[key] = run
    return run


def train(
    data: Split,
    *,
    hidden: Sequence[int],
    features_used: Sequence[str] = ("x1", "x2"),
    activation: str = "tanh",
    learning_rate: float = 0.03,
    batch_size: int = 10,
    epochs: int = 100,
    regularization: str = "none",
    regularization_rate: float = 0.0,
    seed: Seed = 0,
) -> Run:
    """Train a playground network on ``data`` and record the playground loss after every epoch.

    One epoch visits the training points in their (once shuffled) order in batches of ``batch_size``;
    each batch takes one SGD step on the mean gradient of ``0.5 * (output - label)^2``. Regularization
    (``"L1"`` or ``"L2"``) acts on weights only, as nn.ts' ``updateWeights``. The initial weights come
    from :func:`init_params` with ``seed`` (a Mulberry32 continues a stream, as the playground does).
    """
    import tensorflow as tf

    names = check_features(features_used)
    hidden = check_hidden(hidden)
    activation = require_choice("activation", activation, ACTIVATIONS)
    learning_rate = require_float("learning_rate", learning_rate, positive=True)
    epochs = require_int("epochs", epochs, minimum=1, maximum=100_000)
    batch_size = require_int("batch_size", batch_size, minimum=1, maximum=len(data.x_train))
    regularization = require_choice("regularization", regularization, REGULARIZATIONS)
    rate = require_float("regularization_rate", regularization_rate, minimum=0.0)

    x_train, x_test = features(data.x_train, names), features(data.x_test, names)
    sizes = layer_sizes(len(names), hidden)
    model = build_model(len(names), hidden, activation, seed=seed)
    run = _trainer(sizes, activation, len(x_train), len(x_test), batch_size, epochs, regularization)
    start = time.perf_counter()
    params, train_losses, test_losses = run(
        [tf.constant(w) for w in model.get_weights()],
        tf.constant(x_train),
        tf.constant(data.y_train),
        tf.constant(x_test),
        tf.constant(data.y_test),
        tf.constant(learning_rate, tf.float64),
        tf.constant(rate, tf.float64),
    )
    model.set_weights([p.numpy() for p in params])
    return Run(train_losses.numpy(), test_losses.numpy(), model, names, time.perf_counter() - start)


def predict(model: Any, points: np.ndarray, features_used: Sequence[str]) -> np.ndarray:
    """The network's output (in [-1, 1]) for points ``[n, 2]``."""
    x = features(points, features_used)
    return np.asarray(model(x, training=False), dtype=np.float64)[:, 0]


def evaluate(model: Any, points: np.ndarray, labels: np.ndarray, features_used: Sequence[str]) -> float:
    """The playground loss of ``model`` on a point set."""
    return playground_loss(predict(model, points, features_used), labels)


def neuron_maps(model: Any, features_used: Sequence[str], density: int = DENSITY) -> list[np.ndarray]:
    """What every neuron outputs over the heatmap grid, as the playground's small node heatmaps.

    Returns one array ``[units, density, density]`` per layer, starting with the input features and
    ending with the output neuron; row 0 of each map is y = -6 (draw with ``origin="lower"``).
    """
    import keras

    _, points = grid(density)
    x = features(points, features_used)
    maps = [x.T.reshape(len(features_used), density, density)]
    outputs = keras.Model(model.inputs[0], [layer.output for layer in model.layers])(x, training=False)
    for out in outputs:
        out = np.asarray(out, dtype=np.float64)
        maps.append(out.T.reshape(out.shape[1], density, density))
    return maps


def decision_map(model: Any, features_used: Sequence[str], density: int = DENSITY) -> np.ndarray:
    """The output neuron over the [-6, 6]^2 grid, ``[density, density]``, row 0 at y = -6."""
    return neuron_maps(model, features_used, density)[-1][0]


# ---------------------------------------------------------------------------------------------------
