#!/usr/bin/env python3
"""Complete value tables for narrow floating-point formats (issue 14 research).

Every value is derived ONLY from the format definitions written out below
(sign bit, exponent field, mantissa field, bias, special encodings), each with a
comment naming the defining document/section. No library conversion routine
(numpy, ml_dtypes, torch, ...) is used; arithmetic is exact (fractions.Fraction).

Sources for the definitions (see /work/notes/issue14-facts.md for quotes):
  [OFP8]  OCP 8-bit Floating Point Specification (OFP8) Revision 1.0, 2023-06-20
          (github.com/opencomputeproject/FP8, commit bfaa167a3d0e5f0fc74db6b582c060b355c76929),
          Sec. 5.1 "OFP8 Binary Interchange Formats", Table 1 (exponent parameters),
          Table 2 (value encoding details).
  [FNUZ]  No OCP/IEEE standard. Definition used by LLVM APFloat (llvm/lib/Support/APFloat.cpp:
          semFloat8E4M3FNUZ / semFloat8E5M2FNUZ, fltNanEncoding::NegativeZero) and
          ml_dtypes (ml_dtypes/include/float8.h class comments), following
          Noune et al., "8-bit Numerical Formats for Deep Neural Networks", arXiv:2206.02915.
  [MX]    OCP Microscaling Formats (MX) Specification v1.0 (2023), element data types
          FP6 E2M3 / FP6 E3M2 / FP4 E2M1 and scale data type E8M0.  The spec PDF itself
          could not be read in this session; the parameters below are the ones given
          (identically) by ml_dtypes/include/mxfloat.h, llvm APFloat semFloat6E2M3FN /
          semFloat6E3M2FN / semFloat4E2M1FN / semFloat8E8M0FNU and onnx docs
          float4.md / float6.md, all of which cite MX v1.0.  Section numbers UNVERIFIED.

Run:  python3 narrow_formats_table.py > narrow_formats_table.txt
      python3 narrow_formats_table.py --vectors OUT   (what tests/test_format_tables.cpp reads:
      one line per encoding, "NAME CODE CLASS VALUE" with NAME gelucheck's format name, CODE the
      encoding in hex, CLASS zero/subnormal/normal/NaN/Inf, VALUE the exact value as a hex float)

This program is the independent oracle of gelucheck's format descriptors (src/fp/format.hpp):
it shares no code with them and derives every value from the definitions below.
"""
from fractions import Fraction
import math
import sys


# ---------------------------------------------------------------------------
# Generic sign/exponent/mantissa decoder.
# Normal (E != 0):      v = (-1)^S * 2^(E - bias) * (1 + M / 2^m)
# Subnormal (E == 0):   v = (-1)^S * 2^(1 - bias) * (0 + M / 2^m)
# These two formulas are quoted from [OFP8] Sec. 5.1 ("The value, v, of a normal
# OFP8 number is v = (-1)^S x 2^(E-bias) x (1 + 2^-m x M)"; "The value, v, of a
# subnormal OFP8 number (subnormals have E = 0 and M > 0) is
# v = (-1)^S x 2^(1-bias) x (0 + 2^-m x M)").  The FNUZ and MX element formats use
# the same IEEE-754-style normal/subnormal interpretation ([FNUZ], [MX]).
# ---------------------------------------------------------------------------
def finite_value(s, e, m, ebits, mbits, bias):
    if e == 0:
        mag = Fraction(m, 2 ** mbits) * Fraction(2) ** (1 - bias)
    else:
        mag = (1 + Fraction(m, 2 ** mbits)) * Fraction(2) ** (e - bias)
    return -mag if s else mag


# ---------------------------------------------------------------------------
# Special-encoding rules per format.  Each returns None for an ordinary finite
# encoding, or a string 'NaN' / '+Inf' / '-Inf' for a special one.
# ---------------------------------------------------------------------------
def special_e4m3(s, e, m):
    # [OFP8] Sec. 5.1: "The E4M3 format does not represent infinities and uses only
    # two bit patterns for NaN (a single mantissa-exponent bit pattern but allowing
    # both values of the sign bit)"; Table 2: NaN = S.1111.111, Infinities = N/A.
    if e == 0b1111 and m == 0b111:
        return 'NaN'
    return None


def special_e5m2(s, e, m):
    # [OFP8] Sec. 5.1: "The E5M2 format represents infinities and NaNs."
    # Table 2: Infinities = S.11111.00, NaN = S.11111.{01, 10, 11}.
    if e == 0b11111:
        return ('-Inf' if s else '+Inf') if m == 0 else 'NaN'
    return None


def special_fnuz(s, e, m):
    # [FNUZ] "NaNs: Supported with sign bit set to 1, exponent bits and mantissa
    # bits set to all 0s - 0b10000000" (ml_dtypes float8.h, e4m3fnuz/e5m2fnuz);
    # "Infinities: Not supported"; hence no negative zero (UZ = unsigned zero).
    if s == 1 and e == 0 and m == 0:
        return 'NaN'
    return None


def special_none(s, e, m):
    # [MX] FP6 E2M3, FP6 E3M2, FP4 E2M1: no Inf and no NaN encodings; every bit
    # pattern is a finite number (both +0 and -0 exist).
    return None


# name, total bits, exponent bits, mantissa bits, bias, special rule, source note
FORMATS = [
    # [OFP8] Table 1: E4M3 exponent bias 7, emax 8, emin -6.
    ('OFP8 E4M3 (float8_e4m3fn)', 8, 4, 3, 7, special_e4m3,
     'OFP8 r1.0 Sec.5.1, Table 1 (bias 7), Table 2 (NaN S.1111.111, no Inf)'),
    # [OFP8] Table 1: E5M2 exponent bias 15, emax 15, emin -14.
    ('OFP8 E5M2 (float8_e5m2)', 8, 5, 2, 15, special_e5m2,
     'OFP8 r1.0 Sec.5.1, Table 1 (bias 15), Table 2 (Inf S.11111.00, NaN S.11111.{01,10,11})'),
    # [FNUZ] e4m3fnuz: "exponent bias: 8" (ml_dtypes float8.h); LLVM semFloat8E4M3FNUZ
    # = {maxExponent 7, minExponent -7, precision 4} <=> bias 8.
    ('FNUZ E4M3 (float8_e4m3fnuz)', 8, 4, 3, 8, special_fnuz,
     'arXiv:2206.02915 / LLVM semFloat8E4M3FNUZ / ml_dtypes float8_e4m3fnuz: bias 8, NaN 0x80, no Inf, no -0'),
    # [FNUZ] e5m2fnuz: "exponent bias: 16"; LLVM semFloat8E5M2FNUZ = {15, -15, 3} <=> bias 16.
    ('FNUZ E5M2 (float8_e5m2fnuz)', 8, 5, 2, 16, special_fnuz,
     'arXiv:2206.02915 / LLVM semFloat8E5M2FNUZ / ml_dtypes float8_e5m2fnuz: bias 16, NaN 0x80, no Inf, no -0'),
    # [MX] FP6 E2M3: exponent bias 1, no Inf/NaN (max 7.5).
    ('MX FP6 E2M3 (float6_e2m3fn)', 6, 2, 3, 1, special_none,
     'OCP MX v1.0 FP6 E2M3 element type: bias 1, no Inf/NaN'),
    # [MX] FP6 E3M2: exponent bias 3, no Inf/NaN (max 28).
    ('MX FP6 E3M2 (float6_e3m2fn)', 6, 3, 2, 3, special_none,
     'OCP MX v1.0 FP6 E3M2 element type: bias 3, no Inf/NaN'),
    # [MX] FP4 E2M1: exponent bias 1, no Inf/NaN (max 6).
    ('MX FP4 E2M1 (float4_e2m1fn)', 4, 2, 1, 1, special_none,
     'OCP MX v1.0 FP4 E2M1 element type: bias 1, no Inf/NaN'),
]

# Values the defining documents state explicitly; used only as self-checks of the
# derivation above (never as inputs).
STATED = {
    # [OFP8] Table 2
    'OFP8 E4M3 (float8_e4m3fn)': dict(max=Fraction(448), min_normal=Fraction(1, 2**6),
                                      min_sub=Fraction(1, 2**9), max_sub=Fraction(7, 8) * Fraction(1, 2**6)),
    'OFP8 E5M2 (float8_e5m2)': dict(max=Fraction(57344), min_normal=Fraction(1, 2**14),
                                    min_sub=Fraction(1, 2**16), max_sub=Fraction(3, 4) * Fraction(1, 2**14)),
    # [FNUZ] ml_dtypes float8_test.cc: max 240, min 2^-7, denorm_min 2^-10 (e4m3fnuz)
    'FNUZ E4M3 (float8_e4m3fnuz)': dict(max=Fraction(240), min_normal=Fraction(1, 2**7),
                                        min_sub=Fraction(1, 2**10)),
    # onnx float8.md: E5M2FNUZ min S.00000.01 = 2^-17; max S.11111.11 = 57344
    'FNUZ E5M2 (float8_e5m2fnuz)': dict(max=Fraction(57344), min_normal=Fraction(1, 2**15),
                                        min_sub=Fraction(1, 2**17)),
    # [MX] as given by ml_dtypes mxfloat.h / onnx float6.md / float4.md
    'MX FP6 E2M3 (float6_e2m3fn)': dict(max=Fraction(15, 2), min_normal=Fraction(1), min_sub=Fraction(1, 8)),
    'MX FP6 E3M2 (float6_e3m2fn)': dict(max=Fraction(28), min_normal=Fraction(1, 4), min_sub=Fraction(1, 16)),
    'MX FP4 E2M1 (float4_e2m1fn)': dict(max=Fraction(6), min_normal=Fraction(1), min_sub=Fraction(1, 2)),
}


def exact_decimal(fr):
    """Exact decimal expansion of a dyadic rational (always terminates)."""
    if fr == 0:
        return '0'
    sign = '-' if fr < 0 else ''
    fr = abs(fr)
    num, den = fr.numerator, fr.denominator
    k = den.bit_length() - 1
    assert den == 1 << k, 'not dyadic'
    digits = str(num * 5 ** k)          # fr = num*5^k / 10^k
    if k == 0:
        return sign + digits
    digits = digits.rjust(k + 1, '0')
    intpart, frac = digits[:-k], digits[-k:].rstrip('0')
    return sign + intpart + ('.' + frac if frac else '')


def hexfloat(fr, negzero=False):
    f = float(fr)                       # exact: all values are representable in binary64
    assert Fraction(f) == fr
    if negzero:
        f = -0.0
    return f.hex()


def table(name, bits, ebits, mbits, bias, special, note, out):
    width = (bits + 3) // 4
    out.append('=' * 100)
    out.append(f'{name}: {bits} bits = 1 sign + {ebits} exponent + {mbits} mantissa, bias {bias}')
    out.append(f'  definition: {note}')
    out.append('=' * 100)
    out.append(f'{"code":>6}  {"S":>1} {"E":>{ebits}} {"M":>{mbits}}  {"class":<10} {"value (exact decimal)":<28} hex-float')
    finite = []
    nan_codes, inf_codes = [], []
    for code in range(2 ** bits):
        s = code >> (bits - 1)
        e = (code >> mbits) & ((1 << ebits) - 1)
        m = code & ((1 << mbits) - 1)
        sp = special(s, e, m)
        if sp is not None:
            cls, dec, hx = ('NaN' if sp == 'NaN' else 'Inf'), sp, sp
            (nan_codes if sp == 'NaN' else inf_codes).append(code)
        else:
            v = finite_value(s, e, m, ebits, mbits, bias)
            if v == 0:
                cls = 'zero'
            elif e == 0:
                cls = 'subnormal'
            else:
                cls = 'normal'
            negzero = (v == 0 and s == 1)
            dec = ('-0' if negzero else exact_decimal(v))
            hx = hexfloat(v, negzero)
            finite.append((code, v, cls, s))
        out.append(f'0x{code:0{width}X}  {s:1d} {e:0{ebits}b} {m:0{mbits}b}  {cls:<10} {dec:<28} {hx}')
    pos = [v for _, v, _, _ in finite if v > 0]
    vmax = max(pos)
    min_normal = min(v for _, v, c, _ in finite if c == 'normal' and v > 0)
    min_sub = min(v for _, v, c, _ in finite if c == 'subnormal' and v > 0)
    max_sub = max(v for _, v, c, _ in finite if c == 'subnormal' and v > 0)
    zeros = [c for c, v, _, _ in finite if v == 0]
    # ulp of the top binade: 2^(emax) * 2^-mbits  (same formula as the normal-value definition)
    top_exp = math.floor(math.log2(vmax))
    ulp_top = Fraction(2) ** (top_exp - mbits)
    out.append('-' * 100)
    out.append(f'  summary for {name}')
    out.append(f'    max finite          = {exact_decimal(vmax)}  ({hexfloat(vmax)})')
    out.append(f'    min normal          = {exact_decimal(min_normal)}  ({hexfloat(min_normal)})')
    out.append(f'    max subnormal       = {exact_decimal(max_sub)}  ({hexfloat(max_sub)})')
    out.append(f'    min subnormal       = {exact_decimal(min_sub)}  ({hexfloat(min_sub)})')
    out.append(f'    zero encodings      = {", ".join(f"0x{c:0{width}X}" for c in zeros)}')
    out.append(f'    NaN encodings       = {", ".join(f"0x{c:0{width}X}" for c in nan_codes) or "none"}')
    out.append(f'    Inf encodings       = {", ".join(f"0x{c:0{width}X}" for c in inf_codes) or "none"}')
    out.append(f'    distinct finite values (counting +0/-0 once) = {len(set(v for _, v, _, _ in finite))}')
    # Derived (not stated in the specs): under round-to-nearest-even, a positive input
    # x rounds to a value above max finite iff x >= max + ulp_top/2 (the midpoint ties to
    # the neighbour whose last mantissa bit is even: that is the out-of-range neighbour
    # when max has an odd last mantissa bit -- true for every format here except OFP8
    # E4M3, whose max S.1111.110 is even, so 464 rounds down to 448).
    mid = vmax + ulp_top / 2
    max_code_m = max(c for c, v, _, _ in finite if v == vmax) & ((1 << mbits) - 1)
    tie_goes_up = (max_code_m & 1) == 1   # RNE: tie goes to the neighbour with even last bit
    out.append(f'    DERIVED overflow midpoint (max + ulp/2) = {exact_decimal(mid)}; RNE tie at exactly this value '
               f'rounds {"UP (out of range)" if tie_goes_up else "DOWN to max"} because max mantissa LSB = {max_code_m & 1}')
    out.append(f'    DERIVED underflow midpoint (min subnormal / 2) = {exact_decimal(min_sub / 2)}; RNE tie rounds to zero '
               f'(zero is even)')
    st = STATED.get(name, {})
    checks = dict(max=vmax, min_normal=min_normal, min_sub=min_sub, max_sub=max_sub)
    for k, want in st.items():
        assert checks[k] == want, (name, k, checks[k], want)
    out.append(f'    self-check vs values stated in the defining documents: {", ".join(sorted(st))} OK')
    out.append('')


def table_e8m0(out):
    # [MX] E8M0 scale: 8-bit unsigned exponent, no sign, no mantissa, bias 127,
    # value 2^(E-127) for E = 0..254, E = 0xFF is NaN; no zero, no Inf.
    # (ml_dtypes float8.h float8_e8m0fnu: "exponent bias: 127", "NaNs: Supported with
    # exponent bits set to 1s - 0b11111111", "infinities: Not supported";
    # LLVM semFloat8E8M0FNU = {127, -127, 1, 8, NanOnly, AllOnes, hasZero=false, hasSignedRepr=false}.)
    out.append('=' * 100)
    out.append('MX E8M0 scale (float8_e8m0fnu): 8 bits = 8-bit exponent, no sign, no mantissa, bias 127')
    out.append('  definition: OCP MX v1.0 shared-scale type E8M0: value 2^(E-127), 0xFF = NaN, no zero, no Inf')
    out.append('=' * 100)
    out.append(f'{"code":>6}  {"E":>8}  {"class":<10} {"value (exact decimal)":<50} hex-float')
    for code in range(256):
        if code == 0xFF:
            out.append(f'0x{code:02X}  {code:08b}  {"NaN":<10} {"NaN":<50} NaN')
            continue
        v = Fraction(2) ** (code - 127)
        dec = exact_decimal(v)
        if len(dec) > 48:
            dec = f'2^{code - 127} (= {float(v):.17g})'
        out.append(f'0x{code:02X}  {code:08b}  {"power2":<10} {dec:<50} {hexfloat(v)}')
    out.append('-' * 100)
    out.append('  summary: min 2^-127 (0x00), 1.0 = 0x7F, max 2^127 (0xFE), NaN 0xFF, 255 finite values')
    assert Fraction(2) ** (0 - 127) == Fraction(1, 2 ** 127) and Fraction(2) ** (0xFE - 127) == 2 ** 127
    out.append('')


# gelucheck's names of the formats above, in the same order.
GELUCHECK_NAMES = ['e4m3', 'e5m2', 'e4m3fnuz', 'e5m2fnuz', 'e2m3', 'e3m2', 'e2m1']


def vectors(path):
    lines = []
    for gname, (name, bits, ebits, mbits, bias, special, note) in zip(GELUCHECK_NAMES, FORMATS):
        table(name, bits, ebits, mbits, bias, special, note, [])  # runs the self-checks
        for code in range(2 ** bits):
            s = code >> (bits - 1)
            e = (code >> mbits) & ((1 << ebits) - 1)
            m = code & ((1 << mbits) - 1)
            sp = special(s, e, m)
            if sp == 'NaN':
                lines.append(f'{gname} {code:x} NaN nan')
            elif sp is not None:
                lines.append(f'{gname} {code:x} Inf {"-inf" if s else "inf"}')
            else:
                v = finite_value(s, e, m, ebits, mbits, bias)
                cls = 'zero' if v == 0 else 'subnormal' if e == 0 else 'normal'
                lines.append(f'{gname} {code:x} {cls} {hexfloat(v, v == 0 and s == 1)}')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--vectors':
        vectors(sys.argv[2])
        return
    out = ['# Narrow floating-point value tables, generated by narrow_formats_table.py',
           '# Values derived only from the format definitions (see docstring / comments).',
           '# "value" is the exact decimal value; hex-float is Python float.hex() of the same exact value.',
           '# code = the encoding as an unsigned integer (4/6-bit formats shown in their low bits).',
           '']
    for f in FORMATS:
        table(*f, out)
    table_e8m0(out)
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
