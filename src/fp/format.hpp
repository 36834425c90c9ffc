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
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gelucheck {

enum class Specials {
  ieee,      // largest exponent field: infinity (fraction 0) and NaN (fraction != 0)
  nan_only,  // no infinity; only the all-ones exponent and fraction is NaN (OCP fp8 E4M3FN)
};

struct Format {
  std::string_view name;
  std::string_view summary;
  int exponent_bits;
  int fraction_bits;
  Specials specials = Specials::ieee;

  constexpr int total_bits() const { return 1 + exponent_bits + fraction_bits; }
  constexpr int precision() const { return fraction_bits + 1; }  // p, hidden bit included
  constexpr int bias() const { return (1 << (exponent_bits - 1)) - 1; }
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
  constexpr uint32_t infinity_bits() const { return exponent_mask(); }  // only if has_infinity()
  constexpr uint32_t nan_bits() const {
    return specials == Specials::ieee ? exponent_mask() | (uint32_t{1} << (fraction_bits - 1))
                                      : exponent_mask() | fraction_mask();
  }
  constexpr uint32_t max_finite_bits() const {
    return specials == Specials::ieee
               ? exponent_mask() - (uint32_t{1} << fraction_bits) + fraction_mask()
               : exponent_mask() | (fraction_mask() - 1);
  }
  constexpr uint32_t min_subnormal_bits() const { return 1; }
  constexpr uint32_t one_bits() const { return uint32_t(bias()) << fraction_bits; }
  // Number of distinct bit patterns.
  constexpr uint64_t pattern_count() const { return uint64_t{1} << total_bits(); }
};

// The formats this tool knows. Adding one is one line here plus a test.
inline constexpr Format fp32{"fp32", "IEEE 754 binary32 (float)", 8, 23};
inline constexpr Format fp16{"fp16", "IEEE 754 binary16 (half)", 5, 10};
inline constexpr Format bf16{"bf16", "bfloat16: binary32 with the fraction cut to 7 bits", 8, 7};

// The built-in formats as a compile-time list (formulas are instantiated per format) and as data.
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
inline constexpr auto& all_formats = BuiltinFormats::formats;

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
         f.precision() + 10 <= 52 && f.emax() < 1023 && f.min_subnormal_log2() - 10 > -1022;
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

// Looks a format up by name; nullptr if unknown.
const Format* find_format(std::string_view name);
std::string format_names();  // "fp32, fp16, bf16"

// --- classification -------------------------------------------------------------------------
bool is_nan(const Format& f, uint32_t bits);
bool is_infinite(const Format& f, uint32_t bits);
inline bool is_finite(const Format& f, uint32_t bits) {
  return !is_nan(f, bits) && !is_infinite(f, bits);
}
inline bool is_negative(const Format& f, uint32_t bits) { return (bits & f.sign_mask()) != 0; }
inline bool is_zero(const Format& f, uint32_t bits) { return (bits & ~f.sign_mask()) == 0; }

// NaN results are reported as the format's canonical quiet NaN, nan_bits(): sign clear, quiet
// bit set, payload 0 (0x7fc00000 fp32, 0x7e00 fp16, 0x7fc0 bf16). The sign and payload a kernel
// gives a NaN depend on code generation (x86's default NaN has its sign set; an operand's NaN
// propagates with its own) and carry no meaning (IEEE 754-2019, 6.3: the sign of a NaN is not
// interpreted), so outputs printed with them would differ between builds of the same code.
// Inputs keep their bits. Every NaN is graded alike, whatever its bits (metrics.hpp).
inline void canonicalize_nans(const Format& f, std::span<uint32_t> y) {
  const uint32_t magnitude = ~f.sign_mask() & f.all_bits_mask();
  const uint32_t nan = f.nan_bits();
  const bool ieee = f.specials == Specials::ieee;
  for (uint32_t& v : y) {
    const uint32_t mag = v & magnitude;
    const bool is_nan =
        ieee ? mag > f.exponent_mask() : mag == (f.exponent_mask() | f.fraction_mask());
    v = is_nan ? nan : v;
  }
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
    const double m = static_cast<double>(fraction) *
                     std::bit_cast<double>(uint64_t(f.min_subnormal_log2() + 1023) << 52);
    return sign ? -m : m;
  }
  if (int(exponent_field) == f.max_exponent_field() &&
      (f.specials == Specials::ieee || fraction == f.fraction_mask())) {
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

// Rounds x to the nearest value of the format, ties to even, with gradual underflow; overflow
// gives infinity (or NaN for formats without infinity). `sticky` breaks exact ties: it is the
// sign of a quantity, far smaller than x's last bit, that was dropped from x (so x stands for
// x + tiny*sticky). This is how a double-double is rounded exactly.
uint32_t round_to_format_general(const Format& f, double x, int sticky);
inline uint32_t round_to_format(const Format& f, double x, int sticky = 0) {
  if (f.exponent_bits == 8 && f.fraction_bits == 23 && sticky == 0)
    return std::bit_cast<uint32_t>(static_cast<float>(x));  // binary32: the hardware's rounding
  return round_to_format_general(f, x, sticky);
}

// The value round_to_format gives, as a double (+-inf on overflow, NaN for NaN).
double round_value(const Format& f, double x);

// Same rounding, to `precision` significant bits with the quantum never below 2^min_quantum_log2,
// returning the rounded value (no overflow). Used for rounding to finer grids than the format.
double round_to_precision(double x, int precision, int min_quantum_log2, int sticky = 0);

// The bits of x if x is a value of the format, otherwise nothing.
std::optional<uint32_t> exact_bits(const Format& f, double x);

// --- order and neighbours -------------------------------------------------------------------
// Ordinal of a non-NaN value: strictly increasing in value, with -0 directly below +0.
// +0 -> 0, +min_subnormal -> 1, -0 -> -1, -min_subnormal -> -2.
inline int64_t ordinal(const Format& f, uint32_t bits) {
  const int64_t magnitude = bits & ~f.sign_mask();
  return (bits & f.sign_mask()) ? -1 - magnitude : magnitude;
}
inline uint32_t from_ordinal(const Format& f, int64_t ord) {
  return ord >= 0 ? static_cast<uint32_t>(ord) : f.sign_mask() | static_cast<uint32_t>(-1 - ord);
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
