// sleef_batch: each function is the one named, every lane (including a partial last vector) is
// computed, and a value does not depend on its position in the batch. Accuracy against MPFR is
// tested through the fast tier's bound (test_reference.cpp), which uses these batches.
#include <catch2/catch.hpp>

#include <cmath>
#include <iterator>
#include <string>
#include <vector>

#include "reference/sleef_batch.hpp"
#include "registered_functions.hpp"

using namespace gelucheck;

namespace {
// |a - b| in units of 2^-52 |b|: both are within a few ULP of the exact value (SLEEF documents
// 1.0 or 1.5 ULP; glibc's erf, erfc, exp, tanh, log1p are within a few ULP), so 16 is a wide margin
// that still fails for a wrong function or an unset lane.
double relative_ulps(double a, double b) {
  return a == b ? 0 : std::fabs(a - b) / (std::fabs(b) * 0x1p-52);
}
}  // namespace

TEST_CASE("sleef_batch computes the named function in every lane", "[sleef]") {
  struct Case {
    SleefFunction fn;
    double (*libm)(double);
    double shift;  // arguments -3.3 + shift .. 3.3 + shift (log1p is real above -1 only)
  };
  const Case cases[] = {{SleefFunction::erf, [](double t) { return std::erf(t); }, 0},
                        {SleefFunction::erfc, [](double t) { return std::erfc(t); }, 0},
                        {SleefFunction::exp, [](double t) { return std::exp(t); }, 0},
                        {SleefFunction::tanh, [](double t) { return std::tanh(t); }, 0},
                        {SleefFunction::log1p, [](double t) { return std::log1p(t); }, 3.3}};
  static_assert(std::size(cases) == kSleefFunctions);
  for (const Case& c : cases) {
    std::vector<double> args;
    // 67: not a multiple of 2 or 4. (At -3.3 + 3.3 log1p is 0, 0 ULPs from libm's 0.)
    for (int i = 0; i < 67; ++i) args.push_back(-3.3 + c.shift + 0.1 * i);
    std::vector<double> all(args.size());
    sleef_batch(c.fn, args.data(), all.data(), args.size());
    int far = 0;
    for (size_t i = 0; i < args.size(); ++i)
      if (!(relative_ulps(all[i], c.libm(args[i])) <= 16)) ++far;
    CHECK(far == 0);
    int moved = 0;  // the same argument at every offset and batch length 1..9
    for (size_t n = 1; n <= 9; ++n)
      for (size_t start = 0; start + n <= args.size(); start += 7) {
        std::vector<double> part(n, NAN);
        sleef_batch(c.fn, args.data() + start, part.data(), n);
        for (size_t k = 0; k < n; ++k)
          if (part[k] != all[start + k]) ++moved;
      }
    CHECK(moved == 0);
  }
  CHECK((std::string(sleef_batch_variant()) == "avx2" ||
         std::string(sleef_batch_variant()) == "sse2" ||
         std::string(sleef_batch_variant()) == "scalar"));
}
