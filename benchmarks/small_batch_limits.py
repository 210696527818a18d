"""Why small-batch training cannot get much cheaper on this software stack: two measurements.

Both run one SGD step of the 784-100-100-10 ReLU network (the trainer's formulation: an XLA-compiled
``tf.while_loop`` over an epoch of 1,000 random images, batches gathered by index) on one TensorFlow
thread, as sweeps run small batches, and report CPU microseconds per step:

1. **Per-sample cost at batch sizes 1, 2, 4 and 8.** If a step were bound by its fixed per-step
   latency, cost per sample would fall as the batch grows; it stays nearly flat, because every step
   reads and writes the first layer's 784 x 100 weights several times (forward, gradient, update).
2. **Several seeds in one step** (weights stacked on a leading axis, batched matmuls): would amortise a
   per-step overhead over K runs. XLA:CPU runs a batched matmul as K matmuls, so the cost per run-step
   stays the same for K = 1, 3, 5 and 8.

    python benchmarks/small_batch_limits.py
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from mlp_report.quiet import import_tensorflow  # noqa: E402

tf = import_tensorflow()
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

import numpy as np  # noqa: E402

N = 1_000
SHAPES = [(784, 100), (100,), (100, 100), (100,), (100, 10), (10,)]
rng = np.random.default_rng(0)
X = tf.constant(rng.random((N, 784), dtype=np.float32))
Y = tf.constant(rng.integers(0, 10, N).astype(np.int32))


def epoch_function(batch_size: int, runs: int | None):
    """One compiled epoch; ``runs`` stacks that many independent runs (None: one run, unstacked)."""

    def step(weights, index, lr):
        xb, yb = tf.gather(X, index), tf.gather(Y, index)
        with tf.GradientTape() as tape:
            tape.watch(weights)
            h = xb
            for i in range(0, 6, 2):
                bias = weights[i + 1] if runs is None else weights[i + 1][:, None, :]
                z = tf.matmul(h, weights[i]) + bias
                h = tf.nn.relu(z) if i < 4 else z
            ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=h)
            loss = tf.reduce_sum(tf.reduce_mean(ce, axis=-1))  # runs are independent: their sum's gradient
        grads = tape.gradient(loss, weights)
        return [w - lr * g for w, g in zip(weights, grads, strict=True)]

    def epoch(weights, perm, lr):
        def body(i, weights):
            index = tf.slice(perm, [i * batch_size], [batch_size]) if runs is None else \
                tf.slice(perm, [0, i * batch_size], [runs, batch_size])
            return i + 1, step(weights, index, lr)

        return tf.while_loop(lambda i, *_: i < N // batch_size, body, (tf.constant(0), list(weights)))[1]

    return tf.function(epoch, jit_compile=True)


def cpu_us_per_step(batch_size: int, runs: int | None = None, repeats: int = 20) -> float:
    lead = () if runs is None else (runs,)
    weights = [tf.constant(rng.normal(size=lead + s).astype(np.float32) * 0.05) for s in SHAPES]
    perm = rng.permutation(N) if runs is None else np.stack([rng.permutation(N) for _ in range(runs)])
    perm = tf.constant(perm.astype(np.int32))
    epoch = epoch_function(batch_size, runs)
    epoch(weights, perm, 0.01)[0].numpy()  # trace and compile
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for _ in range(repeats):
            out = epoch(weights, perm, 0.01)
        out[0].numpy()
        best = min(best, (time.process_time() - start) / repeats / (N // batch_size) * 1e6)
    return best


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f}; CPU µs per SGD step on one thread, best of 3")
    print("\n| batch size | per step | per sample |\n|---|---|---|")
    for batch_size in (1, 2, 4, 8):
        us = cpu_us_per_step(batch_size)
        print(f"| {batch_size} | {us:.1f} µs | {us / batch_size:.1f} µs |")
    print("\n| runs stacked in one step (batch size 2) | per step | per run and step |\n|---|---|---|")
    for runs in (1, 3, 5, 8):
        us = cpu_us_per_step(2, runs)
        print(f"| {runs} | {us:.1f} µs | {us / runs:.1f} µs |")


if __name__ == "__main__":
    main()
