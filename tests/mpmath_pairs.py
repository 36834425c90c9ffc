#!/usr/bin/python3
"""Independent reference values for graded pairs (issue 14): inputs of one format, the value
scale * f(x) rounded once to another format, from mpmath (Debian's python3-mpmath).

For each pair (input format, output format, scale) and function, inputs are random bit patterns,
random values, and the hard cases: where scale * f(x) overflows or underflows the output, and
inputs of ReLU^2 and its derivative whose scaled value lies exactly halfway between two output
values (ties, rounded to even). f(x) comes from mpmath_reference.py's f_split (its definitions,
r = A + delta without cancellation); scale * r is rounded here with Python integers to the output
format, whose encodings are written below from their specifications:
  OCP OFP8 r1.0 (2023-06-20) 5.1, Tables 1 and 2: E4M3 bias 7, no infinity, NaN S.1111.111;
    E5M2 bias 15, IEEE-like (infinity S.11111.00).
  FNUZ (LLVM APFloat semFloat8E4M3FNUZ/E5M2FNUZ, ml_dtypes): bias 8 / 16, no infinity, no -0,
    the one NaN 0x80.
  OCP MX v1.0 FP6 E2M3 (bias 1), FP6 E3M2 (bias 3), FP4 E2M1 (bias 1): no infinity, no NaN.
Rounding to nearest, ties to even, with gradual underflow; a magnitude that rounds above the
largest finite value follows the non-saturating convention (OFP8 r1.0 5.2.1, Table 3): infinity
in IEEE formats and E5M2, NaN in E4M3 (sign kept) and FNUZ (0x80), and the largest value in MX
(which has neither). Nothing here uses gelucheck's code.

Output, one line per input (the format of mpmath_reference.py plus the overflow flag):
  function IN:OUT*SCALE x_bits correctly_rounded_bits side ulp_log2 grid_value_hex overflow
side = sign(r - correctly rounded value), with the rounded value taken as +-inf after an IEEE
overflow (side -1 for r > 0), undefined after a NaN overflow (side 0) and +-max in MX.
"""
import argparse
import os
import random
import struct
import sys

from mpmath import mp, mpf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mpmath_reference import (GRID_BITS, exact_parts, f_split, floor_log2,  # noqa: E402
                              round_to_precision)

# name: (exponent bits, fraction bits, bias, specials), specials one of
#   ieee (inf and NaN at the largest exponent), nan_only (E4M3FN), fnuz, finite (MX)
FORMATS = {
    "fp32": (8, 23, 127, "ieee"), "fp16": (5, 10, 15, "ieee"), "bf16": (8, 7, 127, "ieee"),
    "e4m3": (4, 3, 7, "nan_only"), "e5m2": (5, 2, 15, "ieee"),
    "e4m3fnuz": (4, 3, 8, "fnuz"), "e5m2fnuz": (5, 2, 16, "fnuz"),
    "e2m3": (2, 3, 1, "finite"), "e3m2": (3, 2, 3, "finite"), "e2m1": (2, 1, 1, "finite"),
}


class Fmt:
    def __init__(self, name):
        self.name = name
        self.e, self.f, self.bias, self.specials = FORMATS[name]
        self.p = self.f + 1
        self.nbits = 1 + self.e + self.f
        self.sign = 1 << (self.nbits - 1)
        self.emin = 1 - self.bias
        top_field = 2 ** self.e - 1
        # The largest finite pattern: IEEE below the all-ones exponent; E4M3FN the all-ones
        # exponent with fraction 110; FNUZ and MX every pattern up to all ones.
        if self.specials == "ieee":
            self.max_bits = ((top_field - 1) << self.f) | (2 ** self.f - 1)
        elif self.specials == "nan_only":
            self.max_bits = (top_field << self.f) | (2 ** self.f - 2)
        else:
            self.max_bits = (top_field << self.f) | (2 ** self.f - 1)
        self.max = self.decode(self.max_bits)

    def is_finite(self, bits):
        mag = bits & (self.sign - 1)
        if self.specials == "fnuz":
            return bits != self.sign
        return mag <= self.max_bits

    def decode(self, bits):
        sign = -1 if bits & self.sign else 1
        ef = (bits >> self.f) & (2 ** self.e - 1)
        frac = bits & (2 ** self.f - 1)
        if ef == 0:
            return sign * mp.ldexp(mpf(frac), self.emin - self.f)
        return sign * mp.ldexp(mpf(frac + 2 ** self.f), ef - self.bias - self.f)

    def overflow_bits(self, sign):
        s = self.sign if sign < 0 else 0
        if self.specials == "ieee":
            return s | ((2 ** self.e - 1) << self.f)
        if self.specials == "nan_only":
            return s | (2 ** (self.nbits - 1) - 1)
        if self.specials == "fnuz":
            return self.sign
        return s | self.max_bits

    def zero_bits(self, sign):
        return self.sign if sign < 0 and self.specials != "fnuz" else 0

    def encode_finite(self, sign, m, q):
        """Bits of sign * m * 2**q, a value of the format (no overflow)."""
        while m >= 2 ** self.p:
            m //= 2
            q += 1
        if m == 0:
            return self.zero_bits(sign)
        s = self.sign if sign < 0 else 0
        if m < 2 ** self.f:
            assert q == self.emin - self.f
            return s | m
        return s | ((q + self.f + self.bias) << self.f) | (m - 2 ** self.f)


def facts(fmt, r):
    """(cr bits, side, ulp_log2, grid value, overflow) of an exact real r."""
    if r == 0:  # relu2 and relu2' at x <= 0: +0 exactly (max(x, 0) is +0 there)
        return 0, 0, fmt.emin - fmt.p + 1, 0.0, 0
    sign, m, q = round_to_precision(r, fmt.p, fmt.emin - fmt.f)
    value = sign * mp.ldexp(mpf(m), q)
    overflow = abs(value) > fmt.max
    if overflow:
        cr = fmt.overflow_bits(sign)
        if fmt.specials == "ieee":
            side = -1 if r > 0 else 1  # r below +inf, above -inf
        elif fmt.specials == "finite":
            side = 1 if r > sign * fmt.max else -1
        else:
            side = 0  # a NaN: no side
    else:
        cr = fmt.encode_finite(sign, m, q)
        side = 0 if r == value else (1 if r > value else -1)
    _, man, exp = exact_parts(r)
    ulp_log2 = max(floor_log2(man, exp), fmt.emin) - fmt.p + 1
    gsign, gm, gq = round_to_precision(r, fmt.p + GRID_BITS, fmt.emin - fmt.f - GRID_BITS)
    grid = float(gsign * mp.ldexp(mpf(gm), gq)) if gm else (-0.0 if gsign < 0 else 0.0)
    return cr, side, ulp_log2, grid, int(overflow)


def scaled_facts(fmt, scale, a, delta):
    """facts() of scale * (a + delta). Where delta is below 2^-(prec-64) |a| (f_split keeps it
    apart so that it is not lost), scale * a has at most 77 significant bits and every point
    where a fact changes has at most p + 11: scale * a moved towards delta by 2^-(prec-32) of
    itself has the facts of the exact value."""
    sa = mpf(scale) * a
    if a == 0 or delta == 0 or abs(delta) > abs(a) * mp.ldexp(1, -(mp.prec - 64)):
        return facts(fmt, mpf(scale) * (a + delta))
    step = abs(sa) * mp.ldexp(1, -(mp.prec - 32))
    return facts(fmt, sa + (step if delta > 0 else -step))


def decided(fmt_in, fmt_out, scale, name, bits):
    prec = 512
    while True:
        results = []
        for p in (prec, 2 * prec):
            mp.prec = p
            a, delta = f_split(name, fmt_in.decode(bits))
            results.append(scaled_facts(fmt_out, scale, a, delta))
        if results[0] == results[1]:
            return results[1]
        prec *= 4
        if prec > 20000:
            raise RuntimeError(f"undecided: {name} {fmt_in.name}:{fmt_out.name} {bits:#x}")


def float32(v):
    return struct.unpack("<f", struct.pack("<f", v))[0]


def nearest_bits(fmt, v):
    """The input nearest to v (v in the format's range), by search over the patterns' values."""
    with mp.workprec(200):
        sign, m, q = round_to_precision(mpf(v), fmt.p, fmt.emin - fmt.f)
        if abs(sign * mp.ldexp(mpf(m), q)) > fmt.max:
            return fmt.max_bits | (fmt.sign if v < 0 else 0)
        return fmt.encode_finite(sign, m, q)


def ties(fmt_in, fmt_out, scale, name, limit, rng):
    """Inputs x > 0 whose scale * x^2 (relu2) or scale * 2x (relu2_grad) is exactly a midpoint of
    the output format, searched over the input's positive patterns (a sample for fp32)."""
    found = []
    count = fmt_in.max_bits
    candidates = range(1, count + 1) if count <= 70000 else [rng.randrange(1, count) for _ in
                                                            range(70000)]
    mp.prec = 300
    for b in candidates:
        x = fmt_in.decode(b)
        v = mpf(scale) * (x * x if name == "relu2" else 2 * x)
        sign, m, q = round_to_precision(v, fmt_out.p + 1, fmt_out.emin - fmt_out.f - 1)
        if sign * mp.ldexp(mpf(m), q) == v and m % 2 == 1 and abs(v) < fmt_out.max * 2:
            found.append(b)
    rng.shuffle(found)
    return found[:limit]


# (input, output, scale): a plain FP8 cast, TE's scale 448/amax with amax = 10, a power of two,
# a 24-bit scale, MX outputs, narrow inputs, and a wide pair with a scale.
PAIRS = [("bf16", "e4m3", 1.0), ("bf16", "e4m3", float32(448 / 10)), ("bf16", "e5m2", 0.125),
         ("fp16", "e4m3fnuz", float32(3.7)), ("bf16", "e2m1", 0.75),
         ("fp32", "e3m2", float32(1.2345678)), ("e4m3", "e5m2fnuz", 2.0), ("e5m2", "e2m3", 1.0),
         ("fp16", "bf16", 1.5), ("e4m3", "e4m3", float32(0.3))]
FUNCTIONS = ["gelu_erf", "gelu_tanh_grad", "silu", "silu_grad", "softplus", "mish_grad", "tanh",
             "relu2", "relu2_grad"]


def inputs_for(fmt_in, fmt_out, scale, rng):
    pts = set()
    while len(pts) < 30:
        b = rng.getrandbits(fmt_in.nbits)
        if fmt_in.is_finite(b) and b & (fmt_in.sign - 1):
            pts.add(b)
    for _ in range(20):
        pts.add(nearest_bits(fmt_in, rng.uniform(-10, 10)))
    # Where scale * x (and scale * x^2) crosses the output's largest value and its smallest
    # subnormal: the overflow and underflow boundaries of the asymptotes.
    top = float(fmt_out.max) / scale
    tiny = float(mp.ldexp(1, fmt_out.emin - fmt_out.f)) / scale
    for v in [top, top * 1.04, top ** 0.5, (top * 1.04) ** 0.5, tiny, tiny / 2, tiny * 0.75, 1.0,
              -1.0, -3.0, -8.0, 20.0, -20.0, 100.0, -100.0]:
        if 0 < abs(v) <= float(fmt_in.max):
            b = nearest_bits(fmt_in, v)
            for c in (b - 1, b, b + 1):
                if fmt_in.is_finite(c) and c & (fmt_in.sign - 1) and c < 2 ** fmt_in.nbits:
                    pts.add(c)
    return sorted(pts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20261206)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    lines = []
    for in_name, out_name, scale in PAIRS:
        fin, fout = Fmt(in_name), Fmt(out_name)
        label = f"{in_name}:{out_name}" + ("" if scale == 1 else f"*{scale!r}")
        xs = inputs_for(fin, fout, scale, rng)
        for name in FUNCTIONS:
            inputs = set(xs)
            if name in ("relu2", "relu2_grad"):
                inputs |= set(ties(fin, fout, scale, name, 12, rng))
            for bits in sorted(inputs):
                cr, side, ulp_log2, grid, overflow = decided(fin, fout, scale, name, bits)
                lines.append(f"{name} {label} {bits:#x} {cr:#x} {side} {ulp_log2} {grid.hex()} "
                             f"{overflow}")
    with open(args.out + ".tmp", "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(args.out + ".tmp", args.out)
    print(f"wrote {len(lines)} vectors to {args.out}")


if __name__ == "__main__":
    main()
