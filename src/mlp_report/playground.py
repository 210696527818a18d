"""TensorFlow Playground's data sets, features, network and loss, reproduced in Python (Task 4).

Everything here follows the playground's source (``src/dataset.ts``, ``src/nn.ts`` and
``src/playground.ts`` of github.com/tensorflow/playground):

* the domain is [-6, 6]^2; classification labels are +1 / -1; the noise slider (0..50) reaches the
  generators as ``noise / 100``; 500 points per classification set and 1,200 per regression set;
* the data are shuffled once (the playground's Fisher-Yates) and the first ``floor(n * ratio)`` points
  train, the rest test;
* seven input features, a tanh output neuron, weights initialised uniform in [-0.5, 0.5] and every
  bias at 0.1, plain mini-batch SGD on the mean gradient without reshuffling between epochs, L1/L2 on
  weights only, and the loss ``mean(0.5 * (output - label)^2)``.

Random numbers come from :class:`Mulberry32`, a 32-bit generator that is a few lines in any language.
A JavaScript port (issue 8) must produce bit-identical data from the same seed, so the generators below
are written to be ported line by line: they draw numbers in exactly the order ``dataset.ts`` does, and
every arithmetic expression keeps the playground's evaluation order. Each generator's docstring lists its
draws. (The playground itself seeds ``Math.random`` with seedrandom's ARC4; we use Mulberry32 instead.)
"""

from __future__ import annotations

import math
import os
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .validation import ConfigError, invalid, require_choice, require_float, require_int

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# ---------------------------------------------------------------------------------------------------
# Constants shared with the JavaScript widget
# ---------------------------------------------------------------------------------------------------

CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
REGRESSION = ("reg-plane", "reg-gauss")
DATASETS = CLASSIFICATION + REGRESSION
NUM_SAMPLES_CLASSIFY = 500
NUM_SAMPLES_REGRESS = 1200
DOMAIN = 6.0  # points and heatmaps live in [-DOMAIN, DOMAIN]^2
DENSITY = 100  # heatmap resolution per axis, as in the playground
MAX_NOISE = 50  # the noise slider's range is 0..50 (percent)
MAX_NEURONS = 8  # the playground allows at most 8 neurons per hidden layer ...
MAX_HIDDEN_LAYERS = 6  # ... and at most 6 hidden layers
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
REGULARIZATIONS = ("none", "L1", "L2")
WEIGHT_RANGE = 0.5  # initial weights are random() - 0.5
INITIAL_BIAS = 0.1

# The playground's colour scale: orange for -1, light grey for 0, blue for +1.
ORANGE = "#f59322"
GREY = "#e8eaeb"
BLUE = "#0877bd"

UINT32 = 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------------
# Random numbers
# ---------------------------------------------------------------------------------------------------


def _imul(a: int, b: int) -> int:
    """JavaScript's ``Math.imul`` on unsigned 32-bit inputs: the low 32 bits of the product (unsigned)."""
    return (a * b) & UINT32


class Mulberry32:
    """The Mulberry32 generator (32-bit state), identical to the well-known JavaScript function::

        function mulberry32(a) {           // a: the seed, an unsigned 32-bit integer
          return function () {
            a = (a + 0x6D2B79F5) >>> 0;      // keep the state 32-bit (see below)
            let t = Math.imul(a ^ (a >>> 15), 1 | a);
            t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
          };
        }

    Keep ``a`` reduced to 32 bits in the port: the common one-liner ``a += 0x6D2B79F5`` lets ``a`` grow
    as a double and silently changes the stream after about 4.9 million draws. All intermediate values
    here are unsigned 32-bit integers; the bitwise results equal JavaScript's because ``^``, ``imul`` and
    ``>>>`` only depend on the low 32 bits.
    """

    def __init__(self, seed: int):
        self.state = require_int("seed", seed, minimum=0, maximum=UINT32)

    def random(self) -> float:
        """The next number in [0, 1): a multiple of 2^-32."""
        a = self.state = (self.state + 0x6D2B79F5) & UINT32
        t = _imul(a ^ (a >> 15), 1 | a)
        t ^= (t + _imul(t ^ (t >> 7), 61 | t)) & UINT32
        return (t ^ (t >> 14)) / 4294967296


Seed = int | Mulberry32


def _rng(seed: Seed) -> Mulberry32:
    """A generator from a seed, or the given generator itself (so several steps can share one stream)."""
    return seed if isinstance(seed, Mulberry32) else Mulberry32(seed)


# ---------------------------------------------------------------------------------------------------
# sin, cos and log with bit-exact, portable results
# ---------------------------------------------------------------------------------------------------
# The C library's sin/cos/log (used by math.sin) and a browser's Math.sin may differ in the last bit, so
# the generators use these ports of fdlibm (the code behind V8's Math.sin/cos/log): only +, -, *, / and
# bit manipulation of doubles, which every IEEE-754 language evaluates identically.


def _words(x: float) -> tuple[int, int]:
    """The high word (signed 32-bit) and low word (unsigned) of a double (fdlibm's EXTRACT_WORDS)."""
    bits = struct.unpack("<Q", struct.pack("<d", x))[0]
    hi = bits >> 32
    return (hi - (1 << 32) if hi & 0x80000000 else hi), bits & UINT32


def _from_words(hi: int, lo: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", ((hi & UINT32) << 32) | (lo & UINT32)))[0]


_S1, _S2, _S3 = -1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04
_S4, _S5, _S6 = 2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10
_C1, _C2, _C3 = 4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05
_C4, _C5, _C6 = -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11
_INVPIO2 = 6.36619772367581382433e-01
_PIO2_1, _PIO2_1T = 1.57079632673412561417e00, 6.07710050650619224932e-11
_PIO2_2, _PIO2_2T = 6.07710050630396597660e-11, 2.02226624879595063154e-21
_PIO2_3, _PIO2_3T = 2.02226624871116645580e-21, 8.47842766036889956997e-32
_NPIO2_HW = (
    0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C, 0x4025FDBB, 0x402921FB,
    0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C, 0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB,
    0x403AB41B, 0x403C463A, 0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
    0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB, 0x404858EB, 0x404921FB,
)  # fmt: skip


def _kernel_sin(x: float, y: float, iy: int) -> float:
    ix = _words(x)[0] & 0x7FFFFFFF
    if ix < 0x3E400000 and int(x) == 0:  # |x| < 2^-27
        return x
    z = x * x
    v = z * x
    r = _S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))
    if iy == 0:
        return x + v * (_S1 + z * r)
    return x - ((z * (0.5 * y - v * r) - y) - v * _S1)


def _kernel_cos(x: float, y: float) -> float:
    ix = _words(x)[0] & 0x7FFFFFFF
    if ix < 0x3E400000 and int(x) == 0:  # |x| < 2^-27
        return 1.0
    z = x * x
    r = z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * _C6)))))
    if ix < 0x3FD33333:  # |x| < 0.3
        return 1.0 - (0.5 * z - (z * r - x * y))
    qx = 0.28125 if ix > 0x3FE90000 else _from_words(ix - 0x00200000, 0)  # x/4
    iz = 0.5 * z - qx
    a = 1.0 - qx
    return a - (iz - (z * r - x * y))


def _rem_pio2(x: float) -> tuple[int, float, float]:
    """fdlibm's __ieee754_rem_pio2 for |x| <= 2^19 * pi/2: ``x = n * pi/2 + (y0 + y1)``."""
    hx = _words(x)[0]
    ix = hx & 0x7FFFFFFF
    if ix < 0x4002D97C:  # |x| < 3pi/4: special case of n = +-1
        if hx > 0:
            z = x - _PIO2_1
            if ix != 0x3FF921FB:
                y0 = z - _PIO2_1T
                return 1, y0, (z - y0) - _PIO2_1T
            z -= _PIO2_2
            y0 = z - _PIO2_2T
            return 1, y0, (z - y0) - _PIO2_2T
        z = x + _PIO2_1
        if ix != 0x3FF921FB:
            y0 = z + _PIO2_1T
            return -1, y0, (z - y0) + _PIO2_1T
        z += _PIO2_2
        y0 = z + _PIO2_2T
        return -1, y0, (z - y0) + _PIO2_2T
    if ix > 0x413921FB:
        raise invalid("x", x, "expected |x| <= 2^19 * pi/2 (the generators never need more)")
    t = abs(x)
    n = int(t * _INVPIO2 + 0.5)
    fn = float(n)
    r = t - fn * _PIO2_1
    w = fn * _PIO2_1T  # first round, good to 85 bits
    if n < 32 and ix != _NPIO2_HW[n - 1]:
        y0 = r - w
    else:
        j = ix >> 20
        y0 = r - w
        i = j - ((_words(y0)[0] >> 20) & 0x7FF)
        if i > 16:  # second round, good to 118 bits
            t = r
            w = fn * _PIO2_2
            r = t - w
            w = fn * _PIO2_2T - ((t - r) - w)
            y0 = r - w
            i = j - ((_words(y0)[0] >> 20) & 0x7FF)
            if i > 49:  # third round, 151 bits
                t = r
                w = fn * _PIO2_3
                r = t - w
                w = fn * _PIO2_3T - ((t - r) - w)
                y0 = r - w
    y1 = (r - y0) - w
    return (-n, -y0, -y1) if hx < 0 else (n, y0, y1)


def fdlibm_sin(x: float) -> float:
    """sin(x) exactly as fdlibm (and V8's ``Math.sin``) computes it, for |x| <= 2^19 * pi/2."""
    ix = _words(x)[0] & 0x7FFFFFFF
    if ix <= 0x3FE921FB:  # |x| <= pi/4
        return _kernel_sin(x, 0.0, 0)
    if ix >= 0x7FF00000:
        return x - x
    n, y0, y1 = _rem_pio2(x)
    return (_kernel_sin(y0, y1, 1), _kernel_cos(y0, y1), -_kernel_sin(y0, y1, 1), -_kernel_cos(y0, y1))[n & 3]


def fdlibm_cos(x: float) -> float:
    """cos(x) exactly as fdlibm (and V8's ``Math.cos``) computes it, for |x| <= 2^19 * pi/2."""
    ix = _words(x)[0] & 0x7FFFFFFF
    if ix <= 0x3FE921FB:
        return _kernel_cos(x, 0.0)
    if ix >= 0x7FF00000:
        return x - x
    n, y0, y1 = _rem_pio2(x)
    return (_kernel_cos(y0, y1), -_kernel_sin(y0, y1, 1), -_kernel_cos(y0, y1), _kernel_sin(y0, y1, 1))[n & 3]


_LN2_HI, _LN2_LO, _TWO54 = 6.93147180369123816490e-01, 1.90821492927058770002e-10, 1.80143985094819840000e16
_LG1, _LG2, _LG3 = 6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01
_LG4, _LG5, _LG6, _LG7 = (
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
)


def fdlibm_log(x: float) -> float:
    """The natural logarithm exactly as fdlibm (and V8's ``Math.log``) computes it."""
    hx, lx = _words(x)
    k = 0
    if hx < 0x00100000:  # x < 2^-1022
        if ((hx & 0x7FFFFFFF) | lx) == 0:
            return -math.inf
        if hx < 0:
            return math.nan
        k -= 54
        x *= _TWO54  # subnormal: scale up
        hx = _words(x)[0]
    if hx >= 0x7FF00000:
        return x + x
    k += (hx >> 20) - 1023
    hx &= 0x000FFFFF
    i = (hx + 0x95F64) & 0x100000
    x = _from_words(hx | (i ^ 0x3FF00000), _words(x)[1])  # normalise x or x/2
    k += i >> 20
    f = x - 1.0
    if (0x000FFFFF & (2 + hx)) < 3:  # -2^-20 <= f < 2^-20
        if f == 0.0:
            if k == 0:
                return 0.0
            dk = float(k)
            return dk * _LN2_HI + dk * _LN2_LO
        r = f * f * (0.5 - 0.33333333333333333 * f)
        if k == 0:
            return f - r
        dk = float(k)
        return dk * _LN2_HI - ((r - dk * _LN2_LO) - f)
    s = f / (2.0 + f)
    dk = float(k)
    z = s * s
    i = hx - 0x6147A
    w = z * z
    j = 0x6B851 - hx
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    i |= j
    r = t2 + t1
    if i > 0:
        hfsq = 0.5 * f * f
        if k == 0:
            return f - (hfsq - s * (hfsq + r))
        return dk * _LN2_HI - ((hfsq - (s * (hfsq + r) + dk * _LN2_LO)) - f)
    if k == 0:
        return f - s * (f - r)
    return dk * _LN2_HI - ((s * (f - r) - dk * _LN2_LO) - f)


def rand_uniform(rng: Mulberry32, a: float, b: float) -> float:
    """The playground's ``randUniform(a, b) = random() * (b - a) + a``: one draw."""
    return rng.random() * (b - a) + a


def normal_random(rng: Mulberry32, mean: float = 0.0, variance: float = 1.0) -> float:
    """The playground's ``normalRandom`` (Marsaglia's polar method, one value per call).

    Draws pairs ``v1 = 2 * random() - 1``, ``v2 = 2 * random() - 1`` until ``s = v1*v1 + v2*v2 <= 1``
    (v1 first), then returns ``mean + sqrt(variance) * (sqrt(-2 * log(s) / s) * v1)``; v2 is discarded.
    ``s == 0`` (two draws of exactly 0.5) would give NaN in JavaScript; it is treated the same way here.
    """
    while True:
        v1 = 2 * rng.random() - 1
        v2 = 2 * rng.random() - 1
        s = v1 * v1 + v2 * v2
        if not s > 1:
            break
    result = math.sqrt(-2 * fdlibm_log(s) / s) * v1 if s > 0 else math.nan
    return mean + math.sqrt(variance) * result


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


# ---------------------------------------------------------------------------------------------------
# Loss
# ---------------------------------------------------------------------------------------------------


def playground_loss(outputs: Any, labels: Any) -> float:
    """The playground's loss: ``mean(0.5 * (output - label)^2)`` over all points, no regularization."""
    outputs = np.asarray(outputs, dtype=np.float64).reshape(-1)
    labels = np.asarray(labels, dtype=np.float64).reshape(-1)
    if outputs.shape != labels.shape or not len(outputs):
        raise ConfigError(
            f"playground_loss() needs outputs and labels of one non-zero length; got "
            f"{outputs.shape} and {labels.shape}."
        )
    return float(np.mean(0.5 * (outputs - labels) ** 2))


# ---------------------------------------------------------------------------------------------------
# Network: shape checks, the playground's initialisation, a Keras model
# ---------------------------------------------------------------------------------------------------


def check_hidden(hidden: Sequence[int]) -> tuple[int, ...]:
    """Hidden layer sizes as the playground allows them: 0 to 6 layers of 1 to 8 neurons."""
    if (
        isinstance(hidden, (str, bytes))
        or not isinstance(hidden, Sequence)
        or len(hidden) > MAX_HIDDEN_LAYERS
    ):
        raise invalid("hidden", hidden, f"expected a list of at most {MAX_HIDDEN_LAYERS} layer sizes")
    return tuple(require_int("hidden", h, minimum=1, maximum=MAX_NEURONS) for h in hidden)


def layer_sizes(n_inputs: int, hidden: Sequence[int]) -> tuple[int, ...]:
    """``(inputs, *hidden, 1)``: the playground's network shape with its single output neuron."""
    n_inputs = require_int("n_inputs", n_inputs, minimum=1, maximum=len(FEATURES))
    return (n_inputs, *check_hidden(hidden), 1)


def init_params(n_inputs: int, hidden: Sequence[int], seed: Seed = 0) -> list[np.ndarray]:
    """The playground's initial parameters as ``[kernel_1, bias_1, ..., kernel_out, bias_out]``.

    Mirrors nn.ts ``buildNetwork``: for each layer after the inputs, for each of its neurons i (in order),
    for each neuron j of the previous layer (in order), one draw ``weight = random() - 0.5``; so
    ``kernel[j, i]`` (Keras layout ``[inputs, units]``) is filled column by column. Every bias is 0.1 (no
    draw). Pass a :class:`Mulberry32` to continue the stream that generated and split the data.
    """
    rng = _rng(seed)
    sizes = layer_sizes(n_inputs, hidden)
    params: list[np.ndarray] = []
    for fan_in, units in zip(sizes[:-1], sizes[1:], strict=True):
        kernel = np.empty((fan_in, units), dtype=np.float64)
        for i in range(units):
            for j in range(fan_in):
                kernel[j, i] = rng.random() - WEIGHT_RANGE
        params += [kernel, np.full(units, INITIAL_BIAS, dtype=np.float64)]
    return params


def build_model(n_inputs: int, hidden: Sequence[int], activation: str = "tanh", *, seed: Seed | None = 0):
    """A Keras MLP shaped like the playground's network (float64, like JavaScript numbers).

    Hidden layers use ``activation``; the single output neuron uses tanh (classification). The initial
    weights are those of :func:`init_params` with ``seed`` (``None`` keeps Keras' own uniform
    [-0.5, 0.5] / 0.1 initialisers, unseeded).
    """
    import keras

    sizes = layer_sizes(n_inputs, hidden)
    activation = require_choice("activation", activation, ACTIVATIONS)
    layers: list[Any] = [keras.Input(shape=(sizes[0],), dtype="float64")]
    for k, units in enumerate(sizes[1:]):
        last = k == len(sizes) - 2
        layers.append(
            keras.layers.Dense(
                units,
                activation="tanh" if last else activation,
                kernel_initializer=keras.initializers.RandomUniform(-WEIGHT_RANGE, WEIGHT_RANGE),
                bias_initializer=keras.initializers.Constant(INITIAL_BIAS),
                dtype="float64",
                name="output" if last else f"hidden_{k + 1}",
            )
        )
    model = keras.Sequential(layers, name="playground_" + "_".join(map(str, sizes[1:-1])))
    if seed is not None:
        model.set_weights(init_params(n_inputs, hidden, seed))
    return model


# ---------------------------------------------------------------------------------------------------
# Training: the playground's SGD, compiled once per network shape with XLA
# ---------------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One training run: the loss after every epoch (index 0 = before training) and the trained model."""

    train_loss: np.ndarray  # [epochs + 1]
    test_loss: np.ndarray  # [epochs + 1]
    model: Any  # keras.Sequential with the trained weights
    features: tuple[str, ...]
    seconds: float

    @property
    def final_test_loss(self) -> float:
        return float(self.test_loss[-1])

    @property
    def final_train_loss(self) -> float:
        return float(self.train_loss[-1])


_TRAINERS: dict[tuple, Any] = {}


def _trainer(
    sizes: tuple[int, ...],
    activation: str,
    n_train: int,
    n_test: int,
    batch_size: int,
    epochs: int,
    regularization: str,
):
    """An XLA-compiled function running a whole training; cached, so seeds and data sets of one shape
    share one compilation. Parameters travel as tensors through ``model.stateless_call``."""
    import tensorflow as tf

    key = (sizes, activation, n_train, n_test, batch_size, epochs, regularization)
    if key in _TRAINERS:
        return _TRAINERS[key]
    template = build_model(sizes[0], sizes[1:-1], activation, seed=None)
    is_kernel = [len(v.shape) == 2 for v in template.trainable_variables]
    n_full, rest = divmod(n_train, batch_size)

    def forward(params, x):
        out, _ = template.stateless_call(list(params), [], x)
        return out[:, 0]

    def loss(params, x, y):
        return tf.reduce_mean(0.5 * tf.square(forward(params, x) - y))

    def step(params, xb, yb, lr, rate):
        with tf.GradientTape() as tape:
            tape.watch(params)
            value = loss(params, xb, yb)
        grads = tape.gradient(value, params)  # gradient of the batch mean = mean gradient
        n = tf.cast(tf.shape(xb)[0], tf.float64)
        new = []
        for p, g, kernel in zip(params, grads, is_kernel, strict=True):
            update = lr * g
            if kernel and regularization != "none":
                # nn.ts: w -= lr / n * (sum of gradients + rate * der(w)); weights only, never biases
                der = p if regularization == "L2" else tf.where(p < 0, tf.constant(-1.0, tf.float64), 1.0)
                update += lr / n * rate * der
            new.append(p - update)
        return new

    @tf.function(jit_compile=True, reduce_retracing=True)
    def run(params, x_train, y_train, x_test, y_test, lr, rate):
        params = list(params)
        train_losses = tf.TensorArray(tf.float64, size=epochs + 1).write(0, loss(params, x_train, y_train))
        test_losses = tf.TensorArray(tf.float64, size=epochs + 1).write(0, loss(params, x_test, y_test))

        def batch(b, params):
            start = b * batch_size
            xb = tf.slice(x_train, [start, 0], [batch_size, sizes[0]])
            yb = tf.slice(y_train, [start], [batch_size])
            return b + 1, step(params, xb, yb, lr, rate)

        def epoch(e, params, train_losses, test_losses):
            # the same order every epoch: the playground never reshuffles
            _, params = tf.while_loop(lambda b, p: b < n_full, batch, [tf.constant(0), params])
            if rest:  # a last, smaller batch (the playground would carry it over into the next epoch)
                params = step(
                    params, x_train[n_full * batch_size :], y_train[n_full * batch_size :], lr, rate
                )
            train_losses = train_losses.write(e + 1, loss(params, x_train, y_train))
            test_losses = test_losses.write(e + 1, loss(params, x_test, y_test))
            return e + 1, params, train_losses, test_losses

        _, params, train_losses, test_losses = tf.while_loop(
            lambda e, *_: e < epochs, epoch, [tf.constant(0), params, train_losses, test_losses]
        )
        return params, train_losses.stack(), test_losses.stack()

    _TRAINERS[key] = run
    return run


def train(
    data: Split,
    *,
    hidden: Sequence[int],
    features_used: Sequence[str] = ("x1", "x2"),
    activation: str = "tanh",
    learning_rate: float = 0.03,
    batch_size: int = 10,
    epochs: int = 100,
    regularization: str = "none",
    regularization_rate: float = 0.0,
    seed: Seed = 0,
) -> Run:
    """Train a playground network on ``data`` and record the playground loss after every epoch.

    One epoch visits the training points in their (once shuffled) order in batches of ``batch_size``;
    each batch takes one SGD step on the mean gradient of ``0.5 * (output - label)^2``. Regularization
    (``"L1"`` or ``"L2"``) acts on weights only, as nn.ts' ``updateWeights``. The initial weights come
    from :func:`init_params` with ``seed`` (a Mulberry32 continues a stream, as the playground does).
    """
    import tensorflow as tf

    names = check_features(features_used)
    hidden = check_hidden(hidden)
    activation = require_choice("activation", activation, ACTIVATIONS)
    learning_rate = require_float("learning_rate", learning_rate, positive=True)
    epochs = require_int("epochs", epochs, minimum=1, maximum=100_000)
    batch_size = require_int("batch_size", batch_size, minimum=1, maximum=len(data.x_train))
    regularization = require_choice("regularization", regularization, REGULARIZATIONS)
    rate = require_float("regularization_rate", regularization_rate, minimum=0.0)

    x_train, x_test = features(data.x_train, names), features(data.x_test, names)
    sizes = layer_sizes(len(names), hidden)
    model = build_model(len(names), hidden, activation, seed=seed)
    run = _trainer(sizes, activation, len(x_train), len(x_test), batch_size, epochs, regularization)
    start = time.perf_counter()
    params, train_losses, test_losses = run(
        [tf.constant(w) for w in model.get_weights()],
        tf.constant(x_train),
        tf.constant(data.y_train),
        tf.constant(x_test),
        tf.constant(data.y_test),
        tf.constant(learning_rate, tf.float64),
        tf.constant(rate, tf.float64),
    )
    model.set_weights([p.numpy() for p in params])
    return Run(train_losses.numpy(), test_losses.numpy(), model, names, time.perf_counter() - start)


def predict(model: Any, points: np.ndarray, features_used: Sequence[str]) -> np.ndarray:
    """The network's output (in [-1, 1]) for points ``[n, 2]``."""
    x = features(points, features_used)
    return np.asarray(model(x, training=False), dtype=np.float64)[:, 0]


def evaluate(model: Any, points: np.ndarray, labels: np.ndarray, features_used: Sequence[str]) -> float:
    """The playground loss of ``model`` on a point set."""
    return playground_loss(predict(model, points, features_used), labels)


def neuron_maps(model: Any, features_used: Sequence[str], density: int = DENSITY) -> list[np.ndarray]:
    """What every neuron outputs over the heatmap grid, as the playground's small node heatmaps.

    Returns one array ``[units, density, density]`` per layer, starting with the input features and
    ending with the output neuron; row 0 of each map is y = -6 (draw with ``origin="lower"``).
    """
    import keras

    _, points = grid(density)
    x = features(points, features_used)
    maps = [x.T.reshape(len(features_used), density, density)]
    outputs = keras.Model(model.inputs[0], [layer.output for layer in model.layers])(x, training=False)
    for out in outputs:
        out = np.asarray(out, dtype=np.float64)
        maps.append(out.T.reshape(out.shape[1], density, density))
    return maps


def decision_map(model: Any, features_used: Sequence[str], density: int = DENSITY) -> np.ndarray:
    """The output neuron over the [-6, 6]^2 grid, ``[density, density]``, row 0 at y = -6."""
    return neuron_maps(model, features_used, density)[-1][0]


# ---------------------------------------------------------------------------------------------------
# The chapter's configurations (shared with the JavaScript widget)
# ---------------------------------------------------------------------------------------------------

# Hidden shapes are the assignment's; features, activation, learning rate, batch size and epochs were
# chosen by a search over 10 to 30 seeds (a scratch script, not part of the book) for test loss <= 0.07 on
# every seed with a margin. Noise is the slider value (%), ratio the training fraction.
_PRESET_COMMON: dict[str, Any] = {  # what the three presets share
    "activation": "tanh",
    "noise": 0,
    "ratio": 0.5,
    "regularization": "none",
    "regularization_rate": 0.0,
}
PRESETS: dict[str, dict[str, Any]] = {
    "spiral": {
        "dataset": "spiral",
        "hidden": (6, 5),
        "features": ("x1", "x2", "sin(x1)", "sin(x2)"),
        **_PRESET_COMMON,
        "learning_rate": 0.1,
        "batch_size": 5,
        "epochs": 2000,
    },
    "xor": {
        "dataset": "xor",
        "hidden": (3, 1),
        "features": ("x1", "x2", "x1*x2"),
        **_PRESET_COMMON,
        "learning_rate": 0.03,
        "batch_size": 10,
        "epochs": 500,
    },
    "circle": {
        "dataset": "circle",
        "hidden": (3, 1),
        "features": ("x1", "x2", "x1^2", "x2^2"),
        **_PRESET_COMMON,
        "learning_rate": 0.03,
        "batch_size": 10,
        "epochs": 500,
    },
}

TARGET_TEST_LOSS = 0.07  # the assignment's goal, for every seed


def seeded_run(config: dict[str, Any], seed: int, **overrides: Any) -> tuple[Split, Run]:
    """Data and a trained network for one seed, the way the playground seeds them: one
    ``Mulberry32(seed)`` stream generates the data, shuffles and splits it, then initialises the weights.
    ``overrides`` replace entries of ``config`` (e.g. ``noise=10``, ``epochs=50``, ``features=(...)``)."""
    unknown = set(overrides) - set(PRESETS["spiral"])
    if unknown:
        raise ConfigError(
            f"seeded_run() got unknown settings {sorted(unknown)}: allowed are {sorted(PRESETS['spiral'])}."
        )
    cfg = {**config, **overrides}
    rng = Mulberry32(seed)
    data = make_split(cfg["dataset"], cfg["noise"], cfg["ratio"], rng)
    run = train(
        data,
        hidden=cfg["hidden"],
        features_used=cfg["features"],
        activation=cfg["activation"],
        learning_rate=cfg["learning_rate"],
        batch_size=cfg["batch_size"],
        epochs=cfg["epochs"],
        regularization=cfg["regularization"],
        regularization_rate=cfg["regularization_rate"],
        seed=rng,
    )
    return data, run


# ---------------------------------------------------------------------------------------------------
# Figures in the playground's colours
# ---------------------------------------------------------------------------------------------------


def colormap():
    """The playground's diverging colour scale: orange (-1), light grey (0), blue (+1)."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("playground", [ORANGE, GREY, BLUE])


def _square(ax, title: str | None = None, ticks: bool = True) -> None:
    ax.set(xlim=(-DOMAIN, DOMAIN), ylim=(-DOMAIN, DOMAIN), aspect="equal")
    ax.grid(False)
    if title:
        ax.set_title(title, fontsize=10)
    if not ticks:
        ax.set_xticks([])
        ax.set_yticks([])


def draw_points(ax, data: Split, *, size: float = 14) -> None:
    """Training points with a white edge and test points with a black edge, coloured by label."""
    cmap = colormap()
    for x, y, edge, name in (
        (data.x_train, data.y_train, "white", "train"),
        (data.x_test, data.y_test, "black", "test"),
    ):
        ax.scatter(
            x[:, 0],
            x[:, 1],
            c=y,
            cmap=cmap,
            vmin=-1,
            vmax=1,
            s=size,
            edgecolors=edge,
            linewidths=0.6,
            label=name,
        )


def draw_heatmap(ax, values: np.ndarray, *, alpha: float = 1.0):
    """A [density, density] map over [-6, 6]^2 (row 0 at y = -6), clipped to [-1, 1] as the playground."""
    return ax.imshow(
        np.clip(values, -1, 1),
        extent=(-DOMAIN, DOMAIN, -DOMAIN, DOMAIN),
        origin="lower",
        cmap=colormap(),
        vmin=-1,
        vmax=1,
        alpha=alpha,
        interpolation="nearest",
    )


def datasets_figure(seed: int = 0, noises: Sequence[float] = (0,), ratio: float = 0.5):
    """The four classification data sets (columns) at each noise level (rows), split as the playground."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        len(noises),
        len(CLASSIFICATION),
        figsize=(2.6 * len(CLASSIFICATION), 2.7 * len(noises)),
        squeeze=False,
    )
    for row, noise in zip(axes, noises, strict=True):
        for ax, name in zip(row, CLASSIFICATION, strict=True):
            draw_points(ax, make_split(name, noise, ratio, seed), size=6)
            _square(ax, f"{name}, noise {noise:g}", ticks=False)
    fig.tight_layout()
    return fig


def run_figure(data: Split, run: Run, others: Sequence[Run] = (), *, title: str = ""):
    """Left: the decision heatmap (100 x 100 over [-6, 6]^2) with training and test points. Right: the
    training and test loss per epoch of this run, the test loss of the ``others`` faint, the 0.07 target."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    fig, (ax_map, ax_loss) = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [1, 1.35]})
    image = draw_heatmap(ax_map, decision_map(run.model, run.features))
    draw_points(ax_map, data)
    _square(ax_map, title)
    ax_map.set(xlabel="x1", ylabel="x2")
    fig.colorbar(image, ax=ax_map, fraction=0.046, pad=0.03, label="network output")
    epochs = np.arange(len(run.test_loss))
    for other in others:
        ax_loss.plot(epochs, other.test_loss, color="grey", lw=0.7, alpha=0.5)
    ax_loss.plot(epochs, run.train_loss, color=BLUE, lw=1.6, label="training loss (this run)")
    ax_loss.plot(epochs, run.test_loss, color=ORANGE, lw=1.6, label="test loss (this run)")
    ax_loss.axhline(TARGET_TEST_LOSS, color="black", ls="--", lw=1, label=f"target {TARGET_TEST_LOSS}")
    ax_loss.set(yscale="log", xlabel="epoch", ylabel="playground loss", title="Loss per epoch")
    handles, labels = ax_loss.get_legend_handles_labels()
    if others:
        handles.append(Line2D([], [], color="grey", lw=0.7))
        labels.append("test loss, other seeds")
    ax_loss.legend(handles, labels, fontsize=8)
    fig.tight_layout()
    return fig


def neurons_figure(run: Run, *, title: str = "", density: int = DENSITY):
    """Small heatmaps of every neuron (inputs, hidden layers, output), one column per layer, as the
    playground draws them next to its nodes: each shows the neuron's output over [-6, 6]^2."""
    import matplotlib.pyplot as plt

    maps = neuron_maps(run.model, run.features, density)
    rows = max(len(layer) for layer in maps)
    fig, axes = plt.subplots(
        rows, len(maps), figsize=(1.45 * len(maps) + 0.4, 1.3 * rows + 0.5), squeeze=False
    )
    names = ["features"] + [f"hidden {k}" for k in range(1, len(maps) - 1)] + ["output"]
    for col, (layer, name) in enumerate(zip(maps, names, strict=True)):
        for row in range(rows):
            ax = axes[row, col]
            ax.axis("off")
            if row < len(layer):
                draw_heatmap(ax, layer[row])
                label = (
                    run.features[row]
                    if col == 0
                    else f"{name.split()[0][0]}{col}.{row + 1}"
                    if col < len(maps) - 1
                    else "output"
                )
                ax.set_title(label, fontsize=8)
        axes[0, col].text(
            0.5, 1.35, name, transform=axes[0, col].transAxes, ha="center", fontsize=9, weight="bold"
        )
    if title:
        fig.suptitle(title, fontsize=10, y=1.0)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------------
# Experiments for the chapter
# ---------------------------------------------------------------------------------------------------


@dataclass
class Experiment:
    """One configuration trained on several seeds."""

    name: str
    config: dict[str, Any]
    seeds: tuple[int, ...]
    data: list[Split]
    runs: list[Run]

    @property
    def test_losses(self) -> np.ndarray:
        return np.array([run.final_test_loss for run in self.runs])

    @property
    def worst_index(self) -> int:
        """Position (in ``seeds``) of the run with the highest final test loss."""
        return int(np.argmax(self.test_losses))

    def summary(self) -> dict[str, Any]:
        losses = self.test_losses
        return {
            "name": self.name,
            "seeds": list(self.seeds),
            "test_loss": [float(v) for v in losses],
            "train_loss": [run.final_train_loss for run in self.runs],
            "mean": float(losses.mean()),
            "worst": float(losses.max()),
            "reached": int(np.sum(losses <= TARGET_TEST_LOSS)),
        }


def experiment(
    name: str, config: dict[str, Any], seeds: int, *, epochs: int | None = None, **overrides: Any
) -> Experiment:
    """Train ``config`` (with ``overrides``) on seeds 0 .. seeds-1; ``epochs`` caps the preset's epochs."""
    seeds = require_int("seeds", seeds, minimum=1, maximum=1_000)
    if epochs is not None:
        overrides["epochs"] = min(require_int("epochs", epochs, minimum=1), config["epochs"])
    pairs = [seeded_run(config, seed, **overrides) for seed in range(seeds)]
    return Experiment(
        name, {**config, **overrides}, tuple(range(seeds)), [d for d, _ in pairs], [r for _, r in pairs]
    )


def describe_config(config: dict[str, Any]) -> dict[str, Any]:
    """A row for a table of configurations."""
    return {
        "hidden layers": "-".join(map(str, config["hidden"])),
        "features": ", ".join(config["features"]),
        "activation": config["activation"],
        "learning rate": config["learning_rate"],
        "batch size": config["batch_size"],
        "epochs": config["epochs"],
        "regularization": config["regularization"],
    }
