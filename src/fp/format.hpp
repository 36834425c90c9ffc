// Number formats described as data.
//
// A format is its sign/exponent/fraction widths and how it encodes special values; everything
// else (bias, masks, precision, limits, the MPFR exponent range) is derived here and nowhere else.
// Values of a format travel through the program as their bit pattern (`uint32_t`, low bits used)
// together with the `Format` they belong to. Every finite value of every supported format is
// exactly representable as a double, which is how values are converted for arithmetic.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gelucheck {

// How a format encodes what is not a finite number. Every other property of a format (bias,
// largest value, NaN and zero encodings, order) follows from this and the widths.
enum class Specials {
  ieee,         // largest exponent field: infinity (fraction 0) and NaN (fraction != 0)
  nan_only,     // no infinity; only the all-ones exponent and fraction is NaN, of either sign
                // (OCP OFP8 r1.0 E4M3, "E4M3FN": Table 2, NaN S.1111.111)
  fnuz,         // no infinity, no negative zero: the one NaN is the sign bit alone (1.000...0),
                // the exponent bias is one more than IEEE's ("FNUZ": LLVM APFloat
                // fltNanEncoding::NegativeZero, ml_dtypes float8_e4m3fnuz; AMD MI300, Graphcore)
  finite_only,  // no infinity and no NaN: every pattern is a number (OCP MX v1.0 FP6, FP4)
};

struct Format {
  std::string_view name;
  std::string_view summary;
  int exponent_bits;
  int fraction_bits;
  Specials specials = Specials::ieee;
  // A graded pair (`-t bf16:e4m3`, `--scale S`; format_pair() makes them): the inputs are values
  // of *input and the result graded is scale * f(x) rounded once to this layout, whose plain
  // format is *output. Everything about results (bits, rounding, ulp) is this layout's; whatever
  // concerns inputs asks in(). Null for the plain formats, which are their own input and output.
  const Format* input = nullptr;
  const Format* output = nullptr;
  double scale = 1;  // a positive float32

  constexpr const Format& in() const { return input ? *input : *this; }
  constexpr const Format& out() const { return output ? *output : *this; }
  constexpr bool is_pair() const { return input != nullptr; }

  constexpr int total_bits() const { return 1 + exponent_bits + fraction_bits; }
  constexpr int precision() const { return fraction_bits + 1; }  // p, hidden bit included
  // IEEE's bias 2^(w-1) - 1, one more for FNUZ (e4m3fnuz 8, e5m2fnuz 16: ml_dtypes float8.h).
  constexpr int bias() const {
    return (1 << (exponent_bits - 1)) - 1 + (specials == Specials::fnuz ? 1 : 0);
  }
  constexpr int max_exponent_field() const { return (1 << exponent_bits) - 1; }
  // Unbiased exponents: the smallest normal is 2^emin, the largest finite is below 2^(emax+1).
  constexpr int emin() const { return 1 - bias(); }
  constexpr int emax() const {
    return specials == Specials::ieee ? max_exponent_field() - 1 - bias()
                                      : max_exponent_field() - bias();
  }
  constexpr int min_subnormal_log2() const { return emin() - fraction_bits; }
  // MPFR convention (significand in [1/2, 1)): binary32 gives [-148, 128], binary16 [-23, 16].
  constexpr long mpfr_emin() const { return min_subnormal_log2() + 1; }
  constexpr long mpfr_emax() const { return emax() + 1; }

  constexpr uint32_t sign_mask() const { return uint32_t{1} << (total_bits() - 1); }
  constexpr uint32_t fraction_mask() const { return (uint32_t{1} << fraction_bits) - 1; }
  constexpr uint32_t exponent_mask() const {
    return uint32_t(max_exponent_field()) << fraction_bits;
  }
  constexpr uint32_t all_bits_mask() const {
    return total_bits() == 32 ? ~uint32_t{0} : (uint32_t{1} << total_bits()) - 1;
  }
  constexpr bool has_infinity() const { return specials == Specials::ieee; }
  constexpr bool has_nan() const { return specials != Specials::finite_only; }
  constexpr bool has_negative_zero() const { return specials != Specials::fnuz; }
  constexpr uint32_t infinity_bits() const { return exponent_mask(); }  // only if has_infinity()
  // The canonical NaN (IEEE: the quiet NaN with payload 0). A format without NaN (MX) has none:
  // its NaN results are implementation-defined (MX v1.0; ml_dtypes gives -0), and this is -0.
  constexpr uint32_t nan_bits() const {
    switch (specials) {
      case Specials::ieee:
        return exponent_mask() | (uint32_t{1} << (fraction_bits - 1));
      case Specials::nan_only:
        return exponent_mask() | fraction_mask();
      case Specials::fnuz:
      case Specials::finite_only:
        return sign_mask();
    }
    return 0;
  }
  constexpr uint32_t max_finite_bits() const {
    switch (specials) {
      case Specials::ieee:
        return exponent_mask() - (uint32_t{1} << fraction_bits) + fraction_mask();
      case Specials::nan_only:
        return exponent_mask() | (fraction_mask() - 1);
      case Specials::fnuz:
      case Specials::finite_only:
        return exponent_mask() | fraction_mask();
    }
    return 0;
  }
  constexpr uint32_t min_subnormal_bits() const { return 1; }
  constexpr uint32_t one_bits() const { return uint32_t(bias()) << fraction_bits; }
  // Number of distinct bit patterns.
  constexpr uint64_t pattern_count() const { return uint64_t{1} << total_bits(); }
};

// The formats this tool knows. Adding one is one line here, in all_formats, plus a test.
inline constexpr Format fp32{"fp32", "IEEE 754 binary32 (float)", 8, 23};
inline constexpr Format fp16{"fp16", "IEEE 754 binary16 (half)", 5, 10};
inline constexpr Format bf16{"bf16", "bfloat16: binary32 with the fraction cut to 7 bits", 8, 7};
// 8-bit formats: OCP OFP8 r1.0 (2023-06-20) Section 5.1, Tables 1 and 2; FNUZ as LLVM APFloat
// semFloat8E4M3FNUZ/E5M2FNUZ and ml_dtypes define them (no OCP or IEEE document).
inline constexpr Format e4m3{"e4m3", "OCP FP8 E4M3 (E4M3FN): no inf, NaN S.1111.111, max 448", 4, 3,
                             Specials::nan_only};
inline constexpr Format e5m2{"e5m2", "OCP FP8 E5M2: IEEE-like, max 57344", 5, 2};
inline constexpr Format e4m3fnuz{"e4m3fnuz", "FP8 E4M3 FNUZ (AMD MI300, Graphcore): max 240", 4, 3,
                                 Specials::fnuz};
inline constexpr Format e5m2fnuz{"e5m2fnuz", "FP8 E5M2 FNUZ (AMD MI300, Graphcore): max 57344", 5,
                                 2, Specials::fnuz};
// OCP Microscaling (MX) v1.0 element formats (one element per byte in files, low bits).
inline constexpr Format e2m3{"e2m3", "OCP MX FP6 E2M3: no inf, no NaN, max 7.5", 2, 3,
                             Specials::finite_only};
inline constexpr Format e3m2{"e3m2", "OCP MX FP6 E3M2: no inf, no NaN, max 28", 3, 2,
                             Specials::finite_only};
inline constexpr Format e2m1{"e2m1", "OCP MX FP4 E2M1: no inf, no NaN, max 6", 2, 1,
                             Specials::finite_only};

// The formats whose hot loops and catalogue kernels are instantiated at compile time, as a
// compile-time list (formulas are instantiated per format). The narrower formats take the same
// code at run time (with_constant_format; catalogue kernels through float or double): a format
// added here multiplies the catalogue's compile time.
template <const Format&... Fs>
struct FormatList {
  static constexpr const Format* formats[] = {&Fs...};
  // Calls visitor.template operator()<F>() for the F that is `f`; `fallback` if none is.
  template <class Visitor, class R>
  static R visit(const Format& f, Visitor&& visitor, R fallback) {
    R result = fallback;
    ((&f == &Fs ? (result = visitor.template operator()<Fs>(), true) : false) || ...);
    return result;
  }
};
using BuiltinFormats = FormatList<fp32, fp16, bf16>;
// Every format, in the order of lists (the instantiated ones first).
inline constexpr const Format* all_formats[] = {&fp32,     &fp16,     &bf16, &e4m3, &e5m2,
                                                &e4m3fnuz, &e5m2fnuz, &e2m3, &e3m2, &e2m1};
// What commands take when no format is named: the wide formats (existing outputs unchanged).
inline constexpr std::span<const Format* const> default_formats(all_formats, 3);

// Calls body(f) with f, when it is a built-in format, as that compile-time constant, so that a
// hot loop inlined into body (which must be always_inline) sees its masks and widths as
// constants; any other format takes the same body at run time.
template <class Body>
void with_constant_format(const Format& f, Body&& body) {
  if (BuiltinFormats::visit(
          f, [&]<const Format & F>() { return body(F), true; }, false))
    return;
  body(f);
}

// Checks that a descriptor is one this program can handle exactly.
constexpr bool format_is_supported(const Format& f) {
  return f.total_bits() <= 32 && f.exponent_bits >= 2 && f.fraction_bits >= 1 &&
         // every finite value, and every value rounded to p + kUlpResolutionBits bits, fits a
         // double with room for double-double tie breaks
         // (and, for graded pairs, a normal double below every value's half grid step)
         f.precision() + 10 <= 52 && f.emax() < 1023 && f.min_subnormal_log2() - 12 > -1022;
}
static_assert(format_is_supported(fp32) && format_is_supported(fp16) && format_is_supported(bf16));
static_assert((fp32.sign_mask() & fp32.exponent_mask()) == 0 &&
              (fp32.exponent_mask() & fp32.fraction_mask()) == 0 &&
              (fp32.sign_mask() | fp32.exponent_mask() | fp32.fraction_mask()) ==
                  fp32.all_bits_mask());
static_assert(fp32.mpfr_emin() == -148 && fp32.mpfr_emax() == 128);  // CORE-MATH binary32
static_assert(fp16.mpfr_emin() == -23 && fp16.mpfr_emax() == 16);    // CORE-MATH binary16
static_assert(bf16.mpfr_emin() == -132 && bf16.mpfr_emax() == 128);  // CORE-MATH bfloat16
static_assert(fp16.max_finite_bits() == 0x7bff && bf16.max_finite_bits() == 0x7f7f);
// The narrow formats' limits as the documents state them (every encoding is checked against a
// table derived from the specifications in tests/test_format.cpp).
static_assert(e4m3.bias() == 7 && e4m3.emax() == 8 && e4m3.emin() == -6 &&  // OFP8 Table 1
              e4m3.max_finite_bits() == 0x7e && e4m3.nan_bits() == 0x7f);   // OFP8 Table 2
static_assert(e5m2.bias() == 15 && e5m2.emax() == 15 && e5m2.emin() == -14 &&
              e5m2.max_finite_bits() == 0x7b && e5m2.infinity_bits() == 0x7c);
static_assert(e4m3fnuz.bias() == 8 && e4m3fnuz.emax() == 7 && e4m3fnuz.emin() == -7 &&
              e4m3fnuz.max_finite_bits() == 0x7f && e4m3fnuz.nan_bits() == 0x80);
static_assert(e5m2fnuz.bias() == 16 && e5m2fnuz.emax() == 15 && e5m2fnuz.emin() == -15 &&
              e5m2fnuz.max_finite_bits() == 0x7f && e5m2fnuz.nan_bits() == 0x80);
static_assert(e2m3.bias() == 1 && e2m3.emax() == 2 && e2m3.max_finite_bits() == 0x1f);
static_assert(e3m2.bias() == 3 && e3m2.emax() == 4 && e3m2.max_finite_bits() == 0x1f);
static_assert(e2m1.bias() == 1 && e2m1.emax() == 2 && e2m1.max_finite_bits() == 0x7);
static_assert(format_is_supported(e4m3) && format_is_supported(e5m2) &&
              format_is_supported(e4m3fnuz) && format_is_supported(e5m2fnuz) &&
              format_is_supported(e2m3) && format_is_supported(e3m2) && format_is_supported(e2m1));

// Looks a format up by name; nullptr if unknown. Besides the plain names, "IN:OUT" and
// "IN:OUT*S" name graded pairs (format_pair).
const Format* find_format(std::string_view name);
std::string format_names();  // "fp32, fp16, bf16, e4m3, ..." (the plain formats)

// The graded pair: inputs of `in`, results scale * f(x) rounded to `out` (both plain formats;
// scale a positive finite float32). The plain format itself when in == out and scale == 1.
// Pairs live until the program ends, one object per (in, out, scale): compare them by address.
// Named "IN:OUT", with "*S" (S the shortest decimal of the float scale) when scale != 1.
const Format& format_pair(const Format& in, const Format& out, double scale = 1);

// --- classification -------------------------------------------------------------------------
[[gnu::always_inline]] inline bool is_nan(const Format& f, uint32_t bits) {
  const uint32_t mag = bits & ~f.sign_mask();
  switch (f.specials) {
    case Specials::ieee:
      return mag > f.exponent_mask();
    case Specials::nan_only:
      return mag == (f.exponent_mask() | f.fraction_mask());
    case Specials::fnuz:
      return bits == f.sign_mask();
    case Specials::finite_only:
      return false;
  }
  return false;
}
bool is_infinite(const Format& f, uint32_t bits);
inline bool is_finite(const Format& f, uint32_t bits) {
  return !is_nan(f, bits) && !is_infinite(f, bits);
}
inline bool is_negative(const Format& f, uint32_t bits) { return (bits & f.sign_mask()) != 0; }
inline bool is_zero(const Format& f, uint32_t bits) {
  return (bits & ~f.sign_mask()) == 0 && (f.has_negative_zero() || bits == 0);
}

// NaN results are reported as the format's canonical quiet NaN, nan_bits(): sign clear, quiet
// bit set, payload 0 (0x7fc00000 fp32, 0x7e00 fp16, 0x7fc0 bf16). The sign and payload a kernel
// gives a NaN depend on code generation (x86's default NaN has its sign set; an operand's NaN
// propagates with its own) and carry no meaning (IEEE 754-2019, 6.3: the sign of a NaN is not
// interpreted), so outputs printed with them would differ between builds of the same code.
// Inputs keep their bits. Every NaN is graded alike, whatever its bits (metrics.hpp).
inline void canonicalize_nans(const Format& f, std::span<uint32_t> y) {
  if (!f.has_nan()) return;
  with_constant_format(
      f, [&](const Format& g) __attribute__((always_inline)) {
        const uint32_t nan = g.nan_bits();
        for (uint32_t& v : y) v = is_nan(g, v) ? nan : v;
      });
}

// --- conversions ----------------------------------------------------------------------------
// Exact: every value of a supported format is a double. Inline: it is on every hot path.
[[gnu::always_inline]] inline double to_double(const Format& f, uint32_t bits) {
  if (f.exponent_bits == 8 && f.fraction_bits == 23)
    return static_cast<double>(std::bit_cast<float>(bits));  // binary32: the hardware's float
  const uint64_t sign = uint64_t((bits & f.sign_mask()) != 0) << 63;
  const uint32_t exponent_field = (bits & f.exponent_mask()) >> f.fraction_bits;
  const uint64_t fraction = bits & f.fraction_mask();
  if (exponent_field == 0) {  // subnormal: fraction * 2^min_subnormal_log2, both exact
    if (f.specials == Specials::fnuz && sign && fraction == 0)
      return std::numeric_limits<double>::quiet_NaN();  // FNUZ's NaN: the negative zero pattern
    const double m = static_cast<double>(fraction) *
                     std::bit_cast<double>(uint64_t(f.min_subnormal_log2() + 1023) << 52);
    return sign ? -m : m;
  }
  if (int(exponent_field) == f.max_exponent_field() &&
      (f.specials == Specials::ieee ||
       (f.specials == Specials::nan_only && fraction == f.fraction_mask()))) {
    return std::bit_cast<double>(
        sign |
        (fraction || f.specials == Specials::nan_only ? 0x7ff8000000000000 : 0x7ff0000000000000));
  }
  return std::bit_cast<double>(sign | (uint64_t(int(exponent_field) - f.bias() + 1023) << 52) |
                               (fraction << (52 - f.fraction_bits)));
}

// Rounds x to nearest-even at `precision` significant bits, the quantum never below
// 2^min_quantum_log2, on x's bit pattern: the dropped bits are added as a half-quantum minus one
// plus the kept last bit, and a carry out of the fraction moves into the exponent, which is the
// right result. Sets *tie when x lay exactly halfway (the even neighbour is returned). x must be
// finite; double subnormals (far below every format) round to zero.
[[gnu::always_inline]] inline double round_bits(double x, int precision, int min_quantum_log2,
                                                bool* tie) {
  const uint64_t db = std::bit_cast<uint64_t>(x);
  const uint64_t sign = db & 0x8000000000000000;
  uint64_t mag = db & 0x7fffffffffffffff;
  if (mag < (uint64_t{1} << 52)) return std::bit_cast<double>(sign);
  const int e = int(mag >> 52) - 1023;  // x in [2^e, 2^(e+1))
  const int q = e - (precision - 1) > min_quantum_log2 ? e - (precision - 1) : min_quantum_log2;
  const int shift = q - (e - 52);  // low significand bits dropped
  if (shift <= 0) return x;
  if (shift >= 53) {
    // The quantum is above x: 0, or 2^q when x is above half of it (x = 2^(q-1) is a tie -> 0).
    const bool above_half = shift == 53 && (mag & ((uint64_t{1} << 52) - 1)) != 0;
    if (shift == 53 && !above_half && tie) *tie = true;
    return std::bit_cast<double>(sign | (above_half ? uint64_t(q + 1023) << 52 : 0));
  }
  const uint64_t dropped_mask = (uint64_t{1} << shift) - 1;
  const uint64_t half = uint64_t{1} << (shift - 1);
  if (tie && (mag & dropped_mask) == half) *tie = true;
  const uint64_t lsb = shift < 52 ? (mag >> shift) & 1 : 1;  // shift 52: only the hidden bit
  mag = (mag + half - 1 + lsb) & ~dropped_mask;
  return std::bit_cast<double>(sign | mag);
}

// Rounds x to the nearest value of the format, ties to even, with gradual underflow. Overflow
// (the rounded magnitude above the largest finite value) follows the non-saturating convention,
// the reference's (metrics.hpp remark 6): infinity, NaN for a format without infinity (OFP8 r1.0
// 5.2.1 "non-saturating mode": E4M3 NaN; FNUZ: its one NaN), and the largest finite value of
// x's sign for a format with neither (MX: saturation is its only convention). A negative x that
// rounds to zero gives -0, or +0 in a format without -0 (FNUZ). `sticky` breaks exact ties: it
// is the sign of a quantity, far smaller than x's last bit, that was dropped from x (so x stands
// for x + tiny*sticky). This is how a double-double is rounded exactly.
uint32_t round_to_format_general(const Format& f, double x, int sticky);
inline uint32_t round_to_format(const Format& f, double x, int sticky = 0) {
  if (f.exponent_bits == 8 && f.fraction_bits == 23 && sticky == 0)
    return std::bit_cast<uint32_t>(static_cast<float>(x));  // binary32: the hardware's rounding
  return round_to_format_general(f, x, sticky);
}

// The same rounding under the saturating convention (OFP8 r1.0 5.2.1 "saturating mode",
// __NV_SATFINITE): a magnitude that rounds above the largest finite value, or an infinity, gives
// the largest finite value of x's sign. For IEEE formats too (a saturating cast to fp16).
uint32_t round_to_format_saturating(const Format& f, double x);

// How a result that rounds beyond the largest finite value is written: the two conventions of
// OFP8 r1.0 5.2.1. The reference is non-saturating (round_to_format); implementations declare
// theirs (Implementation::overflow).
enum class Overflow : uint8_t { nonsaturating, saturating };
inline uint32_t round_to_format(const Format& f, double x, Overflow o) {
  return o == Overflow::saturating ? round_to_format_saturating(f, x) : round_to_format(f, x);
}
const char* overflow_name(Overflow o);  // "non-saturating", "saturating"

// The value round_to_format gives, as a double (+-inf on overflow, NaN for NaN). Inline, with
// binary32 done by the hardware's conversion: Native<fp32> arithmetic rounds every operation.
double round_value_general(const Format& f, double x);
[[gnu::always_inline]] inline double round_value(const Format& f, double x) {
  if (f.exponent_bits == 8 && f.fraction_bits == 23 && f.specials == Specials::ieee)
    return static_cast<double>(static_cast<float>(x));  // one rounding, to nearest even
  return round_value_general(f, x);
}

// Same rounding, to `precision` significant bits with the quantum never below 2^min_quantum_log2,
// returning the rounded value (no overflow). Used for rounding to finer grids than the format.
double round_to_precision(double x, int precision, int min_quantum_log2, int sticky = 0);

// The bits of x if x is a value of the format, otherwise nothing.
std::optional<uint32_t> exact_bits(const Format& f, double x);

// --- order and neighbours -------------------------------------------------------------------
// Ordinal of a non-NaN value: strictly increasing in value, with -0 directly below +0.
// +0 -> 0, +min_subnormal -> 1, -0 -> -1, -min_subnormal -> -2. In a format without -0 (FNUZ)
// the ordinals stay consecutive: -min_subnormal -> -1.
inline int64_t ordinal(const Format& f, uint32_t bits) {
  const int64_t magnitude = bits & ~f.sign_mask();
  if (!(bits & f.sign_mask())) return magnitude;
  return f.has_negative_zero() ? -1 - magnitude : -magnitude;
}
inline uint32_t from_ordinal(const Format& f, int64_t ord) {
  if (ord >= 0) return static_cast<uint32_t>(ord);
  return f.sign_mask() | static_cast<uint32_t>(f.has_negative_zero() ? -1 - ord : -ord);
}
int64_t max_finite_ordinal(const Format& f);
// Next value up/down (treating -0 and +0 as adjacent); saturates at +-infinity/max.
uint32_t next_up(const Format& f, uint32_t bits);
uint32_t next_down(const Format& f, uint32_t bits);

// Finite values in [lo, hi] as an ordinal interval. Both zeros are included when 0 is in range.
struct OrdinalRange {
  int64_t first = 0;
  int64_t last = -1;
  uint64_t size() const { return last >= first ? uint64_t(last - first + 1) : 0; }
};
OrdinalRange finite_ordinals_in(const Format& f, double lo, double hi);

// ulp(x) as the metric defines it (see metrics.hpp): 2^(max(e, emin) - p + 1), e = floor(log2|x|).
int ulp_log2(const Format& f, double x);

// --- text -----------------------------------------------------------------------------------
// Shortest decimal that reads back (round to nearest) to the same bits; "inf", "-inf", "nan".
std::string to_shortest_decimal(const Format& f, uint32_t bits);
// Bits as 0x-prefixed hex, zero-padded to the format width.
std::string to_hex_bits(const Format& f, uint32_t bits);
// Parses a decimal, hex float ("0x1.8p-3"), "inf"/"nan", or a bit pattern written "bits:0x3c00".
// Decimal values are rounded to the format once, from the exact decimal (via MPFR).
std::optional<uint32_t> parse_value(const Format& f, std::string_view text);

}  // namespace gelucheck
