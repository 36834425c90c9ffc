// The six functions under study, as names and definitions. Their exact values come from
// reference.hpp; their implementations under test from implementations.hpp.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace gelucheck {

enum class Function { gelu_erf, gelu_tanh, gelu_erf_grad, gelu_tanh_grad, tanh, tanh_grad };

inline constexpr std::array<Function, 6> all_functions = {
    Function::gelu_erf,       Function::gelu_tanh, Function::gelu_erf_grad,
    Function::gelu_tanh_grad, Function::tanh,      Function::tanh_grad};

struct FunctionInfo {
  Function function;
  std::string_view name;
  std::string_view definition;  // the exact mathematical definition
};

// Phi is the standard normal CDF, phi its density, u = sqrt(2/pi)*(x + 0.044715*x^3).
// 0.044715 and sqrt(2/pi) are exact in the definition (the decimal, not its double).
inline constexpr std::array<FunctionInfo, 6> function_infos = {{
    {Function::gelu_erf, "gelu_erf", "x*Phi(x) = 0.5*x*(1 + erf(x/sqrt(2)))"},
    {Function::gelu_tanh, "gelu_tanh", "0.5*x*(1 + tanh(u)), u = sqrt(2/pi)*(x + 0.044715*x^3)"},
    {Function::gelu_erf_grad, "gelu_erf_grad", "d/dx gelu_erf = Phi(x) + x*phi(x)"},
    {Function::gelu_tanh_grad, "gelu_tanh_grad",
     "d/dx gelu_tanh = 0.5*(1 + tanh(u)) + 0.5*x*(1 - tanh(u)^2)*sqrt(2/pi)*(1 + 3*0.044715*x^2)"},
    {Function::tanh, "tanh", "tanh(x)"},
    {Function::tanh_grad, "tanh_grad", "d/dx tanh = 1 - tanh(x)^2"},
}};

inline std::string_view name_of(Function f) { return function_infos[size_t(f)].name; }
inline std::string_view definition_of(Function f) { return function_infos[size_t(f)].definition; }
// Looks a function up by name; false if unknown.
bool parse_function(std::string_view name, Function& out);
std::string function_names();  // "gelu_erf, gelu_tanh, ..."

// The coefficient of the tanh form, and where it comes from: Hendrycks & Gimpel, "Gaussian Error
// Linear Units (GELUs)", arXiv:1606.08415, section 2.
inline constexpr std::string_view kTanhFormCubicDecimal = "0.044715";
inline constexpr double kTanhFormCubic = 0.044715;

}  // namespace gelucheck
