"""Numerics that JavaScript reproduces bit for bit: the Mulberry32 stream, fdlibm's sin, cos and log,
and the playground's uniform and normal draws."""


from __future__ import annotations

import math
import struct

from ..validation import invalid, require_int
from .constants import UINT32

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

