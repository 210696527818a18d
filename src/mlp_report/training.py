"""A compiled training loop with ``model.fit`` semantics: one XLA-compiled function runs a whole epoch.

``model.fit`` dispatches every batch from Python, which dominates at small batch sizes. Here the batch
loop is a ``tf.while_loop`` inside ``tf.function(jit_compile=True)``: plain SGD (Keras' ``SGD`` without
momentum), sparse categorical cross-entropy averaged over the batch (class weights scale each sample's
loss as Keras does), L2 weight decay (its gradient applied at every step; its value added to the reported
epoch loss once, at the epoch's end, where Keras adds it per batch), a reshuffle every epoch and the
last partial batch included. The partial batch has a static size, so it is traced once, not once per epoch.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .quiet import import_tensorflow  # noqa: E402

import_tensorflow()

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from . import runlog, timing  # noqa: E402
from .validation import ConfigError, DivergedWarning, require_choice, require_float, require_int  # noqa: E402


class _NotPerModelRetracing(logging.Filter):
    # Each model gets its own compiled epoch (traced once); TF counts those as "retracing" and warns.
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


tf.get_logger().addFilter(_NotPerModelRetracing())

from .engine import ENGINE_VERSION  # noqa: E402 - part of every cache key (bump it there)


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
    diverged_epoch: int | None = None  # first epoch (1-based) of the divergence (learning.diverged_epoch)

    @property
    def diverged(self) -> bool:
        """Whether the run diverged by :data:`mlp_report.learning.RULE` (the weights are then meaningless)."""
        return self.diverged_epoch is not None

    def final(self, key: str) -> float:
        """The last epoch's value of ``history[key]``."""
        return self.history[key][-1]


def _require_finite(name: str, array: np.ndarray) -> None:
    values = np.asarray(array)
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        bad = int((~np.isfinite(values)).sum())
        raise ConfigError(f"{name} is invalid: it holds {bad} nan or infinite values, expected finite numbers.")


def _diverged_epoch(losses: Sequence[float]) -> int | None:
    """The first epoch (1-based) of a divergence by :data:`mlp_report.learning.RULE`, or ``None``."""
    from .learning import diverged_epoch

    return diverged_epoch(losses)


def _cached_problem(hit: dict[str, np.ndarray], variables, predict: Sequence[str]) -> str | None:
    """What is wrong with a cached run's arrays (types, shapes), or None when it can be used."""
    from .sweeps import check_record

    try:
        history = json.loads(str(hit["history"]))
        check_record({"history": history, "fit_seconds": float(hit["fit_seconds"]), "params": 0,
                      "updates": int(hit["updates"]), "predictions": {}, "confidences": {}})
        if not history.get("loss"):
            return "no loss history"
        int(hit["traces"])
        for i, variable in enumerate(variables):
            if hit[f"w{i}"].shape != tuple(variable.shape) or hit[f"w{i}"].dtype.kind != "f":
                return f"w{i} has shape {hit[f'w{i}'].shape}, expected {tuple(variable.shape)}"
        for name in predict:
            if hit[f"pred_{name}"].ndim != 1 or hit[f"pred_{name}"].shape != hit[f"conf_{name}"].shape:
                return f"the predictions of {name!r} have the wrong shape"
    except (KeyError, ValueError, TypeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


EVAL_SCHEDULES = ("every", "dense", "log", "final")


def dense_epochs(schedule: str, epochs: int) -> int:
    """How many first epochs ``schedule`` evaluates after every one of: all for ``"every"``, the first fifth
    (at least 20) for ``"dense"``, 20 for ``"log"``, none for ``"final"`` (short runs: every epoch)."""
    require_choice("eval_schedule", schedule, EVAL_SCHEDULES)
    if schedule == "final":
        return 0
    dense = {"every": epochs, "dense": max(20, -(-epochs // 5)), "log": 20}[schedule]
    return min(dense, epochs)


def eval_epochs(schedule: str, epochs: int) -> list[int]:
    """The 1-based epochs after which the eval sets are evaluated: ``"every"`` epoch, ``"final"`` only,
    ``"log"``: every one of the first 20, then about 40 log-spaced ones, or ``"dense"``: every one of the
    first fifth of the run (at least 20; where learning curves bend and early stopping decides), then
    about 40 log-spaced ones; the last epoch is always included."""
    dense = dense_epochs(schedule, epochs)
    if schedule == "final":
        return [epochs]
    if dense >= epochs:
        return list(range(1, epochs + 1))
    spaced = np.unique(np.round(np.geomspace(dense, epochs, 40)).astype(int))
    return sorted({*range(1, dense + 1), *map(int, spaced), epochs})


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
        table[int(cls)] = require_float(f"class_weight[{cls!r}]", weight, positive=True)
    return table[y]


@dataclass(frozen=True)
class _Arch:
    """The static structure of a Sequential MLP: ("dense", activation, l2) and ("dropout", rate) layers."""

    layers: tuple[tuple, ...]
    shapes: tuple[tuple[int, ...], ...]  # kernel and bias shapes, in order


_ACTIVATIONS = {"relu": tf.nn.relu, "tanh": tf.tanh, "sigmoid": tf.sigmoid, "linear": tf.identity}


def _architecture(model: keras.Model) -> tuple[_Arch, list]:
    """Read the layer structure and the trainable variables (kernel, bias per Dense layer) off the model."""
    layers, variables = [], []
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for layer in model.layers:
        if isinstance(layer, keras.layers.Flatten | keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.layers.Dense):
            activation = layer.activation.__name__
            last = layer is dense[-1]
            if (activation == "softmax") != last or (not last and activation not in _ACTIVATIONS) or not layer.use_bias:
                raise ConfigError(f"train() cannot train layer {layer.name!r} (activation {activation!r}): build the model with build_mlp().")
            reg = layer.kernel_regularizer
            l2 = float(getattr(reg, "l2", 0.0)) if reg is not None else 0.0
            if reg is not None and not isinstance(reg, keras.regularizers.L2):
                raise ConfigError(f"train() supports L2 kernel regularization only, layer {layer.name!r} has {reg!r}.")
            layers.append(("dense", activation, l2))
            variables += [layer.kernel, layer.bias]
        elif isinstance(layer, keras.layers.Dropout):
            layers.append(("dropout", float(layer.rate)))
        else:
            raise ConfigError(f"train() supports Flatten, Dense and Dropout layers, not {type(layer).__name__} ({layer.name!r}).")
    return _Arch(tuple(layers), tuple(tuple(v.shape) for v in variables)), variables


def _forward(arch: _Arch, weights, x, dropout_seed=None):
    """Logits of the MLP; dropout is applied when ``dropout_seed`` (a [2] int tensor) is given."""
    h = tf.reshape(x, [tf.shape(x)[0], -1])
    i = 0
    for index, layer in enumerate(arch.layers):
        if layer[0] == "dense":
            z = tf.matmul(h, weights[i]) + weights[i + 1]
            i += 2
            if layer[1] == "softmax":
                return z
            h = _ACTIVATIONS[layer[1]](z)
        elif dropout_seed is not None and layer[1] > 0:
            seed = dropout_seed + tf.constant([index, 0], tf.int32)
            keep = tf.random.stateless_uniform(tf.shape(h), seed=seed) >= layer[1]
            h = tf.where(keep, h / (1.0 - layer[1]), tf.zeros_like(h))
    raise ConfigError("the model has no softmax output layer")


def _l2_factors(arch: _Arch) -> list[float]:
    """The L2 factor of every weight tensor (kernels of regularized layers; 0 for biases)."""
    factors = []
    for layer in arch.layers:
        if layer[0] == "dense":
            factors += [layer[2], 0.0]
    return factors


def _penalty(arch: _Arch, weights):
    dense = [layer for layer in arch.layers if layer[0] == "dense"]
    terms = [layer[2] * tf.reduce_sum(tf.square(weights[2 * k])) for k, layer in enumerate(dense) if layer[2] > 0]
    return tf.add_n(terms) if terms else tf.constant(0.0)


@functools.lru_cache(maxsize=64)
def _epoch_function(arch: _Arch, n: int, batch_size: int):
    """One compiled epoch for this structure, data size and batch size, shared by every run in the process.

    Weights go in and come out as tensors; the learning rate and the dropout seed are arguments, so
    runs that differ only in seed or learning rate reuse the compilation.
    """
    n_full, rest = divmod(n, batch_size)
    l2 = _l2_factors(arch)

    def step(weights, x, y, w, perm, start, size, lr, seed):
        # the batch is a contiguous slice of this epoch's order, gathered from the data in place: copying
        # the whole shuffled data set every epoch would cost as much memory traffic as a fifth of the steps
        index = tf.slice(perm, [start], [size])
        xb, yb, wb = tf.gather(x, index), tf.gather(y, index), tf.gather(w, index)
        with tf.GradientTape() as tape:
            tape.watch(weights)
            logits = _forward(arch, weights, xb, seed)
            ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=logits)
            loss = tf.reduce_mean(ce * wb)  # Keras' "sum_over_batch_size"
        grads = tape.gradient(loss, weights)
        # the L2 term's gradient, 2·l2·W, added exactly; its value is only needed for the reported loss,
        # so the reduction over every weight is done once per epoch instead of at every step
        weights = [v - lr * (g + 2.0 * f * v) if f else v - lr * g for v, g, f in zip(weights, grads, l2, strict=True)]
        hits = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, axis=1, output_type=tf.int32), yb), tf.float32))
        return weights, loss * float(size), hits

    def epoch(weights, x, y, w, perm, lr, seed):
        def body(i, weights, loss_sum, hits):
            step_seed = seed + tf.stack([0, i])
            weights, batch_loss, batch_hits = step(weights, x, y, w, perm, i * batch_size, batch_size, lr, step_seed)
            return i + 1, weights, loss_sum + batch_loss, hits + batch_hits

        loss_sum, hits = tf.constant(0.0), tf.constant(0.0)
        if n_full:  # a batch larger than the data: no full batch, only the partial one (as fit does)
            _, weights, loss_sum, hits = tf.while_loop(
                lambda i, *_: i < n_full, body, (tf.constant(0), list(weights), loss_sum, hits)
            )
        if rest:  # static size: traced once with the epoch, never per epoch
            weights, batch_loss, batch_hits = step(
                weights, x, y, w, perm, n_full * batch_size, rest, lr, seed + tf.stack([0, n_full])
            )
            loss_sum, hits = loss_sum + batch_loss, hits + batch_hits
        return weights, loss_sum / n + _penalty(arch, weights), hits / n

    return tf.function(epoch, jit_compile=True)


@functools.lru_cache(maxsize=64)
def _eval_function(arch: _Arch):
    def evaluate(weights, x, y):
        logits = _forward(arch, weights, x)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        probs = tf.nn.softmax(logits)
        pred = tf.argmax(logits, axis=1, output_type=tf.int32)
        acc = tf.reduce_mean(tf.cast(tf.equal(pred, y), tf.float32))
        return loss + _penalty(arch, weights), acc, pred, tf.reduce_max(probs, axis=1)

    return tf.function(evaluate, jit_compile=True)


_tensors: dict[tuple, tuple[np.ndarray, tf.Tensor]] = {}


def _as_tensor(array: np.ndarray, dtype) -> tf.Tensor:
    """Convert once per process: the same memory (e.g. MNIST's training images) is reused across runs."""
    array = np.asarray(array, dtype)
    key = (array.__array_interface__["data"][0], array.shape, array.strides, array.dtype.str)
    if key not in _tensors:
        if len(_tensors) >= 16:
            _tensors.pop(next(iter(_tensors)))
        _tensors[key] = (array, tf.constant(array))  # the array is kept so its memory is not reused
    return _tensors[key][1]


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
    eval_schedule: str = "every",
    keep_model: bool = True,
    cache: bool = False,
) -> TrainResult:
    """Train ``model`` (built by :func:`mlp_report.models.build_mlp`) like ``model.fit`` but compiled.

    ``eval_sets`` maps a name (``"val"``, ``"test"``, ``"train"``...) to ``(x, y)``; each is evaluated
    after every epoch into ``history[f"{name}_loss"]`` and ``history[f"{name}_accuracy"]``.
    ``predict`` names eval sets whose final predicted classes and confidences are returned.
    ``seed`` drives the per-epoch shuffles (the weights were seeded when the model was built);
    ``shuffle=False`` keeps the data order, as in ``fit(shuffle=False)``. ``eval_schedule`` says after
    which epochs the eval sets are evaluated (see :func:`eval_epochs`; ``history["eval_epochs"]`` lists
    them): evaluating 10,000 images after each of hundreds of short epochs can cost more than training.
    ``cache=True`` keeps the run on disk (``MLP_REPORT_CACHE``), keyed by the architecture, the initial
    weights, the data and every argument: a second identical call loads the trained weights, history and
    predictions instead of training (sweeps cache their runs themselves).
    """
    batch_size = require_int("batch_size", batch_size, minimum=1)
    epochs = require_int("epochs", epochs, minimum=1)
    seed = require_int("seed", seed, minimum=0)
    if len(x) != len(y) or len(x) == 0:
        raise ConfigError(f"x and y must be non-empty and equally long, got {len(x)} and {len(y)}.")
    _require_finite("x", x)
    for name, (ex, _) in (eval_sets or {}).items():
        _require_finite(f"eval_sets[{name!r}] x", ex)
    eval_sets = dict(eval_sets or {})
    for name in predict:
        if name not in eval_sets:
            raise ConfigError(f"predict={name!r} is invalid: expected one of the eval_sets {sorted(eval_sets)}.")

    x = np.asarray(x, np.float32)
    y = np.asarray(y)
    arch, variables = _architecture(model)
    key = None
    if cache:
        from .paths import bad_arrays, cache_dir, digest, load_arrays, require_writable

        sets = [(k, np.asarray(v[0], np.float32), np.asarray(v[1])) for k, v in sorted(eval_sets.items())]
        key = digest(
            ENGINE_VERSION, repr(arch), _learning_rate(model), *[v.numpy() for v in variables], x, y,
            [batch_size, epochs, seed, class_weight, list(predict), shuffle, eval_schedule],
            *[part for item in sets for part in item],
        )
        hit = load_arrays("train", key)
        problem = None if hit is None else _cached_problem(hit, variables, predict)
        if problem is not None:
            bad_arrays("train", key, problem)
            hit = None
        if hit is None:  # it will be stored: fail now, not after training, if it cannot be
            require_writable(cache_dir() / "train", "run cache folder", "MLP_REPORT_CACHE")
        if hit is not None:
            for i, variable in enumerate(variables):
                variable.assign(hit[f"w{i}"])
            return TrainResult(
                history=json.loads(str(hit["history"])),
                fit_seconds=float(hit["fit_seconds"]),
                params=int(model.count_params()),
                updates=int(hit["updates"]),
                predictions={k: hit[f"pred_{k}"] for k in predict},
                confidences={k: hit[f"conf_{k}"] for k in predict},
                model=model if keep_model else None,
                traces=int(hit["traces"]),
                diverged_epoch=_diverged_epoch(json.loads(str(hit["history"]))["loss"]),
            )
    lr = tf.constant(_learning_rate(model), tf.float32)
    epoch_fn, eval_fn = _epoch_function(arch, len(x), batch_size), _eval_function(arch)
    x_t, y_t = _as_tensor(x, np.float32), _as_tensor(y, np.int32)
    w_t = tf.constant(_sample_weights(y, class_weight))
    evals = {k: (_as_tensor(v[0], np.float32), _as_tensor(v[1], np.int32)) for k, v in eval_sets.items()}
    weights = [tf.convert_to_tensor(v) for v in variables]
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    scheduled = set(eval_epochs(eval_schedule, epochs)) if evals else set()
    if evals:
        history["eval_epochs"] = sorted(scheduled)
    for name in evals:
        history[f"{name}_loss"], history[f"{name}_accuracy"] = [], []
    outputs: dict[str, tuple] = {}

    start = time.perf_counter()
    for epoch in range(epochs):
        order = rng.permutation(len(x)) if shuffle else np.arange(len(x))
        dropout_seed = tf.constant([seed % 1_000_003 * 64, epoch * 1_000_000], tf.int32)
        # the first call of a new compiled epoch traces and compiles it: timed apart from the training
        traced = epoch == 0 and timing.enabled() and epoch_fn.experimental_get_tracing_count() == 0
        with timing.section("compilation" if traced else "training"):
            weights, loss, acc = epoch_fn(weights, x_t, y_t, w_t, tf.constant(order.astype(np.int32)), lr, dropout_seed)
            history["loss"].append(float(loss))
            history["accuracy"].append(float(acc))
        if epoch + 1 not in scheduled:
            continue
        with timing.section("evaluation"):
            for name, (ex, ey) in evals.items():
                outputs[name] = eval_fn(weights, ex, ey)
                history[f"{name}_loss"].append(float(outputs[name][0]))
                history[f"{name}_accuracy"].append(float(outputs[name][1]))
    fit_seconds = time.perf_counter() - start
    runlog.trained(batch_size, epochs * len(x), fit_seconds)
    diverged_epoch = _diverged_epoch(history["loss"])
    for variable, value in zip(variables, weights, strict=True):
        variable.assign(value)
    n_full, rest = divmod(len(x), batch_size)
    if diverged_epoch is not None:
        warnings.warn(
            f"training diverged: the loss is {history['loss'][diverged_epoch - 1]} from epoch {diverged_epoch} "
            f"(learning rate {float(lr):g}, batch size {batch_size}); its results are not meaningful",
            DivergedWarning,
            stacklevel=2,
        )

    with timing.section("predictions"):
        predictions = {k: outputs[k][2].numpy() for k in predict}
        confidences = {k: outputs[k][3].numpy() for k in predict}
    timing.flush()
    result = TrainResult(
        history=history,
        fit_seconds=fit_seconds,
        params=int(model.count_params()),
        updates=epochs * (n_full + (1 if rest else 0)),
        predictions=predictions,
        confidences=confidences,
        model=model if keep_model else None,
        traces=epoch_fn.experimental_get_tracing_count(),
        diverged_epoch=diverged_epoch,
    )
    if key is not None:
        from .paths import store_arrays

        store_arrays("train", key, {
            "history": json.dumps(result.history), "fit_seconds": result.fit_seconds, "updates": result.updates,
            "traces": result.traces, **{f"w{i}": v.numpy() for i, v in enumerate(variables)},
            **{f"pred_{k}": v for k, v in result.predictions.items()},
            **{f"conf_{k}": v for k, v in result.confidences.items()},
        })
    return result
