#!/usr/bin/python3
"""Saturation thresholds of the correctly rounded functions, from mpmath (Debian's python3-mpmath).

For every format and function this finds, by bisection over the format's values, the boundary of
each plateau the saturation report prints (gelucheck saturation):

  tails:     the first input from which the correctly rounded value equals the asymptote for every
             input further out (tanh -> +-1, gelu(x) = x, gelu -> -0, gelu' -> 1 and -> -0,
             tanh' -> 0);
  near zero: the last input before which every input from +-0 rounds to the value at 0
             (tanh(x) = x, gelu'(x) = 1/2, tanh'(x) = 1);

and, for the two GELU forms and their derivatives, the outermost inputs at which the erf form and
the tanh form round to different values. The activations are searched the same way: silu(x) = x,
silu -> -0, silu' -> 1 and -> -0, silu'(x) = 1/2; softplus(x) = x, softplus -> 0,
softplus' -> 1 and -> 0, softplus'(x) = 1/2; mish(x) = x, mish -> -0, mish' -> 1 and -> -0;
relu2 and relu2' -> inf (overflow), relu2(x) = 0 near +0; and relu2, relu2' = 0 on the whole
negative side (by definition, max(x, 0) = 0 there: the plateau ends at -0). Values come from mpmath_reference.decided_facts (mpmath's
functions, Python-integer rounding); nothing here uses gelucheck's code.

Bisection needs the predicate "rounds to the asymptote" to change once on the interval searched.
Why it does, on each interval used below (Q = 1 - Phi, phi the normal density, s the logistic
function, z = 2 sqrt(2/pi)(x + 0.044715 x^3)):
  - a constant asymptote A approached monotonically: rounding is monotone, so once the rounded
    value is A it stays A. tanh is increasing; tanh' = sech^2 decreases in |x|; gelu (both forms)
    increases towards 0 as x decreases below -1 (gelu_erf' = Phi + x phi < 0 there since
    Phi(x) < phi(x)/|x|, Mills' ratio); the derivatives decrease towards 1 above 2 and increase
    towards 0 below -2 (gelu_erf'' = phi (2 - x^2)); near 0 the derivatives are monotone on
    [-1/2, 1/2] and tanh' on [0, 1/2].
  - gelu(x) = x, x >= 1: the gap x - gelu(x) (= x Q(x), or x s(-z)) decreases (x Q(x) has
    derivative Q - x phi < 0; x s(-z) has derivative s(-z)(1 - x z' s(z)) < 0 as x z' s(z) > 1.5
    for x >= 1), and the spacing below x never shrinks as x grows, so the rounded value, once x,
    stays x.
  - the activations: silu and mish increase towards 0 below their minima (-1.28, -1.19) and
    silu', mish' increase towards 0 below their minima (-2.40, -2.26); above their maxima (2.40,
    1.49) silu' and mish' decrease towards 1; softplus and sigma are increasing; the gaps
    x - silu(x) = x sigma(-x) and x - mish(x) = 2x/(n + 2) (n = e^x (e^x + 2)) decrease for
    x >= 2 and softplus(x) - x = ln(1 + e^-x) decreases, with spacing below x non-decreasing, as
    for gelu(x) = x; x^2 and 2x increase, so once rounded to inf they stay inf, and x^2 rounds to
    0 on an interval [0, T].
  - tanh(x) = x near 0: the gap x - tanh x grows with x, but the spacing doubles at each power of
    two, so the predicate can come back true after failing. Only inside one binade (spacing
    constant) is it monotone: the search walks binades upwards, checking each power of two alone,
    and bisects inside the first binade where it fails.

Output, one line each:
  plateau FUNCTION FORMAT APPROACH BOUNDARY_BITS      (APPROACH: +inf, -inf, +0, -0)
  forms FUNCTION OTHER FORMAT SIDE OUTERMOST_BITS       (SIDE: + or -; FUNCTION is the erf form)
"""
import argparse
import os

from mpmath import mp, mpf

import mpmath_reference as ref


def value_of(fmt, bits):
    """The correctly rounded value of a pattern, as an mpf (inf for overflow)."""
    return fmt.decode(bits) if fmt.is_finite(bits) else mp.inf


class Plateaus:
    def __init__(self, fmt):
        self.fmt = fmt
        self.sign = 1 << (fmt.nbits - 1)
        self.cache = {}
        self.evaluations = 0

    def cr(self, name, bits):
        """Correctly rounded bits of name(x); f(+-0) = +-0 for the odd-at-zero functions, else
        the value the definition gives at 0 (1/2, 1, ln 2, 3/5, 0)."""
        key = (name, bits)
        if key not in self.cache:
            if bits & ~self.sign == 0 and name in SIGNED_ZERO:
                self.cache[key] = bits  # +-0 -> +-0
            else:
                self.evaluations += 1
                self.cache[key] = ref.decided_facts(self.fmt, name, bits)[0]
        return self.cache[key]

    def at(self, name, bits, asymptote):
        """Whether name(x) rounds to the asymptote: a number, or 'x' for the identity."""
        got = value_of(self.fmt, self.cr(name, bits))
        want = self.fmt.decode(bits) if asymptote == "x" else mpf(asymptote)
        return got == want

    # Positive patterns are ordered like their values; a negative x is handled through its
    # magnitude's pattern m (x = -value(m)).
    def signed(self, m, negative):
        return m | self.sign if negative else m

    def nearest(self, v):
        with mp.workprec(200):
            return ref.bits_of_nearest(self.fmt, abs(v))

    def tail(self, name, asymptote, negative, inner):
        """First magnitude pattern m >= pattern(inner) from which name(+-value(m)) stays at the
        asymptote up to the largest finite value: bisection, the predicate being false at inner
        and true at the largest value."""
        lo, hi = self.nearest(inner), self.fmt.max_finite_bits
        assert not self.at(name, self.signed(lo, negative), asymptote)
        assert self.at(name, self.signed(hi, negative), asymptote)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.at(name, self.signed(mid, negative), asymptote):
                hi = mid
            else:
                lo = mid
        return self.signed(hi, negative)

    def near_zero_monotone(self, name, asymptote, negative, outer):
        """Last magnitude m with the value at the asymptote on all of [0, m], for a predicate that
        changes once on [0, outer]."""
        lo, hi = 0, self.nearest(outer)
        assert self.at(name, self.signed(lo, negative), asymptote)
        assert not self.at(name, self.signed(hi, negative), asymptote)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.at(name, self.signed(mid, negative), asymptote):
                lo = mid
            else:
                hi = mid
        return self.signed(lo, negative)

    def near_zero_by_binade(self, name, negative):
        """The same for tanh(x) = x: binade by binade (see the module docstring)."""
        f = self.fmt.f
        ok = lambda m: self.at(name, self.signed(m, negative), "x")
        # The subnormals and the first normal binade share one spacing: one segment.
        segments = [(1, 2 ** (f + 1) - 1)]
        e = 2
        while (e << f) <= self.fmt.max_finite_bits:
            segments.append((e << f, ((e + 1) << f) - 1))
            e += 1
        last_good = 0
        for start, end in segments:
            if not ok(start):  # a power of two (or the smallest subnormal) checked alone
                return self.signed(last_good, negative)
            if start + 1 > end or ok(end):
                last_good = end
                continue
            lo, hi = start, end  # ok(lo), not ok(hi); monotone on the binade's interior
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if ok(mid):
                    lo = mid
                else:
                    hi = mid
            return self.signed(lo, negative)
        raise RuntimeError("tanh(x) = x everywhere?")

    def whole_negative_side(self, name, asymptote):
        """A plateau that is the whole negative side by definition (relu2, relu2' = 0 for x <= 0):
        spot-checked at -max, -1 and the smallest subnormal; it ends at -0, as the report's
        plateau walk (which does not cross zero) ends there."""
        for m in (self.fmt.max_finite_bits, self.nearest(1), 1):
            assert self.at(name, self.signed(m, True), asymptote)
        return self.sign

    def outermost_difference(self, name, other, start, step):
        """Walks from pattern `start` towards zero (step -1 on magnitudes) until name and other
        round differently; returns that input."""
        m = start & ~self.sign
        negative = bool(start & self.sign)
        while m > 0:
            b = self.signed(m, negative)
            if self.cr(name, b) != self.cr(other, b):
                return b
            m += step
        return None


# (function, asymptote, approach, x where the predicate is known false: the search's inner end)
TAILS = [
    ("gelu_erf", "x", "+inf", 1), ("gelu_erf", 0, "-inf", -1),
    ("gelu_tanh", "x", "+inf", 1), ("gelu_tanh", 0, "-inf", -1),
    ("gelu_erf_grad", 1, "+inf", 2), ("gelu_erf_grad", 0, "-inf", -2),
    ("gelu_tanh_grad", 1, "+inf", 2), ("gelu_tanh_grad", 0, "-inf", -2),
    ("tanh", 1, "+inf", 1), ("tanh", -1, "-inf", -1),
    ("tanh_grad", 0, "+inf", 1), ("tanh_grad", 0, "-inf", -1),
]
TAILS += [
    ("silu", "x", "+inf", 1), ("silu", 0, "-inf", -1),
    ("silu_grad", 1, "+inf", 3), ("silu_grad", 0, "-inf", -3),
    ("softplus", "x", "+inf", 1), ("softplus", 0, "-inf", -1),
    ("softplus_grad", 1, "+inf", 1), ("softplus_grad", 0, "-inf", -1),
    ("mish", "x", "+inf", 2), ("mish", 0, "-inf", -2),
    ("mish_grad", 1, "+inf", 2), ("mish_grad", 0, "-inf", -3),
    ("relu2", mp.inf, "+inf", 1), ("relu2_grad", mp.inf, "+inf", 1),
]
# (function, asymptote): the whole negative side
WHOLE_NEGATIVE_SIDE = [("relu2", 0), ("relu2_grad", 0)]
# (function, value at 0, x where the predicate is known false), both sides of zero
NEAR_ZERO = [("gelu_erf_grad", 0.5, 0.5), ("gelu_tanh_grad", 0.5, 0.5), ("tanh_grad", 1, 0.5),
             ("silu_grad", 0.5, 0.5), ("softplus_grad", 0.5, 0.5)]
# (function, value at 0, x where the predicate is known false), x > 0 only
NEAR_POSITIVE_ZERO = [("relu2", 0, 1)]
# f(+-0) = +-0
SIGNED_ZERO = {"gelu_erf", "gelu_tanh", "tanh", "silu", "mish"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    lines = []
    for fname in ref.FORMATS:
        fmt = ref.Fmt(fname)
        p = Plateaus(fmt)
        boundary = {}
        for name, asymptote, approach, inner in TAILS:
            b = p.tail(name, asymptote, approach == "-inf", inner)
            boundary[(name, approach)] = b
            lines.append(f"plateau {name} {fname} {approach} {b:#x}")
        for name, value, outer in NEAR_ZERO:
            for approach in ("+0", "-0"):
                b = p.near_zero_monotone(name, value, approach == "-0", outer)
                lines.append(f"plateau {name} {fname} {approach} {b:#x}")
        for name, value, outer in NEAR_POSITIVE_ZERO:
            b = p.near_zero_monotone(name, value, False, outer)
            lines.append(f"plateau {name} {fname} +0 {b:#x}")
        for name, asymptote in WHOLE_NEGATIVE_SIDE:
            b = p.whole_negative_side(name, asymptote)
            lines.append(f"plateau {name} {fname} -inf {b:#x}")
        for approach in ("+0", "-0"):
            b = p.near_zero_by_binade("tanh", approach == "-0")
            lines.append(f"plateau tanh {fname} {approach} {b:#x}")
        # Outside both forms' tail plateaus the two round alike (both are x, 1 or -0 there); the
        # outermost difference is the first one met walking inwards from there.
        for erf_form, tanh_form in (("gelu_erf", "gelu_tanh"), ("gelu_erf_grad", "gelu_tanh_grad")):
            for approach, side in (("+inf", "+"), ("-inf", "-")):
                a, b = boundary[(erf_form, approach)], boundary[(tanh_form, approach)]
                start = max(a & ~p.sign, b & ~p.sign) - 1
                start_bits = p.signed(start, side == "-")
                d = p.outermost_difference(erf_form, tanh_form, start_bits, -1)
                lines.append(f"forms {erf_form} {tanh_form} {fname} {side} {d:#x}")
        print(f"{fname}: {p.evaluations} mpmath evaluations")
    with open(args.out + ".tmp", "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(args.out + ".tmp", args.out)
    print(f"wrote {len(lines)} thresholds to {args.out}")


if __name__ == "__main__":
    main()
