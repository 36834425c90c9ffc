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
// silu.cpp: SiLU (Swish), x sigma(x), and its derivative.
extern const FunctionSpec kSilu, kSiluGrad;
// softplus.cpp: ln(1 + e^x) and its derivative sigma(x).
extern const FunctionSpec kSoftplus, kSoftplusGrad;
// mish.cpp: x tanh(softplus(x)) and its derivative.
extern const FunctionSpec kMish, kMishGrad;
// relu2.cpp: max(x, 0)^2 and its derivative.
extern const FunctionSpec kRelu2, kRelu2Grad;

}  // namespace gelucheck::families
