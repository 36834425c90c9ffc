#!/usr/bin/python3
"""Independent reference values for gelucheck's tests, from mpmath (Debian's python3-mpmath).

For each function and format this picks a few hundred inputs (random bit patterns, random values
in [-10, 10], and the hard cases: subnormals, powers of two, the largest value, GELU's minimum
and the derivative's extremes, the saturation regions), computes f(x) with mpmath at 512 and
1024 bits, and rounds it to the format with the rounding written below in Python integers.
The activations SiLU, Softplus, Mish and ReLU^2 and their derivatives get about a thousand
inputs per format each: more random patterns and values, magnitudes uniform over the binades
(tails and subnormals of every format), the points where kernels switch formulas or overflow,
their critical points, and for ReLU^2 inputs whose square lies exactly halfway between two
values of the format (ties, rounded to even).
Nothing here uses gelucheck's code, formulas or constants. A value is written only when both
precisions give the same rounded facts; otherwise precision is raised.

Output, one line per input:
  function format x_bits correctly_rounded_bits side ulp_log2 grid_value_hex
where side = sign(r - correctly rounded value), ulp_log2 = max(floor(log2|r|), emin) - p + 1 and
grid_value is r rounded to nearest-even on the grid ulp(r) * 2^-10, as a Python float.hex().
"""
import argparse
import os
import random
import struct

from mpmath import mp, mpf

# Format widths, transcribed from IEEE 754-2008 (binary32, binary16) and the bfloat16 definition
# (binary32 with 7 fraction bits): (exponent bits, fraction bits).
FORMATS = {"fp32": (8, 23), "fp16": (5, 10), "bf16": (8, 7)}
GRID_BITS = 10
FUNCTIONS = ["gelu_erf", "gelu_tanh", "gelu_erf_grad", "gelu_tanh_grad", "tanh", "tanh_grad"]
ACTIVATIONS = ["silu", "silu_grad", "softplus", "softplus_grad", "mish", "mish_grad", "relu2",
               "relu2_grad"]
# f(+0) = f(-0) = a number these functions define (ln 2, 1/2, 3/5, 0): their zero inputs are
# tested too. (For the others f(+-0) = +-0, which mpmath cannot express.)
UNSIGNED_AT_ZERO = ["silu_grad", "softplus", "softplus_grad", "mish_grad", "relu2", "relu2_grad"]


class Fmt:
    def __init__(self, name):
        self.name = name
        self.e, self.f = FORMATS[name]
        self.p = self.f + 1
        self.bias = 2 ** (self.e - 1) - 1
        self.emin = 1 - self.bias
        self.emax = self.bias
        self.nbits = 1 + self.e + self.f
        self.max_finite_bits = ((2 ** self.e - 2) << self.f) | (2 ** self.f - 1)

    def decode(self, bits):
        """Exact value of a finite pattern as an mpf (mpf is exact for dyadic rationals)."""
        sign = -1 if bits >> (self.nbits - 1) else 1
        ef = (bits >> self.f) & (2 ** self.e - 1)
        frac = bits & (2 ** self.f - 1)
        assert ef != 2 ** self.e - 1, "not finite"
        if ef == 0:
            return sign * mp.ldexp(mpf(frac), self.emin - self.f)
        return sign * mp.ldexp(mpf(frac + 2 ** self.f), ef - self.bias - self.f)

    def is_finite(self, bits):
        return ((bits >> self.f) & (2 ** self.e - 1)) != 2 ** self.e - 1


def exact_parts(v):
    """v = sign * man * 2**exp exactly, from mpmath's internal tuple."""
    sign, man, exp, _ = v._mpf_
    return (-1 if sign else 1), int(man), int(exp)


def round_half_even(num, den):
    """Nearest integer to num/den (num >= 0, den > 0), ties to even."""
    q, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and q % 2 == 1):
        q += 1
    return q


def floor_log2(man, exp):
    return exp + man.bit_length() - 1


def round_to_precision(v, p, min_quantum_log2):
    """v rounded to nearest-even to p bits, quantum at least 2**min_quantum_log2: (sign, m, q)
    meaning sign * m * 2**q."""
    if v == 0:
        return 1, 0, min_quantum_log2
    sign, man, exp = exact_parts(v)
    e = floor_log2(man, exp)
    q = max(e - p + 1, min_quantum_log2)
    if e < q - 1:  # |v| < 2**(q-1), below half the quantum
        return sign, 0, q
    if exp >= q:
        m = man << (exp - q)
    else:
        m = round_half_even(man, 1 << (q - exp))
    return sign, m, q


def encode(fmt, sign, m, q):
    """Bits of sign * m * 2**q, a value of the format after rounding (or overflow)."""
    s = (1 << (fmt.nbits - 1)) if sign < 0 else 0
    if m == 0:
        return s
    while m >= 2 ** fmt.p:  # a carry: m is then even
        m //= 2
        q += 1
    min_q = fmt.emin - fmt.f
    if m < 2 ** fmt.f:  # subnormal: q must be the subnormal quantum
        assert q == min_q
        return s | m
    e = q + fmt.f
    if e > fmt.emax:
        return s | ((2 ** fmt.e - 1) << fmt.f)  # infinity
    return s | ((e + fmt.bias) << fmt.f) | (m - 2 ** fmt.f)


def facts(fmt, r):
    """(correctly rounded bits, side, ulp_log2, grid value) of an exact real r (an mpf)."""
    if r == 0:
        # An exact zero that is +0 by definition (relu2 and relu2' at x <= 0: max(x, 0) is +0
        # there, and +0 * +0 = 2 * +0 = +0): exact, side 0, the ulp of the subnormals.
        return 0, 0, fmt.emin - fmt.p + 1, 0.0
    sign, m, q = round_to_precision(r, fmt.p, fmt.emin - fmt.f)
    cr = encode(fmt, sign, m, q)
    cr_value = sign * mp.ldexp(mpf(m), q)
    if ((cr >> fmt.f) & (2 ** fmt.e - 1)) == 2 ** fmt.e - 1:
        cr_value = sign * mp.inf
    side = 0 if r == cr_value else (1 if r > cr_value else -1)
    _, man, exp = exact_parts(r)
    ulp_log2 = max(floor_log2(man, exp), fmt.emin) - fmt.p + 1
    gsign, gm, gq = round_to_precision(r, fmt.p + GRID_BITS, fmt.emin - fmt.f - GRID_BITS)
    grid = float(gsign * mp.ldexp(mpf(gm), gq)) if gm else (-0.0 if gsign < 0 else 0.0)
    return cr, side, ulp_log2, grid


K = mpf(44715) / 10 ** 6  # 0.044715, exactly the decimal


def f_split(name, x):
    """f(x) = A + delta, A in {0, x, 1, -1} exact, delta computed without cancellation against A,
    so that delta keeps full relative precision even where it is far below x's last bit (mpmath
    would otherwise round x*ncdf(x) to exactly x at x = 40). Written from the definitions with
    mpmath's own functions and these identities: 1 - ncdf(x) = ncdf(-x);
    0.5*(1 + tanh u) = 1/(1 + exp(-2u)); 1 - tanh^2 = sech^2; tanh x - 1 = -2/(exp(2x) + 1)."""
    c = mp.sqrt(2 / mp.pi)
    u = c * (x + K * x ** 3)
    big = x >= 1
    if name == "gelu_erf":
        return (x, -x * mp.ncdf(-x)) if big else (0, x * mp.ncdf(x))
    if name == "gelu_erf_grad":
        return (1, x * mp.npdf(x) - mp.ncdf(-x)) if big else (0, mp.ncdf(x) + x * mp.npdf(x))
    if name == "gelu_tanh":
        return (x, -x / (1 + mp.exp(2 * u))) if big else (0, x / (1 + mp.exp(-2 * u)))
    if name == "gelu_tanh_grad":
        slope = x / 2 * mp.sech(u) ** 2 * c * (1 + 3 * K * x ** 2)
        if big:
            return 1, slope - 1 / (1 + mp.exp(2 * u))
        return 0, 1 / (1 + mp.exp(-2 * u)) + slope
    if name == "tanh":
        if abs(x) >= 1:
            s = 1 if x > 0 else -1
            return s, -s * 2 / (mp.exp(2 * abs(x)) + 1)
        return 0, mp.tanh(x)
    if name == "tanh_grad":
        return 0, mp.sech(x) ** 2
    # The activations, from their definitions with sigma(x) = 1/(1 + exp(-x)), 1 - sigma(x) =
    # sigma(-x), sigma' = sigma(x) sigma(-x), ln(1 + e^x) = x + ln(1 + e^-x),
    # 1 - tanh(y) = 2/(exp(2y) + 1) and tanh' = sech^2:
    #   silu = x sigma(x),  silu' = sigma(x) + x sigma(x) sigma(-x)
    #   softplus = ln(1 + e^x),  softplus' = sigma(x)
    #   mish = x tanh(sp),  sp = softplus(x),  mish' = tanh(sp) + x sech(sp)^2 sigma(x)
    #   relu2 = max(x, 0)^2,  relu2' = 2 max(x, 0)
    if name == "silu":
        return (x, -x * sigmoid(-x)) if big else (0, x * sigmoid(x))
    if name == "silu_grad":
        slope = x * sigmoid(x) * sigmoid(-x)
        return (1, slope - sigmoid(-x)) if big else (0, sigmoid(x) + slope)
    if name == "softplus":
        return (x, mp.log1p(mp.exp(-x))) if big else (0, mp.log1p(mp.exp(x)))
    if name == "softplus_grad":
        return (1, -sigmoid(-x)) if big else (0, sigmoid(x))
    if name in ("mish", "mish_grad"):
        sp = x + mp.log1p(mp.exp(-x)) if x > 0 else mp.log1p(mp.exp(x))
        if name == "mish":
            return (x, -2 * x / (mp.exp(2 * sp) + 1)) if big else (0, x * mp.tanh(sp))
        slope = x * mp.sech(sp) ** 2 * sigmoid(x)
        return (1, slope - 2 / (mp.exp(2 * sp) + 1)) if big else (0, mp.tanh(sp) + slope)
    if name == "relu2":
        return 0, (x * x if x > 0 else mpf(0))
    if name == "relu2_grad":
        return 0, (2 * x if x > 0 else mpf(0))
    raise ValueError(name)


def sigmoid(x):
    return 1 / (1 + mp.exp(-x))


def facts_split(fmt, a, delta):
    """facts() of r = a + delta, where a is 0 or a value of the format."""
    if a == 0:
        return facts(fmt, delta)
    if delta == 0 or abs(delta) > abs(a) * mp.ldexp(1, -(mp.prec - 64)):
        return facts(fmt, a + delta)  # a + delta is resolved at this precision
    # |delta| is below 2^-(prec-64) |a|, far below a quarter of the grid step at a: r rounds to
    # a in the format and on the grid; it lies on delta's side of a, one binade lower when a is
    # a power of two and delta points towards zero.
    sign_a = 1 if a > 0 else -1
    side = 1 if delta > 0 else -1
    _, man, exp = exact_parts(mpf(a))
    e = floor_log2(man, exp)
    if man == 1 and side != sign_a:
        e -= 1
    cr = bits_of_nearest(fmt, a)
    return cr, side, max(e, fmt.emin) - fmt.p + 1, float(a)


def decided_facts(fmt, name, bits):
    prec = 512
    while True:
        results = []
        for p in (prec, 2 * prec):
            mp.prec = p
            a, delta = f_split(name, fmt.decode(bits))
            results.append(facts_split(fmt, a, delta))
        if results[0] == results[1]:
            return results[1]
        prec *= 4
        if prec > 20000:
            raise RuntimeError(f"undecided: {name} {fmt.name} {bits:#x}")


def bits_of_nearest(fmt, value):
    sign, m, q = round_to_precision(mpf(value), fmt.p, fmt.emin - fmt.f)
    return encode(fmt, sign, m, q)


def inputs_for(fmt, rng):
    pts = set()
    n = fmt.nbits
    while len(pts) < 120:
        b = rng.getrandbits(n)
        if fmt.is_finite(b):
            pts.add(b)
    for _ in range(100):
        with mp.workprec(200):
            pts.add(bits_of_nearest(fmt, rng.uniform(-10, 10)))
    sign = 1 << (n - 1)
    special = [1, 2, 3, 2 ** fmt.f - 1, 2 ** fmt.f, 2 ** fmt.f + 1, fmt.max_finite_bits,
               fmt.max_finite_bits - 1]
    for v in [1.0, 0.5, 2.0, 0.25, 1.5, 3.0, 4.0, 8.0, 16.0, 5.5, 6.0, 9.0, 10.0, 12.0, 20.0, 40.0,
              0.7517915241, 1.4142135623730951, 1e-3, 1e-5, 3.0e-8, 300.0, 1e4, 6e4]:
        with mp.workprec(200):
            b = bits_of_nearest(fmt, v)
        special += [b, b + 1, b - 1]
    for b in special:
        if 0 < b <= fmt.max_finite_bits:
            pts.add(b)
            pts.add(b | sign)
    pts -= {0, sign}  # zeros: mpmath has no signed zero; tested by identities instead
    return sorted(pts)


def square_ties(fmt, rng, count):
    """Positive inputs whose exact square lies halfway between two neighbours in the format (or
    between the largest value and the overflow boundary): x^2 needs exactly one bit more than the
    format holds at its binade, and that bit is 1. The 16-bit formats are searched over every
    positive finite input. For fp32 the ties are built: x = o 2^k with o odd and
    4096 < o < 5793 has 13 significant bits, and x^2 = o^2 2^2k has 25 (2^24 < o^2 < 2^25),
    the last one set: one beyond fp32's 24 (a tie wherever x^2 is a normal fp32 value)."""
    ties = []
    if fmt.nbits == 16:
        for b in range(1, fmt.max_finite_bits + 1):
            v = fmt.decode(b)
            sign, m, q = round_to_precision(v * v, fmt.p + 1, fmt.emin - fmt.f - 1)
            if sign * mp.ldexp(mpf(m), q) == v * v and m % 2 == 1:
                ties.append(b)
        rng.shuffle(ties)
        return sorted(ties[:count])
    while len(ties) < count:
        o = rng.randrange(4097, 5793, 2)
        k = rng.randrange(-75, 40)
        with mp.workprec(200):
            b = bits_of_nearest(fmt, mp.ldexp(o, k))
        assert fmt.decode(b) == mp.ldexp(o, k)
        ties.append(b)
    return sorted(set(ties))


def activation_inputs(fmt, rng, shared):
    """About a thousand inputs per format for the activations, on top of the shared ones."""
    pts = set(shared)
    n = fmt.nbits
    sign = 1 << (n - 1)
    while len(pts) < len(shared) + 300:
        b = rng.getrandbits(n)
        if fmt.is_finite(b):
            pts.add(b)
    for _ in range(250):
        with mp.workprec(200):
            pts.add(bits_of_nearest(fmt, rng.uniform(-40, 40)))
    # Magnitudes uniform over the binades, subnormals included: the far tails of every format.
    top_exponent = fmt.emax + 1
    for _ in range(200):
        e = rng.uniform(fmt.emin - fmt.f, top_exponent)
        with mp.workprec(200):
            b = bits_of_nearest(fmt, mp.mpf(2) ** e)
        if 0 < b <= fmt.max_finite_bits:
            pts.add(b | (sign if rng.random() < 0.5 else 0))
    # Where kernels switch formulas or overflow (20: PyTorch's softplus threshold; 88.72: expf
    # overflows; 11.09: exp overflows fp16; 13.94, 4.93, 2.84: TensorFlow's softplus thresholds
    # in fp32, fp16, bf16; -0.6: darknet's Mish branch; 44.4: e^2x overflows fp32; 256 and 2^64:
    # x^2 overflows fp16 and fp32/bf16; 32760: 2x overflows fp16), the critical points (SiLU's
    # minimum -1.2785 and its derivative's extremes +-2.3994, Mish's minimum -1.1924 and its
    # derivative's extremes -2.2564 and 1.4906), and the tails' far ends.
    marks = [20.0, 88.72283935546875, 11.09, 13.942385, 4.9296875, 2.84375, 0.6, 44.36, 256.0,
             255.875, 2.0 ** 64, 32760.0, 1.2784645427610738, 2.3993572805154677,
             1.1924312145154952, 2.2563763963607931, 1.4905711794854285, 16.6355, 17.33,
             36.7368, 100.0, 103.97, 108.66, 745.0, 1e10, 1e20, 3e38, 0.0078125, 2.0 ** -20]
    for v in marks:
        with mp.workprec(200):
            b = bits_of_nearest(fmt, v)
        for c in (b - 1, b, b + 1):
            if 0 < c <= fmt.max_finite_bits:
                pts.add(c)
                pts.add(c | sign)
    return pts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20261201)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    activation_rng = random.Random(args.seed + 13)  # the six functions' inputs stay as they were
    lines = []
    for fname in FORMATS:
        fmt = Fmt(fname)
        xs = inputs_for(fmt, rng)
        for name in FUNCTIONS:
            for bits in xs:
                cr, side, ulp_log2, grid = decided_facts(fmt, name, bits)
                lines.append(f"{name} {fname} {bits:#x} {cr:#x} {side} {ulp_log2} {grid.hex()}")
        sign = 1 << (fmt.nbits - 1)
        ys = activation_inputs(fmt, activation_rng, xs)
        ties = square_ties(fmt, activation_rng, 150)
        for name in ACTIVATIONS:
            inputs = set(ys)
            if name == "relu2":
                inputs |= set(ties) | {t | sign for t in ties[:20]}
            if name in UNSIGNED_AT_ZERO:
                inputs |= {0, sign}
            for bits in sorted(inputs):
                cr, side, ulp_log2, grid = decided_facts(fmt, name, bits)
                lines.append(f"{name} {fname} {bits:#x} {cr:#x} {side} {ulp_log2} {grid.hex()}")
    with open(args.out + ".tmp", "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(args.out + ".tmp", args.out)
    print(f"wrote {len(lines)} vectors to {args.out}")


if __name__ == "__main__":
    main()
