#include "reference/sleef_batch.hpp"

#include <sleef.h>

#include <cmath>

namespace gelucheck {

double sleef_one(SleefFunction fn, double x) {
  switch (fn) {
    case SleefFunction::erf:
      return Sleef_erf_u10(x);
    case SleefFunction::erfc:
      return Sleef_erfc_u15(x);
    case SleefFunction::exp:
      return Sleef_exp_u10(x);
    case SleefFunction::tanh:
      return Sleef_tanh_u10(x);
    case SleefFunction::log1p:
      return Sleef_log1p_u10(x);
  }
  return NAN;
}

#if defined(__x86_64__)
namespace detail {
void sleef_batch_avx2(int fn, const double* in, double* out, size_t n);  // sleef_batch_avx2.cpp
}

namespace {
bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

void sleef_batch_sse2(SleefFunction fn, const double* in, double* out, size_t n) {
  auto run = [&](auto f) {
    size_t i = 0;
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(out + i, f(_mm_loadu_pd(in + i)));
    if (i < n) out[i] = _mm_cvtsd_f64(f(_mm_set_sd(in[i])));
  };
  switch (fn) {
    case SleefFunction::erf:
      return run(Sleef_erfd2_u10sse2);
    case SleefFunction::erfc:
      return run(Sleef_erfcd2_u15sse2);
    case SleefFunction::exp:
      return run(Sleef_expd2_u10sse2);
    case SleefFunction::tanh:
      return run(Sleef_tanhd2_u10sse2);
    case SleefFunction::log1p:
      return run(Sleef_log1pd2_u10sse2);
  }
}
}  // namespace

void sleef_batch(SleefFunction fn, const double* in, double* out, size_t n) {
  if (has_avx2()) return detail::sleef_batch_avx2(int(fn), in, out, n);
  sleef_batch_sse2(fn, in, out, n);
}

const char* sleef_batch_variant() { return has_avx2() ? "avx2" : "sse2"; }

#else

void sleef_batch(SleefFunction fn, const double* in, double* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = sleef_one(fn, in[i]);
}

const char* sleef_batch_variant() { return "scalar"; }

#endif

}  // namespace gelucheck
