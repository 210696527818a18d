"""MNIST from the four original IDX files, checksummed, with the assignment's splits.

The directory comes from the ``MNIST_DIR`` environment variable (on the build machines
``../shared/datasets/mnist``). Where it is not set, the data set is downloaded with Keras.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import timing
from .validation import ShortError

ENV_VAR = "MNIST_DIR"
TRAIN_SIZE = 50_000  # first 50,000 training images train; the last 10,000 validate
N_CLASSES = 10

# name -> (file, sha256 of the .gz, IDX magic, shape)
FILES: dict[str, tuple[str, str, int, tuple[int, ...]]] = {
    "train_images": (
        "train-images-idx3-ubyte.gz",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        0x00000803,
        (60_000, 28, 28),
    ),
    "train_labels": (
        "train-labels-idx1-ubyte.gz",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        0x00000801,
        (60_000,),
    ),
    "test_images": (
        "t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        0x00000803,
        (10_000, 28, 28),
    ),
    "test_labels": (
        "t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        0x00000801,
        (10_000,),
    ),
}

_HOW_TO_FIX = (
    f"Set {ENV_VAR} to a folder holding the four original MNIST files "
    f"({', '.join(f[0] for f in FILES.values())}), e.g. "
    f"`export {ENV_VAR}=../shared/datasets/mnist`, or unset it to download MNIST with Keras."
)


class MnistDataError(ShortError, RuntimeError):
    """MNIST could not be read: says where it looked, what was wrong and how to fix it."""


@dataclass(frozen=True)
class Mnist:
    """The assignment's splits: float32 images in [0, 1] of shape (n, 28, 28) and int64 labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    checksum: str  # identifies the exact bytes; part of every results-cache key

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(x, y)`` of ``"train"``, ``"val"`` or ``"test"``."""
        if name not in ("train", "val", "test"):
            raise ValueError(f"split={name!r} is invalid: expected one of 'train', 'val', 'test'.")
        return getattr(self, f"x_{name}"), getattr(self, f"y_{name}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_idx(path: Path, magic: int, shape: tuple[int, ...]) -> np.ndarray:
    """Parse one gzip-compressed IDX file and check its header against ``magic`` and ``shape``."""
    try:
        with gzip.open(path, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError) as exc:
        raise MnistDataError(f"{path} is not a readable gzip file ({exc}). {_HOW_TO_FIX}") from None
    header_len = 4 + 4 * len(shape)
    if len(raw) < header_len:
        raise MnistDataError(f"{path} is truncated: {len(raw)} bytes, shorter than its IDX header. {_HOW_TO_FIX}")
    got_magic = struct.unpack(">I", raw[:4])[0]
    dims = struct.unpack(f">{len(shape)}I", raw[4:header_len])
    if got_magic != magic or tuple(dims) != shape:
        raise MnistDataError(
            f"{path} has IDX header magic 0x{got_magic:08x} dims {tuple(dims)}, expected 0x{magic:08x} "
            f"dims {shape}. {_HOW_TO_FIX}"
        )
    body = np.frombuffer(raw, dtype=np.uint8, offset=header_len)
    if body.size != int(np.prod(shape)):
        raise MnistDataError(
            f"{path} holds {body.size} values after its header, expected {int(np.prod(shape))}: "
            f"the file is truncated or padded. {_HOW_TO_FIX}"
        )
    return body.reshape(shape)


def read_mnist_dir(directory: str | os.PathLike, *, verify: bool = True) -> dict[str, np.ndarray]:
    """Read the four IDX files from ``directory``, verifying each sha256 when ``verify``."""
    folder = Path(directory).expanduser()
    if folder.exists() and not folder.is_dir():
        raise MnistDataError(
            f"{ENV_VAR}={os.fspath(directory)!r} names a file ({folder.resolve()}), not a folder. {_HOW_TO_FIX}"
        )
    if not folder.is_dir():
        raise MnistDataError(
            f"MNIST folder {folder.resolve()} (from {ENV_VAR}={os.fspath(directory)!r}) does not exist. {_HOW_TO_FIX}"
        )
    arrays = {}
    for name, (filename, sha, magic, shape) in FILES.items():
        path = folder / filename
        if not path.is_file():
            what = "is not a regular file" if path.exists() else "is missing"
            raise MnistDataError(f"MNIST file {path.resolve()} {what}. {_HOW_TO_FIX}")
        if verify:
            try:
                got = sha256_of(path)
            except OSError as exc:
                raise MnistDataError(f"MNIST file {path.resolve()} cannot be read ({exc}). {_HOW_TO_FIX}") from None
            if got != sha:
                raise MnistDataError(
                    f"MNIST file {path.resolve()} has sha256 {got}, expected {sha}: it is truncated, "
                    f"corrupt or not the original file. {_HOW_TO_FIX}"
                )
        arrays[name] = read_idx(path, magic, shape)
    return arrays


def _root_cause(exc: BaseException) -> str:
    """The innermost exception of a chain (e.g. urllib's "Name or service not known"), on one line."""
    seen = [exc]
    while (exc.__cause__ or exc.__context__) is not None and len(seen) < 20:
        exc = exc.__cause__ or exc.__context__
        seen.append(exc)
    reason = getattr(exc, "reason", None)  # urllib.error.URLError wraps the socket error here
    text = str(reason if isinstance(reason, BaseException) else exc) or type(exc).__name__
    return f"{type(exc).__name__}: {' '.join(text.split())}"


def _download_with_keras() -> dict[str, np.ndarray]:
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # no network, proxy, a truncated download...: one message, no chained tracebacks
        raise MnistDataError(
            f"{ENV_VAR} is not set, so MNIST was to be downloaded with keras.datasets.mnist.load_data(), "
            f"which failed: {_root_cause(exc)}. {_HOW_TO_FIX.split(', or unset it')[0]}, or retry with a network."
        ) from None
    return {"train_images": x_train, "train_labels": y_train, "test_images": x_test, "test_labels": y_test}


_cache: dict[str, Mnist] = {}
_lock = threading.Lock()


def mnist_source() -> str:
    """The folder named by ``MNIST_DIR`` (a relative one from the current folder), or ``"keras-download"``
    when it is unset or empty; set but blank (only spaces) is an error, not a request to download."""
    value = os.environ.get(ENV_VAR, "")
    if not value:
        return "keras-download"
    if not value.strip():
        raise MnistDataError(
            f"{ENV_VAR}={value!r} is set but blank: set it to the folder holding the four MNIST IDX files "
            f"(e.g. {ENV_VAR}=/work/shared/datasets/mnist), or unset it to download MNIST with Keras."
        )
    return value


def load_mnist() -> Mnist:
    """Load MNIST once per process (cached in memory) and split it as the assignment asks."""
    source = mnist_source()
    with _lock, timing.section("data"):
        if source not in _cache:
            if source == "keras-download":
                raw = _download_with_keras()
                checksum = hashlib.sha256(b"".join(raw[k].tobytes() for k in FILES)).hexdigest()
            else:
                raw = read_mnist_dir(source)
                checksum = hashlib.sha256("".join(f[1] for f in FILES.values()).encode()).hexdigest()
            images = {k: (raw[k].astype(np.float32) / 255.0) for k in ("train_images", "test_images")}
            labels = {k: raw[k].astype(np.int64) for k in ("train_labels", "test_labels")}
            _cache[source] = Mnist(
                x_train=images["train_images"][:TRAIN_SIZE],
                y_train=labels["train_labels"][:TRAIN_SIZE],
                x_val=images["train_images"][TRAIN_SIZE:],
                y_val=labels["train_labels"][TRAIN_SIZE:],
                x_test=images["test_images"],
                y_test=labels["test_labels"],
                source=source,
                checksum=checksum[:16],
            )
    timing.flush()
    return _cache[source]
