// The specs each family file defines, for the registry (registry.cpp) and for the links between
// families (a function's other form may live in another family). Nothing else includes this:
// the program reaches functions through the registry (function.hpp).
#pragma once

#include "functions/function_spec.hpp"

namespace gelucheck::families {

// exact_gelu.cpp: GELU, x Phi(x), and its derivative.
extern const FunctionSpec kExactGelu, kExactGeluGrad;
// tanh_form_gelu.cpp: the tanh form of GELU and its derivative.
extern const FunctionSpec kTanhFormGelu, kTanhFormGeluGrad;
// tanh.cpp: tanh and its derivative.
extern const FunctionSpec kTanh, kTanhGrad;

}  // namespace gelucheck::families
