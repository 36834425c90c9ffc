// The AVX2 variant of sleef_batch, the only code compiled with -mavx2 (CMakeLists.txt) and only
// called after the processor was checked for AVX2. It includes no C++ header with inline
// functions: an AVX2 copy of one could be linked in for the whole program.
#if defined(__x86_64__)
#include <immintrin.h>
#include <sleef.h>

#include <cstddef>

namespace gelucheck::detail {

void sleef_batch_avx2(int fn, const double* in, double* out, size_t n) {
  auto run = [&](auto f) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(out + i, f(_mm256_loadu_pd(in + i)));
    if (i == n) return;
    double a[4] = {0, 0, 0, 0}, b[4];
    for (size_t k = 0; i + k < n; ++k) a[k] = in[i + k];
    _mm256_storeu_pd(b, f(_mm256_loadu_pd(a)));
    for (size_t k = 0; i + k < n; ++k) out[i + k] = b[k];
  };
  switch (fn) {  // SleefFunction's order
    case 0:
      return run(Sleef_erfd4_u10avx2);
    case 1:
      return run(Sleef_erfcd4_u15avx2);
    case 2:
      return run(Sleef_expd4_u10avx2);
    case 3:
      return run(Sleef_tanhd4_u10avx2);
    case 4:
      return run(Sleef_log1pd4_u10avx2);
  }
}

}  // namespace gelucheck::detail
#endif
