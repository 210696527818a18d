"""Seeded sweeps over MNIST runs with a resumable, atomic on-disk results cache.

Every (config, seed) pair is one run. Its result is stored as one JSON file whose name is a hash of the
config, the seed, the data checksum and the engine version, written to a temporary file and renamed,
so a killed sweep loses no finished run and never leaves a half-written result behind. A file whose
embedded checksum does not match, or that lacks part of a run's record, is treated as missing and
recomputed. The cache folder is checked for writing before anything trains.
"""

from __future__ import annotations

import ast
import atexit
import concurrent.futures as cf
import dataclasses
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import runlog
from .data import TRAIN_SIZE, load_mnist
from .paths import atomic_write_text, require_writable
from .paths import cache_dir as default_cache_dir
from .validation import (
    CacheError,  # noqa: F401  (raised by ResultCache.check_writable; imported from here by callers)
    ConfigError,
    DivergedWarning,
    require_choice,
    require_float,
    require_int,
    require_known_keys,
)

SPLITS = ("train", "val", "test")
VAL_TEST_SIZE = 10_000  # images in the validation split and in the test set


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """One MNIST training run. Defaults are the assignment's (Task 0 / Task 1 defaults)."""

    batch_size: int = 32
    hidden_layers: int = 2
    learning_rate: float = 0.01
    epochs: int = 3
    train_size: int = TRAIN_SIZE  # the first ``train_size`` of the 50,000 training images
    units: int = 100
    l2: float = 0.0
    dropout: float = 0.0
    class_weight: tuple[tuple[int, float], ...] = ()  # ((class, weight), ...)
    eval_sets: tuple[str, ...] = ("val",)  # evaluated after every epoch
    eval_size: int | None = None  # evaluate on the first ``eval_size`` images of each eval set
    predict: tuple[str, ...] = ()  # eval sets whose final predictions are kept
    eval_schedule: str = "every"  # "every" epoch, "dense" then log-spaced, "log"-spaced epochs or "final" only

    def __post_init__(self) -> None:
        require_int("batch_size", self.batch_size, minimum=1)
        require_int("hidden_layers", self.hidden_layers, minimum=0, maximum=64)
        require_float("learning_rate", self.learning_rate, positive=True)
        require_int("epochs", self.epochs, minimum=1)
        require_int("train_size", self.train_size, minimum=1, maximum=TRAIN_SIZE)
        require_int("units", self.units, minimum=1)
        require_float("l2", self.l2, minimum=0.0)
        require_float("dropout", self.dropout, minimum=0.0, below=1.0)
        for cls, weight in self.class_weight:
            require_int("class_weight class", cls, minimum=0, maximum=9)
            require_float(f"class_weight[{cls}]", weight, positive=True)
        for name in (*self.eval_sets, *self.predict):
            require_choice("eval_sets", name, SPLITS)
        for name in self.predict:
            if name not in self.eval_sets:
                raise ConfigError(f"predict={name!r} is invalid: it must also be in eval_sets {self.eval_sets}.")
        if self.eval_size is not None:
            require_int("eval_size", self.eval_size, minimum=1)
            largest = max(((self.train_size if n == "train" else VAL_TEST_SIZE) for n in self.eval_sets), default=0)
            if self.eval_size >= largest:  # every image of every eval set: the same run as None, one cache key
                object.__setattr__(self, "eval_size", None)
        require_choice("eval_schedule", self.eval_schedule, ("every", "dense", "log", "final"))

    @classmethod
    def make(cls, **fields: Any) -> RunConfig:
        """Build a config from keyword fields, rejecting unknown keys with a clear error."""
        require_known_keys("config", fields, [f.name for f in dataclasses.fields(cls)])
        for key in ("class_weight",):
            if isinstance(fields.get(key), Mapping):
                fields[key] = tuple(sorted((int(k), float(v)) for k, v in fields[key].items()))
        for key in ("eval_sets", "predict"):
            if key in fields and isinstance(fields[key], str):
                fields[key] = (fields[key],)
            if key in fields:
                fields[key] = tuple(fields[key])
        return cls(**fields)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def updates_per_epoch(self) -> int:
        return -(-self.train_size // self.batch_size)


def _quote(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def cache_key(config: RunConfig, seed: int, data_checksum: str) -> str:
    """Hash of config + seed + data checksum + engine version."""
    from . import engine  # not .training: a key needs no TensorFlow

    blob = _canonical({"config": config.as_dict(), "seed": seed, "data": data_checksum, "engine": engine.ENGINE_VERSION})
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


RECORD_KEYS = ("history", "fit_seconds", "params", "updates", "predictions", "confidences")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers(where: str, values: Any, *, integers: bool = False) -> int:
    """The length of ``values`` if it is a list of numbers (integers), else a ValueError naming ``where``."""
    kind = "integers" if integers else "numbers"
    if not isinstance(values, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) if integers else _is_number(v) for v in values
    ):
        raise ValueError(f"{where} is not a list of {kind}: {_quote(values, 80)}")
    return len(values)


def check_record(record: Mapping[str, Any]) -> None:
    """Check a run record's types and shapes (what :func:`run_one` returns); a ValueError says what is wrong."""
    history = record["history"]
    lengths = {key: _numbers(f"history[{key!r}]", values, integers=key == "eval_epochs") for key, values in history.items()}
    for key, length in lengths.items():
        expected = lengths["loss"] if key in ("loss", "accuracy") or "eval_epochs" not in lengths else lengths["eval_epochs"]
        if key != "eval_epochs" and length != expected:
            raise ValueError(f"history[{key!r}] has {length} values, expected {expected}")
    for key in ("fit_seconds", "params", "updates"):
        if not _is_number(record[key]) or (key != "fit_seconds" and not isinstance(record[key], int)):
            raise ValueError(f"{key} is not a number: {_quote(record[key], 80)}")
    for key in ("predictions", "confidences"):
        if not isinstance(record[key], dict):
            raise ValueError(f"{key} is not a mapping: {_quote(record[key], 80)}")
        for name, values in record[key].items():
            _numbers(f"{key}[{name!r}]", values, integers=key == "predictions")


class ResultCache:
    """One JSON file per run under ``root``; writes are atomic, reads verify an embedded checksum."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def check_writable(self) -> None:
        """Fail now, before anything trains, if runs could not be stored under ``root``."""
        require_writable(self.root, "results cache folder", "MLP_REPORT_CACHE")

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def load(self, key: str) -> dict | None:
        path = self.path(key)
        try:
            doc = json.loads(path.read_text())
            payload = doc["payload"]
            if doc["key"] != key or doc["sha256"] != hashlib.sha256(_canonical(payload).encode()).hexdigest():
                raise ValueError("checksum mismatch")
            missing = [k for k in RECORD_KEYS if k not in payload]
            if missing or not isinstance(payload["history"], dict) or not payload["history"].get("loss"):
                raise ValueError(f"incomplete record, missing {', '.join(missing) or 'the loss history'}")
            check_record(payload)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (ValueError, KeyError, TypeError, OSError) as exc:
            warnings.warn(f"ignoring corrupt cache entry {path} ({exc}); the run is recomputed", stacklevel=2)
            return None
        return payload

    def store(self, key: str, payload: dict) -> Path:
        doc = {"key": key, "sha256": hashlib.sha256(_canonical(payload).encode()).hexdigest(), "payload": payload}
        return atomic_write_text(self.path(key), _canonical(doc))


def run_one(config: RunConfig, seed: int) -> dict:
    """Train one config with one seed on MNIST and return a JSON-ready record."""
    from .models import build_mlp
    from .training import train

    data = load_mnist()
    x, y = data.x_train[: config.train_size], data.y_train[: config.train_size]
    eval_sets = {}
    for name in config.eval_sets:
        ex, ey = (x, y) if name == "train" else data.split(name)
        if config.eval_size is not None:
            ex, ey = ex[: config.eval_size], ey[: config.eval_size]
        eval_sets[name] = (ex, ey)
    model = build_mlp(
        config.hidden_layers, config.units, config.learning_rate, l2=config.l2, dropout=config.dropout, seed=seed
    )
    with warnings.catch_warnings():  # run_sweep reports diverged runs once, for the whole sweep
        warnings.simplefilter("ignore", DivergedWarning)
        result = train(
            model,
            x,
            y,
            batch_size=config.batch_size,
            epochs=config.epochs,
            seed=seed,
            eval_sets=eval_sets,
            class_weight=dict(config.class_weight) or None,
            predict=config.predict,
            eval_schedule=config.eval_schedule,
            keep_model=False,
        )
    return {
        "history": result.history,
        "fit_seconds": result.fit_seconds,
        "params": result.params,
        "updates": result.updates,
        "predictions": {k: v.tolist() for k, v in result.predictions.items()},
        "confidences": {k: np.round(v, 5).tolist() for k, v in result.confidences.items()},
    }


PARENT_POLL_SECONDS = 0.5


def _die_with_parent(parent: int) -> None:
    """End this worker as soon as its parent is gone, also when the parent was killed with SIGKILL and
    could not shut the pool down: a daemon thread polls the parent pid, which changes when the worker is
    reparented. (Linux's PR_SET_PDEATHSIG is not used: it fires when the parent *thread* that started
    the worker ends, which would kill a shared pool started from a short-lived thread.)"""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _worker_init(threads: int, parent: int | None = None) -> None:
    """A pool worker's set-up: end with the parent, ignore Ctrl-C, and give TensorFlow ``threads`` threads.

    TensorFlow is not imported here: its thread pools read ``TF_NUM_INTRAOP_THREADS`` and
    ``TF_NUM_INTEROP_THREADS`` when the first run imports it, so a worker whose runs never need it (a cached
    or a custom runner) starts in a fraction of a second instead of paying TensorFlow's import."""
    if parent is not None:
        _die_with_parent(parent)
    # Ctrl-C or a kernel shutdown interrupts the parent, which stops the pool; workers stay quiet.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if "tensorflow" in sys.modules:  # imported while the worker started (its parent's __main__): set it there
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    os.environ["TF_NUM_INTRAOP_THREADS"] = os.environ["TF_NUM_INTEROP_THREADS"] = str(threads)


_shared_pool: cf.ProcessPoolExecutor | None = None


SMALL_BATCH = 8  # at or below, a run is latency-bound: one process keeps only one core busy


def auto_workers(missing: Sequence[RunConfig] = ()) -> int:
    """Worker processes for ``executor="auto"`` and the ``missing`` runs (1 means in this process).

    ``MLP_REPORT_WORKERS`` overrides. Machines with 4 or more cores get one worker per two cores. On
    smaller machines a pool pays off only for runs with small batches (measured on 2 cores, README,
    Performance: 1.9x for batch-2 runs, but 0.8x at batch 32, where one process already spreads each
    step over both cores and reuses its compiled functions across runs), so it is used when at least
    4 missing runs have a batch size of at most ``SMALL_BATCH``.
    """
    value = os.environ.get("MLP_REPORT_WORKERS", "").strip()
    if value:
        return require_int("MLP_REPORT_WORKERS", int(value) if value.isdigit() else value, minimum=1)
    cores = os.cpu_count() or 1
    if cores >= 4:
        return cores // 2
    small = sum(1 for config in missing if config.batch_size <= SMALL_BATCH)
    return cores if cores > 1 and small >= 4 else 1


def shared_executor(workers: int) -> cf.ProcessPoolExecutor:
    """One local process pool per session, reused by every sweep so its workers keep their compiled
    functions and data between sweeps; it shuts down when the interpreter exits."""
    global _shared_pool
    stale = _shared_pool is None or _shared_pool._max_workers != workers
    if stale or getattr(_shared_pool, "_broken", False) or getattr(_shared_pool, "_shutdown_thread", False):
        if _shared_pool is not None:
            _shared_pool.shutdown(cancel_futures=True)
        _shared_pool = local_executor(workers)
        atexit.register(_shared_pool.shutdown, cancel_futures=True)
    return _shared_pool


def unguarded_main_line() -> int | None:
    """The line of the ``__main__`` script that is running module-level code outside an
    ``if __name__ == "__main__":`` block right now, or ``None`` when spawning workers is safe.

    Spawned workers re-import the main script; a script that starts a pool at its top level without
    that guard would start it again in every worker (multiprocessing fails with RuntimeErrors and a
    broken pool). Interactive sessions, notebooks, ``python -c`` and guarded scripts are safe.
    """
    main = sys.modules.get("__main__")
    filename = getattr(main, "__file__", None)
    if not filename or not os.path.isfile(filename):
        return None
    path = os.path.realpath(filename)
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "<module>" and frame.f_globals is vars(main) and os.path.realpath(code.co_filename) == path:
            break
        frame = frame.f_back
    if frame is None:
        return None
    line = frame.f_lineno
    try:
        tree = ast.parse(Path(path).read_text())
    except (OSError, SyntaxError, ValueError):
        return line
    for node in tree.body:
        if isinstance(node, ast.If) and _is_main_guard(node.test) and node.lineno <= line <= (node.end_lineno or line):
            return None
    return line


def _is_main_guard(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(consts) == 1


def _unguarded_message(line: int) -> str:
    script = getattr(sys.modules.get("__main__"), "__file__", "the script")
    return (
        f"{script} starts a sweep at line {line} outside an `if __name__ == \"__main__\":` block, so worker "
        "processes, which re-import the script, cannot be started safely"
    )


def local_executor(workers: int | None = None) -> cf.ProcessPoolExecutor:
    """A process pool (spawned, so TensorFlow starts clean) splitting the machine's cores between workers.

    Its workers end within a second when this process dies, also when it is killed with SIGKILL.
    """
    line = unguarded_main_line()
    if line is not None:
        raise ConfigError(
            _unguarded_message(line) + ": move the script's top-level code under that guard, or pass executor=None."
        )
    cores = os.cpu_count() or 1
    workers = require_int("workers", workers if workers is not None else cores, minimum=1)
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(max(1, cores // workers), os.getpid()),
    )


class _Progress:
    """Runs done/total and the current config: tqdm in a terminal or live JupyterLab, silent in batch builds."""

    def __init__(self, total: int, mode: str):
        self.bar = None
        if total == 0 or mode == "off":
            return
        if mode == "auto":
            mode = _progress_mode()
        if mode == "notebook":
            from tqdm.notebook import tqdm
        elif mode == "terminal":
            from tqdm import tqdm
        else:
            return
        self.bar = tqdm(total=total, desc="runs", unit="run", leave=mode == "terminal")

    def update(self, label: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(label, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _progress_mode() -> str:
    # Book builds execute notebooks headless (papermill): widgets would be saved into the page as debris.
    if os.environ.get("MLP_REPORT_BATCH"):
        return "off"
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell":
            return "notebook"
    except ImportError:
        pass
    return "terminal" if sys.stderr.isatty() else "off"


def _label(config: RunConfig, seed: int) -> str:
    defaults = RunConfig()
    diff = {k: v for k, v in config.as_dict().items() if getattr(defaults, k) != v and k not in ("eval_sets", "predict")}
    return " ".join(f"{k}={v}" for k, v in diff.items()) + f" seed={seed}"


def run_sweep(
    configs: Iterable[RunConfig | Mapping[str, Any]],
    seeds: Sequence[int] | int,
    *,
    cache_dir: str | os.PathLike | None = None,
    executor: cf.Executor | str | None = "auto",
    progress: str = "auto",
    runner: Callable[[RunConfig, int], dict] = run_one,
) -> pd.DataFrame:
    """Run every (config, seed) pair that is not cached yet and return one tidy row per run.

    ``seeds`` is a list of seeds or a count (``5`` means seeds 0..4). ``executor`` is any
    ``concurrent.futures.Executor`` (e.g. ``dask.distributed.Client(...).get_executor()``), ``None``
    to run in this process, or ``"auto"``: a local process pool of :func:`auto_workers` workers, shared
    by all sweeps of the session, when that is more than one and two or more runs are missing; else
    in this process (see README, Performance, for the measurement behind the choice).
    Columns: every config field, ``seed``, ``final_<metric>`` for each history entry, ``history``,
    ``fit_seconds``, ``params``, ``updates``, ``predictions``, ``confidences`` and ``diverged`` (the
    training loss became non-finite: such runs are flagged, with a :class:`DivergedWarning`).
    """
    configs = [c if isinstance(c, RunConfig) else RunConfig.make(**dict(c)) for c in configs]
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        seeds = list(range(require_int("seeds", seeds, minimum=1)))
    seeds = [require_int("seed", s, minimum=0) for s in seeds]
    repeated = sorted({s for s in seeds if seeds.count(s) > 1})
    if repeated:
        raise ConfigError(
            f"seeds={_quote(seeds)} is invalid: seed {', '.join(map(str, repeated))} is repeated, and a repeated "
            "seed repeats the same run (its mean and spread would count it twice): give distinct seeds."
        )
    if not seeds:
        raise ConfigError("seeds=[] is invalid: expected at least one seed (a list of seeds or a count >= 1).")
    if not configs:
        raise ConfigError("configs=[] is invalid: expected at least one run configuration.")
    require_choice("progress", progress, ("auto", "terminal", "notebook", "off"))

    cache = ResultCache(cache_dir if cache_dir is not None else default_cache_dir())
    checksum = load_mnist().checksum
    pairs = list(dict.fromkeys((c, s) for c in configs for s in seeds))
    results: dict[tuple[RunConfig, int], dict] = {}
    missing = []
    for pair in pairs:
        cached = cache.load(cache_key(pair[0], pair[1], checksum))
        if cached is None:
            missing.append(pair)
        else:
            results[pair] = cached
    runlog.cache_lookup("sweep", len(pairs) - len(missing), len(missing))

    if isinstance(executor, str) and executor != "auto":
        raise ConfigError(f"executor={executor!r} is invalid: expected 'auto', None or a concurrent.futures.Executor.")
    if missing:
        cache.check_writable()
    if executor == "auto":
        workers = auto_workers([config for config, _ in missing])
        executor = None
        if len(missing) >= 2 and workers > 1:
            line = unguarded_main_line()
            if line is None:
                executor = shared_executor(workers)
            else:
                warnings.warn(_unguarded_message(line) + "; training in this process instead.", stacklevel=2)

    unstored: list[str] = []

    def keep(config: RunConfig, seed: int, record: dict) -> None:
        results[(config, seed)] = record
        try:
            cache.store(cache_key(config, seed, checksum), record)
        except OSError as exc:  # e.g. the disk filled up mid-sweep: keep the result, say it was not cached
            if not unstored:
                warnings.warn(f"could not store runs in the results cache {cache.root} ({exc}); "
                              "they are kept in memory for this sweep only", stacklevel=3)
            unstored.append(_label(config, seed))

    bar = _Progress(len(missing), progress)
    try:
        if executor is None:
            for config, seed in missing:
                keep(config, seed, runner(config, seed))
                bar.update(_label(config, seed))
        else:
            futures = {executor.submit(runner, c, s): (c, s) for c, s in missing}
            for future in cf.as_completed(futures):
                config, seed = futures[future]
                keep(config, seed, future.result())
                bar.update(_label(config, seed))
    finally:
        bar.close()

    rows, bad = [], []
    for config, seed in pairs:
        rec = results[(config, seed)]
        row = {**config.as_dict(), "seed": seed}
        row.update({f"final_{k}": v[-1] for k, v in rec["history"].items() if k != "eval_epochs"})
        row.update(rec)
        row["diverged"] = diverged(rec["history"])
        if row["diverged"]:
            bad.append(_label(config, seed).strip())
        rows.append(row)
    if bad:
        warnings.warn(
            f"{len(bad)} of {len(rows)} runs diverged (training loss non-finite or above ln 10), e.g. {'; '.join(bad[:3])}: "
            "their metrics are not meaningful (see the column 'diverged')",
            DivergedWarning,
            stacklevel=2,
        )
    return pd.DataFrame(rows)


def diverged(history: Mapping[str, Sequence[float]]) -> bool:
    """Whether a run diverged by :data:`mlp_report.learning.RULE` (non-finite training loss, or a final
    one above the untrained network's)."""
    from .learning import diverged as by_rule

    return by_rule(history.get("loss", ()))
