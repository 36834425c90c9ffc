// The registered functions by name, for tests that name one (the program itself never does:
// it reads the registry, functions/function.hpp). A name missing from the registry fails at
// start-up, naming the registered ones.
#pragma once

#include "functions/function.hpp"

namespace fns {

inline const gelucheck::Function gelu_erf = gelucheck::function_named("gelu_erf");
inline const gelucheck::Function gelu_tanh = gelucheck::function_named("gelu_tanh");
inline const gelucheck::Function gelu_erf_grad = gelucheck::function_named("gelu_erf_grad");
inline const gelucheck::Function gelu_tanh_grad = gelucheck::function_named("gelu_tanh_grad");
inline const gelucheck::Function tanh = gelucheck::function_named("tanh");
inline const gelucheck::Function tanh_grad = gelucheck::function_named("tanh_grad");

}  // namespace fns
