"""Training speed: Keras ``model.fit`` against the compiled loop ``mlp_report.training.train``, and the
trainer against the machine's matmul roofline.

Both train the default MLP (2 x 100 ReLU, SGD 0.01) on MNIST in this process, side by side, at batch
sizes 1, 4, 32 and 128. Each is warmed up first (tracing and XLA compilation excluded), then timed
on the same images (fit: one epoch; train: two epochs with the compilation cached). At batch sizes 1
and 4, ``train`` is also timed in a single-threaded worker process (how sweeps run small batches: a
step there is too small to split over cores). The roofline part interleaves, in this one process, a
2048² XLA matmul (the machine's attainable GFLOP/s), ``train`` on all 50,000 images at batch sizes 128
and 32, and the matmuls of those steps alone (same shapes, no softmax, shuffle or update): the
structural limit of a 784-100-100-10 network at that batch size. Also times one full Task 1 seed, the
Task 3 overfitting run, and a sweep run in one process against a local process pool. Ratios are the
result; absolute numbers depend on the machine and its load.

    MNIST_DIR=../shared/datasets/mnist python benchmarks/training_speed.py [--quick]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime
import multiprocessing
import os
import shutil
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from mlp_report.build.provenance import BENCHMARK_FILE, cpu_model, git_state  # noqa: E402
from mlp_report.data import load_mnist  # noqa: E402
from mlp_report.hyperparams import Study  # noqa: E402
from mlp_report.models import build_mlp  # noqa: E402
from mlp_report.paths import project_root, write_json  # noqa: E402
from mlp_report.profiles import PROFILES  # noqa: E402
from mlp_report.sweeps import RunConfig, _worker_init, local_executor, run_sweep  # noqa: E402
from mlp_report.training import train  # noqa: E402

# images timed per batch size: enough for a few seconds of the slower contender
SAMPLES = {1: 3_000, 4: 10_000, 32: 50_000, 128: 50_000}


def samples_per_second_fit(x, y, batch_size: int) -> float:
    model = build_mlp(seed=0)
    model.fit(x[: batch_size * 20], y[: batch_size * 20], batch_size=batch_size, epochs=1, verbose=0)  # warm-up
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=True)
    return len(x) / (time.perf_counter() - start)


def samples_per_second_train(x, y, batch_size: int) -> float:
    train(build_mlp(seed=0), x, y, batch_size=batch_size, epochs=1, seed=0)  # warm-up: trace + compile
    result = train(build_mlp(seed=1), x, y, batch_size=batch_size, epochs=2, seed=1)  # reuses the compilation
    assert result.traces == 1
    return 2 * len(x) / result.fit_seconds


def _worker_samples_per_second(n: int, batch_size: int) -> float:
    data = load_mnist()
    return samples_per_second_train(data.x_train[:n], data.y_train[:n], batch_size)


def single_thread_worker() -> cf.ProcessPoolExecutor:
    """A spawned process whose TensorFlow runs on one thread (set before TensorFlow starts in it)."""
    return cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init, initargs=(1,))


# 784-100-100-10: the forward pass is 2·(784·100 + 100·100 + 100·10) = 0.179 MFLOP per sample; forward +
# backward counted as three forward passes, the usual convention: 0.536 MFLOP per sample. (The backward
# pass needs no input gradient of the first layer, so the matmuls of a step are 0.380 MFLOP: at best
# a step reaches 0.536 / 0.380 = 141 % of this "roofline".)
FLOP_PER_SAMPLE = 3 * 2 * (784 * 100 + 100 * 100 + 100 * 10)


def matmul_gflops(size: int = 2048, repeats: int = 8) -> tuple[float, float]:
    """Attainable matmul throughput: ``repeats`` chained size² XLA matmuls in one compiled call, in GFLOP
    per second of wall time and per CPU second (all threads of this process)."""
    import tensorflow as tf

    @tf.function(jit_compile=True)
    def chain(a, b):
        return tf.while_loop(lambda i, c: i < repeats, lambda i, c: (i + 1, tf.matmul(c, b) * 1e-3), (0, a))[1]

    a = tf.random.stateless_uniform((size, size), seed=(1, 2))
    b = tf.random.stateless_uniform((size, size), seed=(3, 4))
    chain(a, b).numpy()  # compile
    start, cpu = time.perf_counter(), time.process_time()
    chain(a, b).numpy()
    flop = 2 * size**3 * repeats / 1e9
    return flop / (time.perf_counter() - start), flop / (time.process_time() - cpu)


def matmuls_alone(x, batch_size: int):
    """A compiled epoch of only the matmuls of each SGD step at these shapes (forward 3, backward 5), in
    the same contiguous batches; returns a function timing one epoch in samples/s."""
    import tensorflow as tf

    n = len(x) // batch_size * batch_size
    x_t = tf.constant(x[:n].reshape(n, -1))
    shapes = [(784, 100), (100, 100), (100, 10)]
    weights = [tf.random.stateless_normal(s, seed=(i, 0)) * 0.05 for i, s in enumerate(shapes)]

    @tf.function(jit_compile=True)
    def epoch(w1, w2, w3):
        def body(i, w1, w2, w3):
            xb = tf.slice(x_t, [i * batch_size, 0], [batch_size, 784])
            h1 = tf.matmul(xb, w1)
            h2 = tf.matmul(h1, w2)
            d3 = tf.matmul(h2, w3)  # stands in for the output gradient: same shape
            d2 = tf.matmul(d3, w3, transpose_b=True)
            d1 = tf.matmul(d2, w2, transpose_b=True)
            # the weight gradients feed the next step, so no matmul can be hoisted out of the loop
            return (i + 1, w1 - 1e-6 * tf.matmul(xb, d1, transpose_a=True), w2 - 1e-6 * tf.matmul(h1, d2, transpose_a=True),
                    w3 - 1e-6 * tf.matmul(h2, d3, transpose_a=True))

        return tf.while_loop(lambda i, *_: i < n // batch_size, body, (0, w1, w2, w3))[1:]

    [w.numpy() for w in epoch(*weights)]  # compile

    def timed() -> tuple[float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        [w.numpy() for w in epoch(*weights)]
        return n / (time.perf_counter() - start), n / (time.process_time() - cpu)

    return timed


def roofline(data, rounds: int = 3) -> dict[str, float]:
    """Interleave the 2048² matmul, ``train`` on 50,000 images and the matmuls alone, ``rounds`` times, in
    this process; print the best of each (the least disturbed by other jobs) and their ratios, per second
    of wall time and per CPU second (which other jobs on the machine disturb far less)."""
    x, y = data.x_train, data.y_train
    best: dict[tuple[str, int], float] = {}

    def keep(name: str, values: tuple[float, float]) -> None:
        for i, value in enumerate(values):
            best[name, i] = max(best.get((name, i), 0.0), value)

    alone = {b: matmuls_alone(x, b) for b in (128, 32)}
    for b in (128, 32):
        train(build_mlp(seed=0), x, y, batch_size=b, epochs=1, seed=0)  # compile for 50,000 images
    for _ in range(rounds):
        keep("matmul", tuple(v * 1e9 / FLOP_PER_SAMPLE for v in matmul_gflops()))
        for b in (128, 32):
            cpu = time.process_time()
            result = train(build_mlp(seed=1), x, y, batch_size=b, epochs=1, seed=1)
            keep(f"train {b}", (len(x) / result.fit_seconds, len(x) / (time.process_time() - cpu)))
            keep(f"alone {b}", alone[b]())
    ratios = {}
    for i, unit in enumerate(("wall", "CPU")):
        peak = best["matmul", i]
        print(f"roofline per {unit} second: 2048² XLA matmul {peak * FLOP_PER_SAMPLE / 1e9:,.1f} GFLOP/s = {peak:,.0f} "
              f"samples/s at {FLOP_PER_SAMPLE / 1e6:.3f} MFLOP/sample (784-100-100-10, forward + backward)")
        print(f"{'batch':>5} {'train samples/s':>16} {'of roofline':>12} {'matmuls alone':>14} {'of roofline':>12} {'train/alone':>12}")
        for b in (128, 32):
            t, m = best[f"train {b}", i], best[f"alone {b}", i]
            ratios[f"{unit} {b}"] = t / peak
            print(f"{b:>5} {t:>16,.0f} {t / peak:>11.0%} {m:>14,.0f} {m / peak:>11.0%} {t / m:>11.0%}", flush=True)
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the fit/train table on fewer images")
    args = parser.parse_args()
    data = load_mnist()

    with open("/proc/loadavg") as f:
        print(f"load average: {' '.join(f.read().split()[:3])} on {os.cpu_count()} cores", flush=True)
    print(f"{'batch':>5} {'fit samples/s':>14} {'train samples/s':>16} {'ratio':>7} {'1-thread worker':>16} {'ratio':>7}")
    ratios = {}
    measured = {"fit_samples_per_second": {}, "train_samples_per_second": {}}
    with single_thread_worker() as worker:
        for batch_size, n in SAMPLES.items():
            n = n // 5 if args.quick else n
            x, y = data.x_train[:n], data.y_train[:n]
            fit = samples_per_second_fit(x, y, batch_size)
            ours = samples_per_second_train(x, y, batch_size)
            ratios[batch_size] = ours / fit
            measured["fit_samples_per_second"][str(batch_size)] = fit
            measured["train_samples_per_second"][str(batch_size)] = ours
            line = f"{batch_size:>5} {fit:>14,.0f} {ours:>16,.0f} {ratios[batch_size]:>6.1f}x"
            if batch_size <= 4:  # latency-bound: a single-threaded process (sweeps' workers) may be faster
                single = worker.submit(_worker_samples_per_second, n, batch_size).result()
                ratios[batch_size] = max(ratios[batch_size], single / fit)
                line += f" {single:>16,.0f} {single / fit:>6.1f}x"
            print(line, flush=True)
    roof = roofline(data, rounds=1 if args.quick else 3)

    if not args.quick:
        full = PROFILES["task1"]["full"]
        study = Study(full["batch_sizes"], full["hidden_layers"], full["learning_rates"], full["train_size"], full["epochs"])
        configs = [c for _, c in study.one_at_a_time()]
        start = time.perf_counter()
        for config in configs:  # one seed of the 19 points, in this process, no cache
            model = build_mlp(config.hidden_layers, learning_rate=config.learning_rate, seed=0)
            train(model, data.x_train, data.y_train, batch_size=config.batch_size, epochs=config.epochs, seed=0,
                  eval_sets={"val": (data.x_val, data.y_val)})
        print(f"one Task 1 seed ({len(configs)} configurations x {full['epochs']} epochs on 50,000 images): "
              f"{time.perf_counter() - start:.0f} s in one process", flush=True)

        start = time.perf_counter()
        train(build_mlp(seed=0), data.x_train[:1000], data.y_train[:1000], batch_size=32, epochs=500, seed=0,
              eval_sets={"train": (data.x_train[:1000], data.y_train[:1000]), "test": (data.x_test, data.y_test)})
        print(f"Task 3 overfitting run (1,000 images x 500 epochs, batch 32, train+test evaluated every epoch): "
              f"{time.perf_counter() - start:.0f} s", flush=True)

        sweep = [RunConfig(batch_size=b) for b in (1, 2, 4, 8, 16, 32, 64, 128)]  # Task 1's batch sweep
        timings = {}
        for name in ("one process", "process pool"):
            cache = tempfile.mkdtemp()
            start = time.perf_counter()
            if name == "one process":
                run_sweep(sweep, seeds=2, cache_dir=cache, executor=None, progress="off")
            else:
                with local_executor() as pool:
                    run_sweep(sweep, seeds=2, cache_dir=cache, executor=pool, progress="off")
            timings[name] = time.perf_counter() - start
            shutil.rmtree(cache)
        print(f"sweep of {2 * len(sweep)} runs (batch sizes 1-128 x 2 seeds): one process {timings['one process']:.0f} s, process pool of "
              f"{os.cpu_count()} workers {timings['process pool']:.0f} s "
              f"({timings['one process'] / timings['process pool']:.2f}x)", flush=True)

    print(f"smallest train/fit speed-up: {min(ratios.values()):.1f}x (batch size {min(ratios, key=ratios.get)}); "
          f"train at batch 128: {roof['wall 128']:.0%} of the matmul roofline per wall second, "
          f"{roof['CPU 128']:.0%} per CPU second; at batch 32: {roof['wall 32']:.0%} and {roof['CPU 32']:.0%}")
    # the figures the book's provenance page compares each chapter's own training speed with
    root = project_root()
    commit, dirty = git_state(root)
    path = write_json(root / ".cache" / BENCHMARK_FILE, {
        **measured, "quick": args.quick, "measured": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": commit, "dirty": dirty, "cpu": cpu_model(), "cores": os.cpu_count(),
    })
    print(f"results written to {path}")


if __name__ == "__main__":
    main()
