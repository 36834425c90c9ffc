#include "fp/format.hpp"

#include <mpfr.h>  // mpfr_strtofr, mpfr_subnormalize: exact decimal -> format rounding

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <utility>

#include <fmt/format.h>  // fmt::format

namespace gelucheck {

namespace {
const Format* find_plain_format(std::string_view name) {
  for (const Format* f : all_formats)
    if (f->name == name) return f;
  return nullptr;
}
}  // namespace

const Format& format_pair(const Format& in, const Format& out, double scale) {
  const Format& i = in.in();
  const Format& o = out.out();
  if (&i == &o && scale == 1) return o;
  static std::mutex mutex;
  static std::deque<std::pair<std::string, Format>> pairs;  // stable addresses, names owned
  std::lock_guard lock(mutex);
  for (const auto& [name, f] : pairs)
    if (f.input == &i && f.output == &o && f.scale == scale) return f;
  std::string name = fmt::format("{}:{}", i.name, o.name);
  if (scale != 1) name += fmt::format("*{}", static_cast<float>(scale));
  auto& [stored_name, f] = pairs.emplace_back(std::move(name), o);
  f.name = stored_name;
  f.summary = o.summary;
  f.input = &i;
  f.output = &o;
  f.scale = scale;
  return f;
}

const Format* find_format(std::string_view name) {
  if (const Format* f = find_plain_format(name)) return f;
  const auto colon = name.find(':');
  if (colon == std::string_view::npos) return nullptr;
  const std::string_view in_name = name.substr(0, colon);
  std::string_view out_name = name.substr(colon + 1);
  double scale = 1;
  if (const auto star = out_name.find('*'); star != std::string_view::npos) {
    const std::string s(out_name.substr(star + 1));
    char* end = nullptr;
    const float v = std::strtof(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !(v > 0) || !std::isfinite(v)) return nullptr;
    scale = v;
    out_name = out_name.substr(0, star);
  }
  const Format* in = find_plain_format(in_name);
  const Format* out = find_plain_format(out_name);
  if (!in || !out) return nullptr;
  return &format_pair(*in, *out, scale);
}

std::string format_names() {
  std::string out;
  for (const Format* f : all_formats) {
    if (!out.empty()) out += ", ";
    out += f->name;
  }
  return out;
}

bool is_infinite(const Format& f, uint32_t bits) {
  return f.has_infinity() && (bits & ~f.sign_mask()) == f.exponent_mask();
}

namespace {
double pow2(int k) { return std::bit_cast<double>(uint64_t(k + 1023) << 52); }  // normal range

// Bits of a double that is a value of the format (or +-inf/NaN).
uint32_t encode_value(const Format& f, double v) {
  const uint64_t db = std::bit_cast<uint64_t>(v);
  const uint32_t sign = (db >> 63) ? f.sign_mask() : 0;
  if (std::isnan(v)) return f.has_nan() ? sign | f.nan_bits() : f.nan_bits();
  const double a = std::fabs(v);
  if (a == 0) return f.has_negative_zero() ? sign : 0;
  if (std::isinf(v) || a > to_double(f, f.max_finite_bits())) {
    if (f.has_infinity()) return sign | f.infinity_bits();
    if (f.has_nan()) return f.specials == Specials::fnuz ? f.nan_bits() : sign | f.nan_bits();
    return sign | f.max_finite_bits();  // MX: saturation, the only convention
  }
  const int e = int((db >> 52) & 0x7ff) - 1023;
  if (e < f.emin()) return sign | static_cast<uint32_t>(a * pow2(-f.min_subnormal_log2()));
  const auto fraction = static_cast<uint32_t>((db >> (52 - f.fraction_bits)) & f.fraction_mask());
  return sign | (uint32_t(e + f.bias()) << f.fraction_bits) | fraction;
}
}  // namespace

double round_to_precision(double x, int precision, int min_quantum_log2, int sticky) {
  if (x == 0 || !std::isfinite(x)) return x;
  // On the bits when that is the same rounding: x a normal double, and not exactly halfway
  // with a sticky part to break the tie (round_bits breaks it to even).
  if (std::fabs(x) >= 0x1p-1022) {
    bool tie = false;
    const double r = round_bits(x, precision, min_quantum_log2, &tie);
    if (!tie || sticky == 0) return r;
  }
  const double a = std::fabs(x);
  const int e = std::ilogb(a);  // a in [2^e, 2^(e+1))
  const int q = std::max(e - (precision - 1), min_quantum_log2);
  const double scaled = std::ldexp(a, -q);  // exact: scaled < 2^precision <= 2^52
  const double whole = std::floor(scaled);
  const double frac = scaled - whole;  // exact
  const int sticky_magnitude = x < 0 ? -sticky : sticky;
  bool up = frac > 0.5;
  if (frac == 0.5) {
    up = sticky_magnitude > 0 || (sticky_magnitude == 0 && std::fmod(whole, 2.0) != 0.0);
  }
  const double r = std::ldexp(whole + (up ? 1.0 : 0.0), q);
  return x < 0 ? -r : r;
}

double round_value_general(const Format& f, double x) {
  if (!std::isfinite(x)) return x;
  const double r = round_bits(x, f.precision(), f.min_subnormal_log2(), nullptr);
  const double max = to_double(f, f.max_finite_bits());
  if (std::fabs(r) > max) {
    if (f.has_infinity()) return std::copysign(INFINITY, x);
    // NaN with x's sign: E4M3's NaN keeps it (OFP8 r1.0 5.2.1; FNUZ's one NaN has none).
    return std::copysign(f.has_nan() ? std::numeric_limits<double>::quiet_NaN() : max, x);
  }
  return r == 0 && !f.has_negative_zero() ? 0.0 : r;
}

uint32_t round_to_format_general(const Format& f, double x, int sticky) {
  if (sticky == 0 || !std::isfinite(x)) return encode_value(f, round_value(f, x));
  return encode_value(f, round_to_precision(x, f.precision(), f.min_subnormal_log2(), sticky));
}

uint32_t round_to_format_saturating(const Format& f, double x) {
  if (std::isnan(x)) return round_to_format(f, x);
  const double max = to_double(f, f.max_finite_bits());
  // An infinity becomes NaN in FNUZ even when saturating (ONNX Cast tables; ml_dtypes
  // ConvertFrom<kSaturate=true>); OFP8 r1.0 Table 3 saturates it to the largest value.
  if (std::isinf(x) && f.specials == Specials::fnuz) return f.nan_bits();
  const double r =
      std::isinf(x) ? x : round_bits(x, f.precision(), f.min_subnormal_log2(), nullptr);
  if (std::fabs(r) > max) return (std::signbit(x) ? f.sign_mask() : 0) | f.max_finite_bits();
  return round_to_format(f, x);
}

const char* overflow_name(Overflow o) {
  return o == Overflow::saturating ? "saturating" : "non-saturating";
}

std::optional<uint32_t> exact_bits(const Format& f, double x) {
  if (std::isnan(x)) return std::nullopt;
  const uint32_t b = round_to_format(f, x);
  if (is_nan(f, b)) return std::nullopt;
  if (to_double(f, b) != x) return std::nullopt;
  return b;
}

int64_t max_finite_ordinal(const Format& f) { return f.max_finite_bits(); }

namespace {
int64_t top_ordinal(const Format& f) {  // +infinity, or +max for formats without infinity
  return f.has_infinity() ? int64_t{f.infinity_bits()} : max_finite_ordinal(f);
}
}  // namespace

uint32_t next_up(const Format& f, uint32_t bits) {
  if (is_nan(f, bits)) return bits;
  return from_ordinal(f, std::min(ordinal(f, bits) + 1, top_ordinal(f)));
}

uint32_t next_down(const Format& f, uint32_t bits) {
  if (is_nan(f, bits)) return bits;
  return from_ordinal(f, std::max(ordinal(f, bits) - 1, -1 - top_ordinal(f)));
}

OrdinalRange finite_ordinals_in(const Format& f, double lo, double hi) {
  const double max_finite = to_double(f, f.max_finite_bits());
  if (std::isnan(lo) || std::isnan(hi) || lo > hi || lo > max_finite || hi < -max_finite) return {};
  OrdinalRange r;
  if (lo <= -max_finite) {
    r.first = ordinal(f, f.sign_mask() | f.max_finite_bits());
  } else {
    uint32_t b = round_to_format(f, lo);
    if (to_double(f, b) < lo) b = next_up(f, b);
    if (is_zero(f, b) && f.has_negative_zero()) b = f.sign_mask();  // -0 is the smallest zero
    r.first = ordinal(f, b);
  }
  if (hi >= max_finite) {
    r.last = ordinal(f, f.max_finite_bits());
  } else {
    uint32_t b = round_to_format(f, hi);
    if (to_double(f, b) > hi) b = next_down(f, b);
    if (is_zero(f, b)) b = 0;  // +0 is the largest zero
    r.last = ordinal(f, b);
  }
  return r;
}

int ulp_log2(const Format& f, double x) {
  if (x == 0 || !std::isfinite(x)) return f.min_subnormal_log2();
  return std::max(std::ilogb(x), f.emin()) - f.precision() + 1;
}

std::string to_hex_bits(const Format& f, uint32_t bits) {
  return fmt::format("0x{:0{}x}", bits, (f.total_bits() + 3) / 4);
}

std::string to_shortest_decimal(const Format& f, uint32_t bits) {
  if (is_nan(f, bits)) return "nan";
  const double v = to_double(f, bits);
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (f.precision() == 24 && f.exponent_bits == 8) return fmt::format("{}", static_cast<float>(v));
  const double max = to_double(f, f.max_finite_bits());
  for (int digits = 1; digits <= 17; ++digits) {
    std::string s = fmt::format("{:.{}g}", v, digits);
    const double d = std::strtod(s.c_str(), nullptr);
    // (a decimal beyond the largest value would read back only by saturation, in MX)
    if (round_to_format(f, d) != bits ||
        std::fabs(round_bits(d, f.precision(), f.min_subnormal_log2(), nullptr)) > max)
      continue;
    // Plain notation for magnitudes people read that way (60, not 6e+01); it reads back the same.
    const double a = std::fabs(v);
    if (s.find('e') != std::string::npos && a >= 1 && a < 1e16) {
      const int decimals = std::max(0, digits - 1 - int(std::floor(std::log10(a))));
      s = fmt::format("{:.{}f}", v, decimals);
    }
    return s;
  }
  return fmt::format("{}", v);
}

std::optional<uint32_t> parse_value(const Format& f, std::string_view text) {
  std::string s(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
  if (s.empty()) return std::nullopt;
  if (s.rfind("bits:", 0) == 0) {
    std::string_view h = std::string_view(s).substr(5);
    if (h.rfind("0x", 0) == 0 || h.rfind("0X", 0) == 0) h.remove_prefix(2);
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(h.data(), h.data() + h.size(), value, 16);
    if (ec != std::errc() || end != h.data() + h.size() || h.empty()) return std::nullopt;
    if (value > f.all_bits_mask()) return std::nullopt;
    return static_cast<uint32_t>(value);
  }
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  const bool negative = !lower.empty() && lower[0] == '-';
  std::string_view body = std::string_view(lower).substr((negative || lower[0] == '+') ? 1 : 0);
  if (body == "inf" || body == "infinity")
    return round_to_format(f, negative ? -INFINITY : INFINITY);
  if (body == "nan") {
    if (!f.has_nan()) return std::nullopt;
    return f.specials == Specials::fnuz ? f.nan_bits()
                                        : f.nan_bits() | (negative ? f.sign_mask() : 0);
  }

  // One rounding from the exact decimal: MPFR at precision p inside the format's exponent range,
  // then subnormalize (the CORE-MATH recipe). The global exponent range is restored afterwards.
  const mpfr_exp_t saved_emin = mpfr_get_emin(), saved_emax = mpfr_get_emax();
  mpfr_t v;
  mpfr_init2(v, f.precision());
  char* end = nullptr;
  mpfr_set_emin(f.mpfr_emin());
  mpfr_set_emax(f.mpfr_emax());
  int inexact = mpfr_strtofr(v, s.c_str(), &end, 0, MPFR_RNDN);
  const bool parsed = end != nullptr && *end == '\0' && end != s.c_str();
  inexact = mpfr_check_range(v, inexact, MPFR_RNDN);
  mpfr_subnormalize(v, inexact, MPFR_RNDN);
  const double d = mpfr_get_d(v, MPFR_RNDN);  // exact: v is a value of the format (or inf)
  mpfr_set_emin(saved_emin);
  mpfr_set_emax(saved_emax);
  mpfr_clear(v);
  if (!parsed) return std::nullopt;
  return round_to_format(f, d);
}

}  // namespace gelucheck
