"""MNIST loading: the real files, and every bad-input path on small synthetic IDX files."""

from __future__ import annotations

import gzip
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from mlp_report import data
from mlp_report.data import FILES, MnistDataError, load_mnist, read_idx, read_mnist_dir


def write_idx(path: Path, magic: int, shape: tuple[int, ...], values: np.ndarray | None = None, *, extra: bytes = b"") -> Path:
    values = np.zeros(shape, np.uint8) if values is None else values
    header = struct.pack(">I", magic) + struct.pack(f">{len(shape)}I", *shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + values.astype(np.uint8).tobytes() + extra)
    return path


def test_read_idx_parses_header_and_values(tmp_path):
    values = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = write_idx(tmp_path / "x.gz", 0x803, (2, 3, 4), values)
    np.testing.assert_array_equal(read_idx(path, 0x803, (2, 3, 4)), values)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"magic": 0x801}, "magic 0x00000801"),
        ({"shape": (2, 3, 5)}, "dims (2, 3, 5)"),
        ({"extra": b"\x00" * 7}, "holds 31 values"),
    ],
)
def test_read_idx_rejects_wrong_header_or_size(tmp_path, kwargs, message):
    magic, shape = kwargs.get("magic", 0x803), kwargs.get("shape", (2, 3, 4))
    values = np.zeros((2, 3, 4), np.uint8)
    path = tmp_path / "x.gz"
    header = struct.pack(">I", magic) + struct.pack(">3I", *shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + values.tobytes() + kwargs.get("extra", b""))
    with pytest.raises(MnistDataError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        read_idx(path, 0x803, (2, 3, 4))
    assert str(path) in str(err.value) and "MNIST_DIR" in str(err.value)


def test_read_idx_truncated_gzip(tmp_path):
    path = write_idx(tmp_path / "x.gz", 0x803, (20, 28, 28), np.random.default_rng(0).integers(0, 255, (20, 28, 28)))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(MnistDataError, match="not a readable gzip file"):
        read_idx(path, 0x803, (20, 28, 28))


def test_read_idx_shorter_than_header(tmp_path):
    path = tmp_path / "x.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b"\x00\x00")
    with pytest.raises(MnistDataError, match="truncated"):
        read_idx(path, 0x803, (2, 3, 4))


def test_missing_directory_names_where_it_looked(tmp_path):
    with pytest.raises(MnistDataError, match="does not exist") as err:
        read_mnist_dir(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(err.value)
    assert "export MNIST_DIR=" in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(MnistDataError, match="train-images-idx3-ubyte.gz is missing"):
        read_mnist_dir(tmp_path)


def test_wrong_checksum_is_reported_before_parsing(tmp_path):
    for filename, _sha, magic, shape in FILES.values():
        small = (3, *shape[1:])
        write_idx(tmp_path / filename, magic, small)
    with pytest.raises(MnistDataError, match="has sha256 .* expected 440fcabf"):
        read_mnist_dir(tmp_path)
    # with verification off the header check still catches files that are not MNIST
    with pytest.raises(MnistDataError, match="expected 0x00000803 dims \\(60000, 28, 28\\)"):
        read_mnist_dir(tmp_path, verify=False)


def test_truncated_copy_of_the_real_file(tmp_path, mnist_dir):
    for filename, *_ in FILES.values():
        shutil.copy(mnist_dir / filename, tmp_path / filename)
    victim = tmp_path / FILES["train_labels"][0]
    victim.write_bytes(victim.read_bytes()[:1000])
    with pytest.raises(MnistDataError, match="train-labels-idx1-ubyte.gz has sha256"):
        read_mnist_dir(tmp_path)


def test_load_mnist_splits(mnist_dir, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(mnist_dir))
    d = load_mnist()
    assert d.x_train.shape == (50_000, 28, 28) and d.x_val.shape == (10_000, 28, 28)
    assert d.x_test.shape == (10_000, 28, 28)
    assert d.x_train.dtype == np.float32 and d.x_train.min() >= 0.0 and d.x_train.max() <= 1.0
    assert d.y_train[:5].tolist() == [5, 0, 4, 1, 9]  # the well-known first MNIST labels
    assert set(np.unique(d.y_val)) == set(range(10))
    assert load_mnist() is d  # parsed once per process
    x, y = d.split("val")
    assert x is d.x_val and y is d.y_val
    with pytest.raises(ValueError, match="split='dev' is invalid"):
        d.split("dev")


def test_bad_mnist_dir_env_reaches_the_user(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "missing"))
    data._cache.pop(str(tmp_path / "missing"), None)
    with pytest.raises(MnistDataError, match="does not exist"):
        load_mnist()


def test_download_fallback_when_no_dir(monkeypatch):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    calls = []

    def fake_download():
        calls.append(1)
        rng = np.random.default_rng(0)
        return {
            "train_images": rng.integers(0, 256, (60_000, 28, 28), dtype=np.uint8),
            "train_labels": rng.integers(0, 10, 60_000, dtype=np.uint8),
            "test_images": rng.integers(0, 256, (10_000, 28, 28), dtype=np.uint8),
            "test_labels": rng.integers(0, 10, 10_000, dtype=np.uint8),
        }

    monkeypatch.setattr(data, "_download_with_keras", fake_download)
    monkeypatch.setattr(data, "_cache", {})
    d = load_mnist()
    assert d.source == "keras-download" and calls == [1] and d.x_val.shape == (10_000, 28, 28)


def test_mnist_dir_naming_a_file_says_so(tmp_path, monkeypatch):
    target = tmp_path / "train-images-idx3-ubyte.gz"
    target.write_bytes(b"not a folder")
    with pytest.raises(MnistDataError, match=r"MNIST_DIR='.*train-images-idx3-ubyte.gz' names a file \(.*\), not a folder"):
        read_mnist_dir(target)
    monkeypatch.setenv("MNIST_DIR", str(target))
    with pytest.raises(MnistDataError, match="names a file"):
        load_mnist()


def test_failed_download_is_one_short_message_with_its_cause(monkeypatch):
    import socket
    import traceback
    import urllib.error

    import keras

    def offline():
        try:
            try:
                raise socket.gaierror(-3, "Temporary failure in name resolution")
            except OSError as exc:
                raise urllib.error.URLError(exc) from exc
        except urllib.error.URLError as exc:
            raise Exception(f"URL fetch failure on https://storage.googleapis.com/mnist.npz: None -- {exc}") from exc

    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setattr(data, "_cache", {})
    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(MnistDataError) as err:
        load_mnist()
    message = str(err.value)
    assert "which failed: gaierror: [Errno -3] Temporary failure in name resolution." in message
    assert "retry with a network" in message and "\n" not in message
    assert err.value.__suppress_context__ and err.value.__cause__ is None  # no chained tracebacks
    lines = traceback.format_exception(err.value)
    assert not any("During handling" in line or "direct cause" in line for line in lines)


def test_a_folder_where_a_file_should_be(tmp_path):
    (tmp_path / FILES["train_images"][0]).mkdir()
    with pytest.raises(MnistDataError, match="train-images-idx3-ubyte.gz is not a regular file"):
        read_mnist_dir(tmp_path)
