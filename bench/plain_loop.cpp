// The baseline a user would write instead of gelucheck: an OpenMP loop over every fp32 bit
// pattern that grades the naive float GELU, x * 0.5f * (1 + erff(x / sqrt 2)), against an
// uncertified reference in double, 0.5 x erfc(-x / sqrt 2), and keeps the statistics gelucheck's
// table keeps (correctly rounded count, max |ULP| and where, mean |ULP|, non-finite results).
// Nothing here is certified: the double reference is within a few ULP of double, rounded to float
// it is not always the correctly rounded value, and ULP errors are taken at the double's binade.
// It exists to put gelucheck's speed beside a loop with no guarantees
// (scripts/bench-plain-loop.sh). Usage: gelucheck_plain_loop [THREADS]
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc > 1) omp_set_num_threads(std::atoi(argv[1]));
  constexpr double kInvSqrt2 = 0.70710678118654752440;
  uint64_t correctly_rounded = 0, finite = 0, nonfinite = 0;
  double sum_abs_ulp = 0, max_abs_ulp = 0;
  uint32_t max_at = 0;
#pragma omp parallel
  {
    uint64_t cr = 0, fin = 0, bad = 0;
    double sum = 0, best = 0;
    uint32_t best_at = 0;
#pragma omp for schedule(static, 1 << 16) nowait
    for (int64_t i = 0; i < (int64_t{1} << 32); ++i) {
      const uint32_t bits = uint32_t(i);
      const float x = std::bit_cast<float>(bits);
      if (std::isnan(x)) continue;
      const float y = x * 0.5f * (1.0f + std::erf(x * float(kInvSqrt2)));
      const double r = 0.5 * double(x) * std::erfc(-double(x) * kInvSqrt2);
      if (!std::isfinite(y) || !std::isfinite(r)) {
        bad += !(std::isinf(y) && y == r);
        continue;
      }
      ++fin;
      cr += y == float(r);
      // ulp(r) = 2^(max(e, -126) - 23), e = floor(log2 |r|); 2^-149 for r = 0.
      const int e = r == 0 ? -126 : std::max(std::ilogb(r), -126);
      const double err = std::fabs((double(y) - r) / std::ldexp(1.0, e - 23));
      sum += err;
      if (err > best) best = err, best_at = bits;
    }
#pragma omp critical
    {
      correctly_rounded += cr;
      finite += fin;
      nonfinite += bad;
      sum_abs_ulp += sum;
      if (best > max_abs_ulp) max_abs_ulp = best, max_at = best_at;
    }
  }
  std::printf(
      "finite %llu, correctly rounded %llu, non-finite %llu, max |ULP| %.6g at 0x%08x, mean |ULP| "
      "%.6g\n",
      static_cast<unsigned long long>(finite), static_cast<unsigned long long>(correctly_rounded),
      static_cast<unsigned long long>(nonfinite), max_abs_ulp, max_at,
      sum_abs_ulp / double(finite));
  return 0;
}
