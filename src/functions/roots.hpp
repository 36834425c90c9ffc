// The root finder of the families' derivative facts (DerivativeShape, function_spec.hpp): the
// extrema and zeros of f' to the last bit of double, by bisection over a bracket the family
// proves (g changes sign once between a and b).
#pragma once

#include <boost/math/tools/roots.hpp>  // bisect, eps_tolerance

namespace gelucheck::families {

template <class G>
double root_between(G g, double a, double b) {
  const auto r = boost::math::tools::bisect(g, a, b, boost::math::tools::eps_tolerance<double>());
  return 0.5 * (r.first + r.second);
}

}  // namespace gelucheck::families
