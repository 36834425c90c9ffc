#!/usr/bin/python3
"""Exact ULP errors of chosen results, from mpmath, for the test that gelucheck prints only true
digits (render/text.hpp, sweep/metrics.hpp remark 4).

For a few functions in each format this picks inputs x (random bit patterns of moderate
magnitude, so the exact value is far from every tail rule), and for each x a few results y: the
correctly rounded value and values 1, 2, 3, 17 and 1000 steps away on either side. It writes the
exact error (y - r) / ulp(r), ulp(r) = 2^(max(floor(log2|r|), emin) - p + 1), computed from r at
512 bits (the functions and the rounding are mpmath_reference.py's, which uses nothing of
gelucheck).

Output, one line per (x, y):
  function format x_bits y_bits error
with error a decimal of 40 significant digits.
"""
import argparse
import os
import random
import sys

from mpmath import mp, mpf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mpmath_reference as ref  # noqa: E402  (the same directory)

FUNCTIONS = ["tanh", "gelu_erf", "silu", "softplus", "mish_grad"]
STEPS = [0, 1, -1, 2, -2, 3, -3, 17, -17, 1000, -1000]


def ordinal(fmt, bits):
    """Consecutive integers over the finite values, +0 and -0 both 0."""
    mag = bits & ((1 << (fmt.nbits - 1)) - 1)
    return -mag if bits >> (fmt.nbits - 1) else mag


def from_ordinal(fmt, k):
    return (1 << (fmt.nbits - 1)) | -k if k < 0 else k


def pick_input(fmt, rng):
    """A random value with 2^-6 <= |x| < 8: every function here is resolved by its formula."""
    while True:
        bits = rng.getrandbits(fmt.nbits)
        if not fmt.is_finite(bits):
            continue
        x = fmt.decode(bits)
        if mpf(2) ** -6 <= abs(x) < 8:
            return bits


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20261216)
    ap.add_argument("--inputs", type=int, default=10, help="inputs per function and format")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    lines = []
    for fname in ref.FORMATS:
        fmt = ref.Fmt(fname)
        for name in FUNCTIONS:
            for _ in range(args.inputs):
                bits = pick_input(fmt, rng)
                mp.prec = 512
                a, delta = ref.f_split(name, fmt.decode(bits))
                r = a + delta
                cr, _side, ulp_log2, _grid = ref.facts(fmt, r)
                steps = rng.sample(STEPS, 4) + [0]
                for k in sorted(set(steps)):
                    o = ordinal(fmt, cr) + k
                    if abs(o) > fmt.max_finite_bits:
                        continue
                    y = from_ordinal(fmt, o)
                    err = (fmt.decode(y) - r) / mp.ldexp(mpf(1), ulp_log2)
                    lines.append(f"{name} {fname} {bits:#x} {y:#x} {mp.nstr(err, 40)}")
    with open(args.out + ".tmp", "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(args.out + ".tmp", args.out)
    print(f"wrote {len(lines)} errors to {args.out}")


if __name__ == "__main__":
    main()
