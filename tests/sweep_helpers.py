"""A slow fake runner for sweep tests (importable by child processes), and a script entry point."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def calls(log: Path) -> int:
    """How many runs :func:`slow_runner` has logged to ``log``."""
    return len(log.read_text().splitlines())


def slow_runner(config, seed):
    """Pretends to train for ``SWEEP_SLEEP`` seconds and logs each call to ``SWEEP_LOG``."""
    with open(os.environ["SWEEP_LOG"], "a") as fh:
        fh.write(json.dumps({"lr": config.learning_rate, "seed": seed}) + "\n")
    time.sleep(float(os.environ.get("SWEEP_SLEEP", "0.3")))
    return {
        "history": {"loss": [1.0 / (1 + seed)], "val_accuracy": [config.learning_rate + seed / 100]},
        "fit_seconds": 0.1,
        "params": 1,
        "updates": 1,
        "predictions": {},
        "confidences": {},
    }


def worker_state(config, seed):
    """A runner that trains nothing and reports what its pool worker set up: TensorFlow imported or not, and
    the thread counts it will start with."""
    return {
        "tensorflow": "tensorflow" in sys.modules,
        "threads": [os.environ.get("TF_NUM_INTRAOP_THREADS"), os.environ.get("TF_NUM_INTEROP_THREADS")],
    }


def configs():
    from mlp_report.sweeps import RunConfig

    return [RunConfig(learning_rate=lr) for lr in (0.01, 0.05, 0.1, 0.2)]


if __name__ == "__main__":  # python sweep_helpers.py CACHE_DIR
    sys.path.insert(0, str(Path(__file__).parent))
    from sweep_helpers import slow_runner as runner  # the importable copy, not __main__'s

    from mlp_report.sweeps import run_sweep

    frame = run_sweep(configs(), seeds=2, cache_dir=sys.argv[1], executor=None, progress="off", runner=runner)
    print(len(frame))
