"""The playground's data sets (line-by-line copies of ``dataset.ts``), its shuffle and split, the input
features and the heatmap grid."""


from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..validation import ConfigError, invalid, require_choice, require_float, require_int
from .constants import (
    DATASETS,
    DENSITY,
    DOMAIN,
    FEATURES,
    MAX_NOISE,
    NUM_SAMPLES_CLASSIFY,
    NUM_SAMPLES_REGRESS,
    REGRESSION,
)
from .jsmath import Mulberry32, Seed, _rng, fdlibm_cos, fdlibm_sin, normal_random, rand_uniform


def _dist(x: float, y: float, cx: float, cy: float) -> float:
    """The playground's ``dist``: ``sqrt(dx * dx + dy * dy)`` with ``dx = x - cx``, ``dy = y - cy``."""
    dx = x - cx
    dy = y - cy
    return math.sqrt(dx * dx + dy * dy)


def _linear(
    domain0: float, domain1: float, range0: float, range1: float, value: float, clamp: bool = False
) -> float:
    """d3 v3's ``scale.linear()`` with a two-value domain: ``t = (v - d0) / (d1 - d0)`` (clamped to
    [0, 1] if asked), then ``r0 * (1 - t) + r1 * t`` (d3_uninterpolateNumber + d3_interpolateNumber)."""
    t = (value - domain0) / (domain1 - domain0)
    if clamp:
        t = max(0.0, min(1.0, t))
    return range0 * (1 - t) + range1 * t


# ---------------------------------------------------------------------------------------------------
# Generators (one per data set; each is a line-by-line copy of dataset.ts)
# ---------------------------------------------------------------------------------------------------


def _circle(n: int, noise: float, rng: Mulberry32) -> list[tuple[float, float, float]]:
    """Circle. For each of n/2 positive points, then each of n/2 negative points, 4 draws:
    ``r = randUniform(0, 2.5)`` (negatives: ``randUniform(3.5, 5)``, 3.5 computed as ``5 * 0.7``),
    ``angle = randUniform(0, 2 * PI)``, ``noiseX = randUniform(-5, 5) * noise``,
    ``noiseY = randUniform(-5, 5) * noise``. The point is ``(r * sin(angle), r * cos(angle))``; its label is
    +1 if ``dist((x + noiseX, y + noiseY), (0, 0)) < 2.5`` else -1 (the stored point does not move)."""
    radius = 5
    points = []
    for r_low, r_high in ((0, radius * 0.5), (radius * 0.7, radius)):
        for _ in range(n // 2):
            r = rand_uniform(rng, r_low, r_high)
            angle = rand_uniform(rng, 0, 2 * math.pi)
            x = r * fdlibm_sin(angle)
            y = r * fdlibm_cos(angle)
            noise_x = rand_uniform(rng, -radius, radius) * noise
            noise_y = rand_uniform(rng, -radius, radius) * noise
            label = 1.0 if _dist(x + noise_x, y + noise_y, 0, 0) < radius * 0.5 else -1.0
            points.append((x, y, label))
    return points


def _xor(n: int, noise: float, rng: Mulberry32) -> list[tuple[float, float, float]]:
    """XOR. For each of n points, 4 draws: ``x = randUniform(-5, 5)``, then ``x += x > 0 ? 0.3 : -0.3``;
    ``y = randUniform(-5, 5)``, ``y += y > 0 ? 0.3 : -0.3``; ``noiseX = randUniform(-5, 5) * noise``,
    ``noiseY = randUniform(-5, 5) * noise``. Label +1 if ``(x + noiseX) * (y + noiseY) >= 0`` else -1."""
    points = []
    padding = 0.3
    for _ in range(n):
        x = rand_uniform(rng, -5, 5)
        x += padding if x > 0 else -padding
        y = rand_uniform(rng, -5, 5)
        y += padding if y > 0 else -padding
        noise_x = rand_uniform(rng, -5, 5) * noise
        noise_y = rand_uniform(rng, -5, 5) * noise
        label = 1.0 if (x + noise_x) * (y + noise_y) >= 0 else -1.0
        points.append((x, y, label))
    return points


def _gauss(n: int, noise: float, rng: Mulberry32) -> list[tuple[float, float, float]]:
    """Two Gaussians. ``variance = d3 linear [0, 0.5] -> [0.5, 4]`` of noise (= 0.5 + 7 * noise). For each
    of n/2 points of the +1 cluster at (2, 2), then n/2 of the -1 cluster at (-2, -2):
    ``x = normalRandom(cx, variance)``, then ``y = normalRandom(cy, variance)`` (each >= 2 draws)."""
    variance = _linear(0, 0.5, 0.5, 4, noise)
    points = []
    for cx, cy, label in ((2, 2, 1.0), (-2, -2, -1.0)):
        for _ in range(n // 2):
            x = normal_random(rng, cx, variance)
            y = normal_random(rng, cy, variance)
            points.append((x, y, label))
    return points


def _spiral(n: int, noise: float, rng: Mulberry32) -> list[tuple[float, float, float]]:
    """Spiral. ``m = n / 2`` points per arm, arm +1 (``deltaT = 0``) first, then arm -1 (``deltaT = PI``).
    For i = 0..m-1: ``r = i / m * 5``, ``t = 1.75 * i / m * 2 * PI + deltaT`` (evaluated left to right),
    ``x = r * sin(t) + randUniform(-1, 1) * noise``, then ``y = r * cos(t) + randUniform(-1, 1) * noise``:
    2 draws per point, and noise moves the points themselves."""
    m = n / 2
    points = []
    for delta_t, label in ((0.0, 1.0), (math.pi, -1.0)):
        for i in range(n // 2):
            r = i / m * 5
            t = 1.75 * i / m * 2 * math.pi + delta_t
            x = r * fdlibm_sin(t) + rand_uniform(rng, -1, 1) * noise
            y = r * fdlibm_cos(t) + rand_uniform(rng, -1, 1) * noise
            points.append((x, y, label))
    return points


def _reg_plane(n: int, noise: float, rng: Mulberry32) -> list[tuple[float, float, float]]:
    """Regression plane. For each of n points, 4 draws: ``x = randUniform(-6, 6)``,
    ``y = randUniform(-6, 6)``, ``noiseX = randUniform(-6, 6) * noise``, ``noiseY = ...``; the target is
    d3 linear [-10, 10] -> [-1, 1] of ``(x + noiseX) + (y + noiseY)``, i.e. (x + y) / 10."""
    radius = 6
    points = []
    for _ in range(n):
        x = rand_uniform(rng, -radius, radius)
        y = rand_uniform(rng, -radius, radius)
        noise_x = rand_uniform(rng, -radius, radius) * noise
        noise_y = rand_uniform(rng, -radius, radius) * noise
        points.append((x, y, _linear(-10, 10, -1, 1, (x + noise_x) + (y + noise_y))))
    return points


GAUSSIANS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def _reg_gauss_label(x: float, y: float) -> float:
    label = 0.0
    for cx, cy, sign in GAUSSIANS:
        new_label = sign * _linear(0, 2, 1, 0, _dist(x, y, cx, cy), clamp=True)
        if abs(new_label) > abs(label):
            label = new_label
    return label


def _reg_gauss(n: int, noise: float, rng: Mulberry32) -> list[tuple[float, float, float]]:
    """Regression with six signed bumps (``GAUSSIANS``: centre x, centre y, sign). Draws as for the plane;
    the target is the bump value of largest magnitude at ``(x + noiseX, y + noiseY)``, each bump being
    ``sign * (d3 linear [0, 2] -> [1, 0], clamped)(distance to its centre)``."""
    radius = 6
    points = []
    for _ in range(n):
        x = rand_uniform(rng, -radius, radius)
        y = rand_uniform(rng, -radius, radius)
        noise_x = rand_uniform(rng, -radius, radius) * noise
        noise_y = rand_uniform(rng, -radius, radius) * noise
        points.append((x, y, _reg_gauss_label(x + noise_x, y + noise_y)))
    return points


_GENERATORS = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "reg-plane": _reg_plane,
    "reg-gauss": _reg_gauss,
}


def default_size(dataset: str) -> int:
    """The playground's number of points: 500 for classification, 1,200 for regression."""
    require_choice("dataset", dataset, DATASETS)
    return NUM_SAMPLES_REGRESS if dataset in REGRESSION else NUM_SAMPLES_CLASSIFY


def check_noise(noise: Any) -> float:
    """The noise slider value (percent, 0..50) as a float."""
    value = require_float("noise", noise, minimum=0.0)
    if value > MAX_NOISE:
        raise invalid(
            "noise", noise, f"expected a number >= 0 and <= {MAX_NOISE} (the playground's slider, in %)"
        )
    return value


def generate(
    dataset: str, n: int | None = None, noise: float = 0, seed: Seed = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Points ``[n, 2]`` and labels ``[n]`` (float64) of one data set, in generation order (unshuffled).

    ``noise`` is the slider value in percent (0..50); the generator receives ``noise / 100``. ``n``
    defaults to the playground's size and must be even (classification sets are two halves). ``seed``
    is an unsigned 32-bit integer, or a :class:`Mulberry32` to continue an existing stream.
    """
    require_choice("dataset", dataset, DATASETS)
    n = default_size(dataset) if n is None else require_int("n", n, minimum=2, maximum=100_000)
    if n % 2:
        raise invalid("n", n, "expected an even number of points (each class gets half)")
    rows = _GENERATORS[dataset](n, check_noise(noise) / 100, _rng(seed))
    data = np.array(rows, dtype=np.float64)
    return data[:, :2].copy(), data[:, 2].copy()


def shuffle_order(n: int, seed: Seed = 0) -> np.ndarray:
    """The permutation the playground's ``shuffle`` applies to an array of length n (n draws).

    Mirror of dataset.ts::

        counter = n
        while counter > 0:
            index = floor(random() * counter)   # draw first, with the old counter
            counter -= 1
            swap(array[counter], array[index])

    Returns ``order`` such that the shuffled array is ``array[order]``.
    """
    rng = _rng(seed)
    order = list(range(require_int("n", n, minimum=0)))
    counter = n
    while counter > 0:
        index = math.floor(rng.random() * counter)
        counter -= 1
        order[counter], order[index] = order[index], order[counter]
    return np.array(order, dtype=np.int64)


@dataclass
class Split:
    """A shuffled data set cut into a training and a test part."""

    x_train: np.ndarray  # [n_train, 2] points
    y_train: np.ndarray  # [n_train] labels
    x_test: np.ndarray
    y_test: np.ndarray


def split_index(n: int, ratio: float) -> int:
    """``floor(n * ratio)``: the number of training points."""
    ratio = require_float("ratio", ratio, positive=True, below=1.0)
    index = math.floor(n * ratio)
    if not 0 < index < n:
        raise invalid(
            "ratio", ratio, f"expected a fraction that leaves at least one of the {n} points on each side"
        )
    return index


def split(points: np.ndarray, labels: np.ndarray, ratio: float = 0.5, seed: Seed = 0) -> Split:
    """Shuffle points and labels together with :func:`shuffle_order` (n draws), then put the first
    ``floor(n * ratio)`` into training and the rest into test, as the playground's ``generateData``."""
    points, labels = np.asarray(points, dtype=np.float64), np.asarray(labels, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or labels.shape != (len(points),):
        raise ConfigError(
            f"split() needs points [n, 2] and labels [n]; got {points.shape} and {labels.shape}."
        )
    cut = split_index(len(points), ratio)
    order = shuffle_order(len(points), seed)
    points, labels = points[order], labels[order]
    return Split(points[:cut], labels[:cut], points[cut:], labels[cut:])


def make_split(dataset: str, noise: float = 0, ratio: float = 0.5, seed: Seed = 0) -> Split:
    """Generate and split with ONE generator stream, as the playground does after seeding:
    ``rng = Mulberry32(seed)``, :func:`generate` (its draws), then :func:`split` (n more draws)."""
    rng = _rng(seed)
    points, labels = generate(dataset, None, noise, rng)
    return split(points, labels, ratio, rng)


# ---------------------------------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------------------------------


def check_features(names: Sequence[str]) -> tuple[str, ...]:
    """A non-empty tuple of distinct feature names from :data:`FEATURES`."""
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise invalid("features", names, "expected a non-empty list of names from " + ", ".join(FEATURES))
    for name in names:
        require_choice("features", name, FEATURES)
    if len(set(names)) != len(names):
        raise invalid("features", names, "expected each feature at most once")
    return tuple(names)


def features(points: np.ndarray, names: Sequence[str] = FEATURES) -> np.ndarray:
    """The network's inputs ``[n, len(names)]`` for points ``[n, 2]``, columns in the order of ``names``:
    x1 = x, x2 = y, x1^2 = x * x, x2^2 = y * y, x1*x2 = x * y, sin(x1) = sin(x), sin(x2) = sin(y)."""
    names = check_features(names)
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ConfigError(f"features() needs points of shape [n, 2]; got {points.shape}.")
    x, y = points[:, 0], points[:, 1]
    table = {
        "x1": x,
        "x2": y,
        "x1^2": x * x,
        "x2^2": y * y,
        "x1*x2": x * y,
        "sin(x1)": np.sin(x),
        "sin(x2)": np.sin(y),
    }
    return np.stack([table[name] for name in names], axis=1)


def grid(density: int = DENSITY) -> tuple[np.ndarray, np.ndarray]:
    """The heatmap's sample points: ``density`` values from -6 to 6 per axis (``linspace``), and the
    points ``[density * density, 2]`` in row-major order (row i has ``y = ys[i]``, bottom row first)."""
    density = require_int("density", density, minimum=2, maximum=2_000)
    axis = np.linspace(-DOMAIN, DOMAIN, density)
    xx, yy = np.meshgrid(axis, axis)
    return axis, np.stack([xx.ravel(), yy.ravel()], axis=1)


