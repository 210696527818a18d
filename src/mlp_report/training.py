"""A compiled training loop with ``model.fit`` semantics: one XLA-compiled function runs a whole epoch.

``model.fit`` dispatches every batch from Python, which dominates at small batch sizes. Here the batch
loop is a ``tf.while_loop`` inside ``tf.function(jit_compile=True)``: plain SGD (Keras' ``SGD`` without
momentum), sparse categorical cross-entropy averaged over the batch (class weights scale each sample's
loss as Keras does), layer regularization losses added, a reshuffle every epoch and the last partial
batch included. The partial batch has a static size, so it is traced once, not once per epoch.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from .validation import ConfigError, require_int  # noqa: E402


class _NotPerModelRetracing(logging.Filter):
    # Each model gets its own compiled epoch (traced once); TF counts those as "retracing" and warns.
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


tf.get_logger().addFilter(_NotPerModelRetracing())

ENGINE_VERSION = "1"  # bump when results of the same config would change; part of every cache key


@dataclass
class TrainResult:
    """What one training run produced."""

    history: dict[str, list[float]]  # loss/accuracy (running, like fit) and <set>_loss/<set>_accuracy
    fit_seconds: float
    params: int
    updates: int  # optimizer steps taken
    predictions: dict[str, np.ndarray] = field(default_factory=dict)  # set -> predicted class
    confidences: dict[str, np.ndarray] = field(default_factory=dict)  # set -> probability of that class
    model: keras.Model | None = None
    traces: int = 0  # how often the epoch function was traced (1: no per-epoch recompiles)

    def final(self, key: str) -> float:
        """The last epoch's value of ``history[key]``."""
        return self.history[key][-1]


def _learning_rate(model: keras.Model) -> float:
    opt = model.optimizer
    if not isinstance(opt, keras.optimizers.SGD) or float(opt.momentum) != 0.0 or opt.nesterov:
        raise ConfigError("train() implements plain SGD: compile the model with keras.optimizers.SGD(momentum=0).")
    return float(keras.ops.convert_to_numpy(opt.learning_rate))


def _sample_weights(y: np.ndarray, class_weight: Mapping[int, float] | None) -> np.ndarray:
    if not class_weight:
        return np.ones(len(y), np.float32)
    table = np.ones(int(max(int(y.max()), *map(int, class_weight))) + 1, np.float32)
    for cls, weight in class_weight.items():
        if not weight > 0:
            raise ConfigError(f"class_weight[{cls!r}]={weight!r} is invalid: expected a number > 0.")
        table[int(cls)] = weight
    return table[y]


class _CompiledLoop:
    """Holds the compiled epoch and evaluation functions for one model and training set."""

    def __init__(self, model: keras.Model, x: np.ndarray, y: np.ndarray, w: np.ndarray, batch_size: int):
        self.model = model
        self.lr = _learning_rate(model)
        self.x = tf.constant(x)
        self.y = tf.constant(y.astype(np.int32))
        self.w = tf.constant(w)
        self.n = len(x)
        self.batch_size = batch_size
        self.n_full, self.rest = divmod(self.n, batch_size)
        self.variables = model.trainable_variables
        # fresh closures per model: TF's "frequent retracing" warning keys on the Python function
        self.epoch = tf.function(lambda perm: self._epoch(perm), jit_compile=True)
        self.evaluate = tf.function(lambda x, y: self._evaluate(x, y), jit_compile=True)

    def _step(self, idx):
        xb, yb, wb = tf.gather(self.x, idx), tf.gather(self.y, idx), tf.gather(self.w, idx)
        with tf.GradientTape() as tape:
            probs = self.model(xb, training=True)
            ce = keras.losses.sparse_categorical_crossentropy(yb, probs)
            loss = tf.reduce_mean(ce * wb)  # Keras' "sum_over_batch_size" reduction
            if self.model.losses:
                loss = loss + tf.add_n(self.model.losses)
        grads = tape.gradient(loss, self.variables)
        for var, grad in zip(self.variables, grads, strict=True):
            var.assign_sub(self.lr * grad)
        hits = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(probs, axis=1, output_type=tf.int32), yb), tf.float32))
        return loss * tf.cast(tf.shape(idx)[0], tf.float32), hits

    def _epoch(self, perm):
        bs = self.batch_size

        def body(i, loss_sum, hits):
            batch_loss, batch_hits = self._step(tf.slice(perm, [i * bs], [bs]))
            return i + 1, loss_sum + batch_loss, hits + batch_hits

        _, loss_sum, hits = tf.while_loop(
            lambda i, *_: i < self.n_full, body, (tf.constant(0), tf.constant(0.0), tf.constant(0.0))
        )
        if self.rest:  # static size: traced once with the epoch
            batch_loss, batch_hits = self._step(tf.slice(perm, [self.n_full * bs], [self.rest]))
            loss_sum, hits = loss_sum + batch_loss, hits + batch_hits
        return loss_sum / self.n, hits / self.n

    def _evaluate(self, x, y):
        probs = self.model(x, training=False)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, probs))
        if self.model.losses:
            loss = loss + tf.add_n(self.model.losses)
        pred = tf.argmax(probs, axis=1, output_type=tf.int32)
        acc = tf.reduce_mean(tf.cast(tf.equal(pred, y), tf.float32))
        return loss, acc, pred, tf.reduce_max(probs, axis=1)


def train(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    *,
    batch_size: int = 32,
    epochs: int = 3,
    seed: int = 0,
    eval_sets: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
    class_weight: Mapping[int, float] | None = None,
    predict: Sequence[str] = (),
    shuffle: bool = True,
    keep_model: bool = True,
) -> TrainResult:
    """Train ``model`` (built by :func:`mlp_report.models.build_mlp`) like ``model.fit`` but compiled.

    ``eval_sets`` maps a name (``"val"``, ``"test"``, ``"train"``...) to ``(x, y)``; each is evaluated
    after every epoch into ``history[f"{name}_loss"]`` and ``history[f"{name}_accuracy"]``.
    ``predict`` names eval sets whose final predicted classes and confidences are returned.
    ``seed`` drives the per-epoch shuffles (the weights were seeded when the model was built);
    ``shuffle=False`` keeps the data order, as in ``fit(shuffle=False)``.
    """
    batch_size = require_int("batch_size", batch_size, minimum=1)
    epochs = require_int("epochs", epochs, minimum=1)
    seed = require_int("seed", seed, minimum=0)
    if len(x) != len(y) or len(x) == 0:
        raise ConfigError(f"x and y must be non-empty and equally long, got {len(x)} and {len(y)}.")
    eval_sets = dict(eval_sets or {})
    for name in predict:
        if name not in eval_sets:
            raise ConfigError(f"predict={name!r} is invalid: expected one of the eval_sets {sorted(eval_sets)}.")

    loop = _CompiledLoop(model, np.asarray(x, np.float32), np.asarray(y), _sample_weights(np.asarray(y), class_weight), batch_size)
    evals = {k: (tf.constant(np.asarray(v[0], np.float32)), tf.constant(np.asarray(v[1]).astype(np.int32))) for k, v in eval_sets.items()}
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    for name in evals:
        history[f"{name}_loss"], history[f"{name}_accuracy"] = [], []
    outputs: dict[str, tuple] = {}

    start = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(loop.n) if shuffle else np.arange(loop.n)
        loss, acc = loop.epoch(tf.constant(order.astype(np.int32)))
        history["loss"].append(float(loss))
        history["accuracy"].append(float(acc))
        for name, (ex, ey) in evals.items():
            outputs[name] = loop.evaluate(ex, ey)
            history[f"{name}_loss"].append(float(outputs[name][0]))
            history[f"{name}_accuracy"].append(float(outputs[name][1]))
    fit_seconds = time.perf_counter() - start

    return TrainResult(
        history=history,
        fit_seconds=fit_seconds,
        params=int(model.count_params()),
        updates=epochs * (loop.n_full + (1 if loop.rest else 0)),
        predictions={k: outputs[k][2].numpy() for k in predict},
        confidences={k: outputs[k][3].numpy() for k in predict},
        model=model if keep_model else None,
        traces=loop.epoch.experimental_get_tracing_count(),
    )
