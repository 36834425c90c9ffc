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
inline const gelucheck::Function silu = gelucheck::function_named("silu");
inline const gelucheck::Function silu_grad = gelucheck::function_named("silu_grad");
inline const gelucheck::Function softplus = gelucheck::function_named("softplus");
inline const gelucheck::Function softplus_grad = gelucheck::function_named("softplus_grad");
inline const gelucheck::Function mish = gelucheck::function_named("mish");
inline const gelucheck::Function mish_grad = gelucheck::function_named("mish_grad");
inline const gelucheck::Function relu2 = gelucheck::function_named("relu2");
inline const gelucheck::Function relu2_grad = gelucheck::function_named("relu2_grad");

}  // namespace fns
