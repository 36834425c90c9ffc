#!/usr/bin/python3
"""Independent values for gelucheck's gradient report, from mpmath (Debian's python3-mpmath).

Nothing here uses gelucheck's code, formulas or constants; format rounding comes from
mpmath_reference.py (Python integers). Written from the definitions of the derivatives:
  gelu_erf_grad  = ncdf(x) + x npdf(x)
  gelu_tanh_grad = 1/(1 + exp(-2u)) + x/2 sech(u)^2 c (1 + 3 K x^2), u = c (x + K x^3), c = sqrt(2/pi)
  tanh_grad      = sech(x)^2
  silu_grad      = s(x) (1 + x s(-x)),  s(x) = 1/(1 + exp(-x))
  softplus_grad  = s(x)
  mish_grad      = tanh(sp) + x sech(sp)^2 s(x),  sp = ln(1 + exp(x))
  relu2_grad     = 2 max(x, 0)
(0.5 (1 + tanh u) = 1/(1 + exp(-2u)) avoids cancellation for x << 0.) SiLU's minimum, the root
of silu' = 0, is written from the Lambert W function: s(x) (1 + x s(-x)) = 0 means
1 + x/(1 + e^x) = 0, i.e. x + 1 + e^x = 0; with u = -(x + 1), u e^u = 1/e, so
x* = -1 - W0(1/e) (mp.lambertw), not found numerically.

Output lines:
  extremum FN X_HEX          a root of f'' found by mp.findroot on mp.diff (double nearest)
  root FN X_HEX              the root of f' (double nearest)
  value FN FMT max|min BITS  the largest / smallest correctly rounded f' over the format's values
  interval FN FMT FEATURE FIRST_BITS LAST_BITS
      the inputs where a feature holds, as maximal runs of consecutive format values; FEATURE is
      max, min (rounds to that value), negative (rounds below zero), below:1e-2, below:1e-4,
      below:eps (|rounded f'| < threshold; eps = 2^(1-p)), zero (rounds to +-0)
  crossing FN FMT BELOW_BITS ABOVE_BITS   the inputs either side of the root of f'
  The same lines for graded pairs (FMT = IN:OUT or IN:OUT*S, issue 14): inputs of IN, the value
      S f'(x) rounded once to OUT by mpmath_pairs.py's facts() (Python integers, OUT's
      encodings from the OFP8 and MX specifications, the non-saturating convention); eps is
      OUT's 2^(1-p), and FEATURE also takes overflow (S f' rounds beyond OUT's largest value).
  kappa FN X_HEX KAPPA_HEX   |x f''(x) / f'(x)|, f'' by mp.diff (numerical, 200 digits)
  flow FN SIGMA VALUE_HEX    E[f'(z)^2], z ~ N(0, sigma^2), by mp.quad

A feature holds on a format input x iff the real f'(x) is on the right side of a rounding
boundary B (the midpoint between the two format values around a threshold T; for T itself a
format value, between T and its predecessor), so each run end is found by bisection over the
format's values on a piece where f' is monotone, comparing the real f'(x) with B.
"""
import argparse
import os
import sys

from mpmath import mp, mpf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mpmath_reference import FORMATS, Fmt, round_to_precision, encode, bits_of_nearest  # noqa
from mpmath_pairs import Fmt as PairFmt, facts as pair_facts, float32  # noqa: E402

K = mpf(44715) / 10 ** 6


def d_gelu_erf(x):
    return mp.ncdf(x) + x * mp.npdf(x)


def d_gelu_tanh(x):
    c = mp.sqrt(2 / mp.pi)
    u = c * (x + K * x ** 3)
    return 1 / (1 + mp.exp(-2 * u)) + x / 2 * mp.sech(u) ** 2 * c * (1 + 3 * K * x ** 2)


def d_tanh(x):
    return mp.sech(x) ** 2


def sigmoid(x):
    return 1 / (1 + mp.exp(-x))


def d_silu(x):
    return sigmoid(x) * (1 + x * sigmoid(-x))


def d_softplus(x):
    return sigmoid(x)


def d_mish(x):
    sp = x + mp.log1p(mp.exp(-x)) if x > 0 else mp.log1p(mp.exp(x))
    return mp.tanh(sp) + x * mp.sech(sp) ** 2 * sigmoid(x)


def d_relu2(x):
    return 2 * x if x > 0 else mpf(0)


DERIVATIVES = {"gelu_erf_grad": d_gelu_erf, "gelu_tanh_grad": d_gelu_tanh, "tanh_grad": d_tanh,
               "silu_grad": d_silu, "softplus_grad": d_softplus, "mish_grad": d_mish,
               "relu2_grad": d_relu2}


def ordinal(fmt, bits):
    sign = 1 << (fmt.nbits - 1)
    return -1 - (bits & ~sign) if bits & sign else bits


def from_ordinal(fmt, o):
    return o if o >= 0 else (1 << (fmt.nbits - 1)) | (-1 - o)


def value(fmt, o):
    return fmt.decode(from_ordinal(fmt, o))


def rounded(fmt, r):
    """Bits of the real r rounded to nearest-even in the format."""
    if r == 0:
        return 0
    sign, m, q = round_to_precision(r, fmt.p, fmt.emin - fmt.f)
    return encode(fmt, sign, m, q)


def first_ordinal_at_or_above(fmt, c):
    """The smallest finite ordinal whose value is >= c."""
    o = ordinal(fmt, rounded(fmt, c))
    while o > -fmt.max_finite_bits - 1 and value(fmt, o - 1) >= c:
        o -= 1
    while value(fmt, o) < c:
        o += 1
    return o


def succ(fmt, o):
    o += 1
    if o == 0:  # skip from -0 to +0: same value
        o += 1
    return o


def pred(fmt, o):
    o -= 1
    if o == -1:
        o -= 1
    return o


def midpoint_below(fmt, v_bits):
    """The rounding boundary between the format value v and the next value below it."""
    o = ordinal(fmt, v_bits)
    return (value(fmt, pred(fmt, o)) + value(fmt, o)) / 2


def midpoint_above(fmt, v_bits):
    o = ordinal(fmt, v_bits)
    return (value(fmt, o) + value(fmt, succ(fmt, o))) / 2


def threshold_boundary(fmt, t):
    """B with: |round(y)| < t  <=>  |y| < B, for t > 0 (ties measure zero)."""
    hi = rounded(fmt, t)
    if fmt.decode(hi) < t:
        hi = from_ordinal(fmt, succ(fmt, ordinal(fmt, hi)))
    return midpoint_below(fmt, hi)


def runs(fmt, pieces, holds):
    """Maximal runs of ordinals where holds(o) is true, given that holds is monotone on each
    piece (lo, hi): bisection for the change on each piece, then adjacent runs merged."""
    out = []
    for lo, hi in pieces:
        a, b = holds(lo), holds(hi)
        if a and b:
            run = (lo, hi)
        elif not a and not b:
            continue
        else:
            l, h = lo, hi
            while h - l > 1:
                mid = (l + h) // 2
                if holds(mid) == a:
                    l = mid
                else:
                    h = mid
            run = (lo, l) if a else (h, hi)
        if out and out[-1][1] + 1 == run[0]:
            out[-1] = (out[-1][0], run[1])
        else:
            out.append(run)
    return out


# Starting points for findroot: (f'' = 0 near these, f' = 0 near these), read off plots of f'.
STARTS = {"gelu_erf_grad": (["1.4", "-1.4"], ["-0.75"]),
          "gelu_tanh_grad": (["1.4", "-1.4"], ["-0.75"]),
          "silu_grad": (["2.4", "-2.4"], None),
          "mish_grad": (["1.5", "-2.25"], ["-1.2"])}


def critical_points(name):
    d = DERIVATIVES[name]
    if name == "tanh_grad":
        return [mpf(0)], []
    if name in ("softplus_grad", "relu2_grad"):  # monotone (s' = s(1 - s) > 0; 2 max(x, 0))
        return [], []
    second = lambda x: mp.diff(d, x)  # noqa: E731
    extrema_starts, zero_starts = STARTS[name]
    extrema = sorted(mp.findroot(second, mpf(a)) for a in extrema_starts)
    if name == "silu_grad":
        zeros = [-1 - mp.lambertw(1 / mp.e).real]  # see the top
    else:
        zeros = [mp.findroot(d, mpf(z)) for z in zero_starts]
    return extrema, zeros


def monotone_pieces(fmt, cuts):
    """The format's finite ordinals cut where f' has an extremum or a zero."""
    top = fmt.max_finite_bits
    pieces, start = [], -top - 1
    for c in sorted(cuts):
        o = first_ordinal_at_or_above(fmt, c)
        if o > start:
            pieces.append((start, o - 1))
        start = max(start, o)
    pieces.append((start, top))
    return pieces


def landscape(name, fmt, lines):
    d = DERIVATIVES[name]
    extrema, zeros = critical_points(name)
    pieces = monotone_pieces(fmt, extrema + zeros)

    cache = {}

    def fp(o):
        if o not in cache:
            cache[o] = d(value(fmt, o))
        return cache[o]

    ends = sorted({o for p in pieces for o in p})
    vals = [rounded(fmt, fp(o)) for o in ends]
    vmax = max(vals, key=lambda b: decoded(fmt, b))
    vmin = min(vals, key=lambda b: decoded(fmt, b))
    lines.append(f"value {name} {fmt.name} max {vmax:#x}")
    lines.append(f"value {name} {fmt.name} min {vmin:#x}")

    def emit(feature, holds):
        for a, b in runs(fmt, pieces, holds):
            lines.append(f"interval {name} {fmt.name} {feature} {from_ordinal(fmt, a):#x} "
                         f"{from_ordinal(fmt, b):#x}")

    if fmt.is_finite(vmax):
        b_max = midpoint_below(fmt, vmax)
        emit("max", lambda o: fp(o) > b_max)
    else:  # relu2' = 2x overflows: at or above max + ulp/2 (a tie there rounds to inf, even)
        overflow = fmt.decode(fmt.max_finite_bits) + mp.ldexp(1, fmt.emax - fmt.f - 1)
        emit("max", lambda o: fp(o) >= overflow)
    b_min = midpoint_above(fmt, vmin)
    emit("min", lambda o: fp(o) < b_min)
    half_tiny = mp.ldexp(1, fmt.emin - fmt.f - 1)
    emit("negative", lambda o: fp(o) < -half_tiny)
    for label, t in (("1e-2", mpf("1e-2")), ("1e-4", mpf("1e-4")),
                     ("eps", mp.ldexp(1, 1 - fmt.p))):
        bound = threshold_boundary(fmt, t)
        emit(f"below:{label}", lambda o, bound=bound: abs(fp(o)) < bound)
    emit("zero", lambda o: abs(fp(o)) < half_tiny)
    for z in zeros:
        above = first_ordinal_at_or_above(fmt, z)
        lines.append(f"crossing {name} {fmt.name} {from_ordinal(fmt, above - 1):#x} "
                     f"{from_ordinal(fmt, above):#x}")


# (input, output, scale, name as gelucheck spells it): 44.8 is the float32 nearest 448/10, the
# Transformer Engine scale of analyses/fp8_outputs.toml.
PAIRS = [("bf16", "e4m3", 1, "bf16:e4m3"), ("bf16", "e4m3", float32(44.8), "bf16:e4m3*44.8"),
         ("bf16", "e5m2", 1, "bf16:e5m2"), ("fp16", "e4m3fnuz", 1, "fp16:e4m3fnuz"),
         ("bf16", "e2m1", 1, "bf16:e2m1")]


def pair_landscape(name, fin, fout, scale, pair_name, lines):
    """landscape() for a graded pair: the value at input ordinal o is S f'(x) rounded to OUT,
    +-inf where it rounds beyond OUT's largest finite value; every feature is a predicate on that
    value, monotone on each piece where f' is, so it is found by bisection on the pieces."""
    d = DERIVATIVES[name]
    extrema, zeros = critical_points(name)
    pieces = monotone_pieces(fin, extrema + zeros)
    cache = {}

    def graded(o):
        """(value, bits): the rounded S f'(x) as a real (+-inf on overflow) and its bits."""
        if o not in cache:
            r = mpf(scale) * d(value(fin, o))
            cr, _, _, _, overflow = pair_facts(fout, r)
            v = (mp.inf if r > 0 else -mp.inf) if overflow else fout.decode(cr)
            cache[o] = (v, cr)
        return cache[o]

    ends = [o for p in pieces for o in p]
    vmax = max(ends, key=lambda o: graded(o)[0])
    vmin = min(ends, key=lambda o: graded(o)[0])
    top_v, low_v = graded(vmax)[0], graded(vmin)[0]
    lines.append(f"value {name} {pair_name} max {graded(vmax)[1]:#x}")
    lines.append(f"value {name} {pair_name} min {graded(vmin)[1]:#x}")

    def emit(feature, holds):
        for a, b in runs(fin, pieces, holds):
            lines.append(f"interval {name} {pair_name} {feature} {from_ordinal(fin, a):#x} "
                         f"{from_ordinal(fin, b):#x}")

    emit("max", lambda o: graded(o)[0] >= top_v)
    emit("min", lambda o: graded(o)[0] <= low_v)
    emit("negative", lambda o: graded(o)[0] < 0)
    for label, t in (("1e-2", mpf("1e-2")), ("1e-4", mpf("1e-4")),
                     ("eps", mp.ldexp(1, 1 - fout.p))):
        emit(f"below:{label}", lambda o, t=t: abs(graded(o)[0]) < t)
    emit("zero", lambda o: graded(o)[0] == 0)
    emit("overflow", lambda o: mp.isinf(graded(o)[0]))
    for z in zeros:
        above = first_ordinal_at_or_above(fin, z)
        lines.append(f"crossing {name} {pair_name} {from_ordinal(fin, above - 1):#x} "
                     f"{from_ordinal(fin, above):#x}")


def decoded(fmt, bits):
    """The value of a pattern, +-inf included."""
    if fmt.is_finite(bits):
        return fmt.decode(bits)
    return -mp.inf if bits >> (fmt.nbits - 1) else mp.inf


def kappa(name, x):
    d = DERIVATIVES[name]
    with mp.workdps(200):
        return abs(x * mp.diff(d, x) / d(x))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    mp.prec = 256
    lines = []
    for name in DERIVATIVES:
        extrema, zeros = critical_points(name)
        for c in extrema:
            lines.append(f"extremum {name} {float(c).hex()}")
        for z in zeros:
            lines.append(f"root {name} {float(z).hex()}")
        for fname in FORMATS:
            landscape(name, Fmt(fname), lines)
        for fin, fout, scale, pair_name in PAIRS:
            pair_landscape(name, Fmt(fin), PairFmt(fout), scale, pair_name, lines)
        # Large positive x stays below 10: there f' = 1 - tiny, and a 200-digit numerical
        # derivative resolves f'' only down to ~1e-190 (at x = 20 the tanh form's is 5e-256).
        for x in ("-40.5", "-31", "-12", "-5.25", "-1.5", "-0.5", "-0.0625", "0.375", "1", "2.5",
                  "6", "9"):
            xv = mpf(float(x))
            if name == "relu2_grad" and xv < 0:
                continue  # f' = 0 on a whole interval there: kappa is 0 by definition, not 0/0
            lines.append(f"kappa {name} {float(xv).hex()} {float(kappa(name, xv)).hex()}")
        for sigma in ("0.5", "1", "2", "4"):
            s = mpf(sigma)
            with mp.workdps(30):
                e = mp.quad(lambda z: DERIVATIVES[name](z) ** 2 * mp.npdf(z, 0, s),
                            [-mp.inf, -2, 0, 2, mp.inf])
            lines.append(f"flow {name} {sigma} {float(e).hex()}")
    with open(args.out + ".tmp", "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(args.out + ".tmp", args.out)
    print(f"wrote {len(lines)} lines to {args.out}")


if __name__ == "__main__":
    main()
