#include "render/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace gelucheck {

namespace {

// v with n significant digits, as the table style writes it: scientific from 1e6 (keeping the
// digits, "1.000e+06"), otherwise the shortest of fixed and scientific, trailing zeros dropped.
std::string with_digits(double v, int n) {
  if (std::fabs(v) >= 1e6) return fmt::format("{:.{}e}", v, n - 1);
  return fmt::format("{:.{}g}", v, n);
}

// The decimal string of v rounded to n significant digits, in a form that compares equal exactly
// when two values round to the same decimal.
std::string rounded_key(double v, int n) { return fmt::format("{:.{}e}", v, n - 1); }

}  // namespace

std::string known_digits(double v, double h, int max_digits, bool nonnegative) {
  if (!std::isfinite(v)) return fmt::format("{}", v);
  if (!(h > 0)) return with_digits(v, max_digits);
  // The interval, rounded outwards (v +- h is computed in double).
  double lo = std::nextafter(v - h, -INFINITY), hi = std::nextafter(v + h, INFINITY);
  if (nonnegative) lo = std::max(lo, 0.0);
  // Significant digits, from the cap down: the ends round to the same decimal.
  if (lo > 0 || hi < 0) {
    for (int n = max_digits; n >= 1; --n)
      if (rounded_key(lo, n) == rounded_key(hi, n)) return with_digits(v, n);
  }
  // No significant digit is certain (the interval reaches 0, or its ends differ in the leading
  // digit): decimal places, from as many as h allows down to the units, then powers of ten.
  const int places = std::clamp(int(std::ceil(-std::log10(h))) + 1, 0, 30);
  for (int d = places; d >= 0; --d) {
    const std::string a = fmt::format("{:.{}f}", lo, d), b = fmt::format("{:.{}f}", hi, d);
    if (a == b) {
      std::string out = fmt::format("{:.{}f}", v, d);
      if (out.find('.') != std::string::npos) {  // trailing zeros, as {:g} drops them
        out.erase(out.find_last_not_of('0') + 1);
        if (out.back() == '.') out.pop_back();
      }
      if (out == "-0") out = "0";
      return out;
    }
  }
  // Not even the units are certain: the order of magnitude of the interval's larger end.
  for (double unit = 10; unit < 1e308; unit *= 10) {
    const double a = std::round(lo / unit), b = std::round(hi / unit);
    if (a == b) return fmt::format("{:.0f}", a * unit);
  }
  return with_digits(v, 1);
}

double known_value(double v, double h, int max_digits, bool nonnegative) {
  if (!std::isfinite(v)) return v;
  return std::strtod(known_digits(v, h, max_digits, nonnegative).c_str(), nullptr);
}

}  // namespace gelucheck
