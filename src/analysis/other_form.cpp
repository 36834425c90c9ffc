#include "analysis/other_form.hpp"

#include <vector>

#include <fmt/format.h>  // fmt::format

#include "sweep/engine.hpp"  // reference_table

namespace gelucheck {

const Implementation& approximating_form_correctly_rounded() {
  static const Implementation impl = [] {
    Implementation i;
    i.name = "tanh_form_correctly_rounded";
    // "A (A') rounded once to the format, graded as E (E')." for the forwards E whose other form
    // A approximates them.
    std::string pairs_a, pairs_e;
    for (Function fn : all_functions()) {
      if (!has_other_form(fn) || approximates_other_form(fn) || !has_derivative(fn)) continue;
      const Function a = other_form_of(fn);
      pairs_a += fmt::format("{}{} ({})", pairs_a.empty() ? "" : ", ", name_of(a),
                             name_of(derivative_of(a)));
      pairs_e += fmt::format("{}{} ({})", pairs_e.empty() ? "" : ", ", name_of(fn),
                             name_of(derivative_of(fn)));
    }
    i.summary = fmt::format("{} rounded once to the format, graded as {}.", pairs_a, pairs_e);
    i.used_in = "The best any gelu(approximate='tanh') kernel can do where exact GELU is meant.";
    i.kernel_for = [](Function fn, const Format& f, const Domain*) -> BatchKernel {
      if (!has_other_form(fn) || approximates_other_form(fn)) return {};
      const Function form = other_form_of(fn);
      return [form, &f](std::span<const uint32_t> x, std::span<uint32_t> y) {
        if (const RefValue* table = reference_table(form, f, ReferenceMode::tiered, 0)) {
          for (size_t k = 0; k < x.size(); ++k) y[k] = table[x[k]].correctly_rounded;
          return;
        }
        std::vector<RefValue> ref(x.size());
        reference_batch(form, f, x, ref);
        for (size_t k = 0; k < x.size(); ++k) y[k] = ref[k].correctly_rounded;
      };
    };
    return i;
  }();
  return impl;
}

}  // namespace gelucheck
