"""The playground's loss, network (shape checks, initialisation, a Keras model), its SGD compiled once
per network shape, and what a trained network computes on points and on the heatmap grid."""


from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import timing
from ..quiet import import_tensorflow
from ..validation import ConfigError, invalid, require_choice, require_float, require_int
from .constants import (
    ACTIVATIONS,
    DENSITY,
    FEATURES,
    INITIAL_BIAS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    PROBLEMS,
    REGRESSION,
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


def problem_of(dataset: str) -> str:
    """``"regression"`` for the playground's regression data sets (reg-plane, reg-gauss), else
    ``"classification"``."""
    return PROBLEMS[1] if dataset in REGRESSION else PROBLEMS[0]


def output_activation(problem: str) -> str:
    """The output neuron's activation, as playground.ts builds it: linear for regression, tanh for
    classification."""
    return "linear" if require_choice("problem", problem, PROBLEMS) == "regression" else "tanh"


def build_model(
    n_inputs: int,
    hidden: Sequence[int],
    activation: str = "tanh",
    *,
    seed: Seed | None = 0,
    problem: str = "classification",
):
    """A Keras MLP shaped like the playground's network (float64, like JavaScript numbers).

    Hidden layers use ``activation``; the single output neuron uses tanh for ``problem="classification"``
    and is linear for ``"regression"``. The initial weights are those of :func:`init_params` with ``seed``
    (``None`` keeps Keras' own uniform [-0.5, 0.5] / 0.1 initialisers, unseeded).
    """
    import_tensorflow()
    import keras

    sizes = layer_sizes(n_inputs, hidden)
    activation = require_choice("activation", activation, ACTIVATIONS)
    out_activation = output_activation(problem)
    layers: list[Any] = [keras.Input(shape=(sizes[0],), dtype="float64")]
    for k, units in enumerate(sizes[1:]):
        last = k == len(sizes) - 2
        layers.append(
            keras.layers.Dense(
                units,
                activation=out_activation if last else activation,
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
    """One training run: the loss after every epoch (index 0 = before training), the trained model and
    which links L1 regularization cut (``dead``: one ``[n_in, n_out]`` boolean array per kernel)."""

    train_loss: np.ndarray  # [epochs + 1]
    test_loss: np.ndarray  # [epochs + 1]
    model: Any  # keras.Sequential with the trained weights
    features: tuple[str, ...]
    seconds: float
    dead: list[np.ndarray] = field(default_factory=list)
    problem: str = "classification"

    def layers(self) -> list[dict[str, list]]:
        """The trained network as the widget holds it: ``[{"kernel", "bias", "dead"}]`` per layer."""
        params = self.model.get_weights()
        dead = self.dead or [np.zeros(k.shape, dtype=bool) for k in params[::2]]
        return [
            {"kernel": k.tolist(), "bias": b.tolist(), "dead": d.tolist()}
            for k, b, d in zip(params[::2], params[1::2], dead, strict=True)
        ]

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
    problem: str,
):
    """An XLA-compiled function running a whole training; cached, so seeds and data sets of one shape
    share one compilation. Parameters travel as tensors through ``model.stateless_call``, the dead-link
    masks (one per kernel) beside them."""
    tf = import_tensorflow()

    key = (sizes, activation, n_train, n_test, batch_size, epochs, regularization, problem)
    if key in _TRAINERS:
        return _TRAINERS[key]
    template = build_model(sizes[0], sizes[1:-1], activation, seed=None, problem=problem)
    n_full, rest = divmod(n_train, batch_size)

    def forward(params, x):
        out, _ = template.stateless_call(list(params), [], x)
        return out[:, 0]

    def loss(params, x, y):
        return tf.reduce_mean(0.5 * tf.square(forward(params, x) - y))

    def step(params, dead, xb, yb, lr, rate):
        with tf.GradientTape() as tape:
            tape.watch(params)
            total = tf.reduce_sum(0.5 * tf.square(forward(params, xb) - yb))
        grads = tape.gradient(total, params)  # sums over the batch, as nn.ts accumulates them
        n = tf.cast(tf.shape(xb)[0], tf.float64)
        new, new_dead = [], []
        for k in range(0, len(params), 2):
            w, b, gw, gb, was_dead = params[k], params[k + 1], grads[k], grads[k + 1], dead[k // 2]
            cut = was_dead
            # nn.ts updateWeights: the bias by its averaged derivative; a live weight first by its averaged
            # dE/dw, then by lr * rate * der(w) with der at the weight before the step; an L1 weight that
            # crosses zero in that second step is set to 0 and its link dies; dead links never change
            b = b - lr * gb / n
            w1 = w - (lr / n) * gw
            if regularization == "L1":
                w2 = w1 - (lr * rate) * tf.where(w < 0, tf.constant(-1.0, tf.float64), 1.0)
                crossed = tf.logical_and(w1 * w2 < 0, tf.logical_not(cut))
                w2 = tf.where(crossed, tf.zeros_like(w2), w2)
                cut = tf.logical_or(cut, crossed)
            elif regularization == "L2":
                w2 = w1 - (lr * rate) * w
            else:
                w2 = w1
            new += [tf.where(was_dead, w, w2), b]
            new_dead.append(cut)
        return new, new_dead

    @tf.function(jit_compile=True, reduce_retracing=True)
    def run(params, dead, x_train, y_train, x_test, y_test, lr, rate):
        params, dead = list(params), list(dead)
        train_losses = tf.TensorArray(tf.float64, size=epochs + 1).write(0, loss(params, x_train, y_train))
        test_losses = tf.TensorArray(tf.float64, size=epochs + 1).write(0, loss(params, x_test, y_test))

        def batch(b, params, dead):
            start = b * batch_size
            xb = tf.slice(x_train, [start, 0], [batch_size, sizes[0]])
            yb = tf.slice(y_train, [start], [batch_size])
            return (b + 1, *step(params, dead, xb, yb, lr, rate))

        def epoch(e, params, dead, train_losses, test_losses):
            # the same order every epoch: the playground never reshuffles
            _, params, dead = tf.while_loop(lambda b, p, d: b < n_full, batch, [tf.constant(0), params, dead])
            if rest:  # a last, smaller batch (the playground would carry it over into the next epoch)
                params, dead = step(
                    params, dead, x_train[n_full * batch_size :], y_train[n_full * batch_size :], lr, rate
                )
            train_losses = train_losses.write(e + 1, loss(params, x_train, y_train))
            test_losses = test_losses.write(e + 1, loss(params, x_test, y_test))
            return e + 1, params, dead, train_losses, test_losses

        _, params, dead, train_losses, test_losses = tf.while_loop(
            lambda e, *_: e < epochs, epoch, [tf.constant(0), params, dead, train_losses, test_losses]
        )
        return params, dead, train_losses.stack(), test_losses.stack()

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
    problem: str = "classification",
) -> Run:
    """Train a playground network on ``data`` and record the playground loss after every epoch.

    One epoch visits the training points in their (once shuffled) order in batches of ``batch_size``;
    each batch takes one SGD step on the mean gradient of ``0.5 * (output - label)^2``. Regularization
    (``"L1"`` or ``"L2"``) is a second step on weights only, as nn.ts' ``updateWeights`` does it: an L1
    weight that crosses zero is set to 0 and its link is dead for the rest of the run (``Run.dead``). The
    output neuron is tanh for ``problem="classification"``, linear for ``"regression"``. The initial
    weights come from :func:`init_params` with ``seed`` (a Mulberry32 continues a stream, as the
    playground does).
    """
    tf = import_tensorflow()

    names = check_features(features_used)
    hidden = check_hidden(hidden)
    activation = require_choice("activation", activation, ACTIVATIONS)
    learning_rate = require_float("learning_rate", learning_rate, positive=True)
    epochs = require_int("epochs", epochs, minimum=1, maximum=100_000)
    batch_size = require_int("batch_size", batch_size, minimum=1, maximum=len(data.x_train))
    regularization = require_choice("regularization", regularization, REGULARIZATIONS)
    rate = require_float("regularization_rate", regularization_rate, minimum=0.0)
    problem = require_choice("problem", problem, PROBLEMS)

    x_train, x_test = features(data.x_train, names), features(data.x_test, names)
    sizes = layer_sizes(len(names), hidden)
    model = build_model(len(names), hidden, activation, seed=seed, problem=problem)
    run = _trainer(sizes, activation, len(x_train), len(x_test), batch_size, epochs, regularization, problem)
    start = time.perf_counter()
    weights = model.get_weights()
    with timing.section("training"):  # the test loss after every epoch is computed in the same function
        params, dead, train_losses, test_losses = run(
            [tf.constant(w) for w in weights],
            [tf.zeros(w.shape, tf.bool) for w in weights[::2]],
            tf.constant(x_train),
            tf.constant(data.y_train),
            tf.constant(x_test),
            tf.constant(data.y_test),
            tf.constant(learning_rate, tf.float64),
            tf.constant(rate, tf.float64),
        )
        model.set_weights([p.numpy() for p in params])
    timing.flush()
    seconds = time.perf_counter() - start
    return Run(train_losses.numpy(), test_losses.numpy(), model, names, seconds, [d.numpy() for d in dead], problem)


def predict(model: Any, points: np.ndarray, features_used: Sequence[str]) -> np.ndarray:
    """The network's output for points ``[n, 2]`` (in [-1, 1] for classification)."""
    with timing.section("predictions"):
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
    import_tensorflow()
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
