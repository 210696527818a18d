"""Training speed: Keras ``model.fit`` against the compiled loop ``mlp_report.training.train``.

Both train the default MLP (2 x 100 ReLU, SGD 0.01) on MNIST in this process, side by side, at batch
sizes 1, 4, 32 and 128. Each is warmed up first (tracing and XLA compilation excluded), then timed
on the same images (fit: one epoch; train: two epochs with the compilation cached). Also times one full Task 1 seed, the Task 3 overfitting run, and a
sweep run in one process against a local process pool. Ratios are the result; absolute numbers depend
on the machine.

    MNIST_DIR=../shared/datasets/mnist python benchmarks/training_speed.py [--quick]
"""

from __future__ import annotations

import argparse
import datetime
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
from mlp_report.sweeps import RunConfig, local_executor, run_sweep  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the fit/train table on fewer images")
    args = parser.parse_args()
    data = load_mnist()

    print(f"{'batch':>5} {'fit samples/s':>14} {'train samples/s':>16} {'ratio':>7}")
    ratios = {}
    measured = {"fit_samples_per_second": {}, "train_samples_per_second": {}}
    for batch_size, n in SAMPLES.items():
        n = n // 5 if args.quick else n
        x, y = data.x_train[:n], data.y_train[:n]
        fit = samples_per_second_fit(x, y, batch_size)
        ours = samples_per_second_train(x, y, batch_size)
        ratios[batch_size] = ours / fit
        measured["fit_samples_per_second"][str(batch_size)] = fit
        measured["train_samples_per_second"][str(batch_size)] = ours
        print(f"{batch_size:>5} {fit:>14,.0f} {ours:>16,.0f} {ratios[batch_size]:>6.1f}x", flush=True)

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

    print(f"smallest train/fit speed-up: {min(ratios.values()):.1f}x (batch size {min(ratios, key=ratios.get)})")
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
