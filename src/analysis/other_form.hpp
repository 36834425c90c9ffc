// The approximating form of a function graded as the exact one: for a function whose other form
// approximates it (function.hpp), that form's exact value rounded once to the format. Named
// tanh_form_correctly_rounded: the best a gelu(approximate='tanh') kernel or backward can do
// where the exact GELU is meant. Used by the forms section of reports and by the gradient
// report's comparison.
#pragma once

#include "implementations/implementations.hpp"

namespace gelucheck {

const Implementation& approximating_form_correctly_rounded();

}  // namespace gelucheck
