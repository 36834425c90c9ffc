// The registry: every function the program knows, in the order tables and reports list them.
// Adding a function is writing its spec in its family file and adding it here.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "functions/families.hpp"
#include "functions/function.hpp"
#include "io/errors.hpp"

namespace gelucheck {
namespace {

constexpr std::array kRegistry = {
    Function(families::kExactGelu),     Function(families::kTanhFormGelu),
    Function(families::kExactGeluGrad), Function(families::kTanhFormGeluGrad),
    Function(families::kTanh),          Function(families::kTanhGrad),
    Function(families::kSilu),          Function(families::kSiluGrad),
    Function(families::kSoftplus),      Function(families::kSoftplusGrad),
    Function(families::kMish),          Function(families::kMishGrad),
    Function(families::kRelu2),         Function(families::kRelu2Grad),
};

const FunctionSpec& derivative_spec(Function fn) {
  if (!fn.spec().derivative_facts)
    throw std::logic_error(std::string(fn.name()) + " is not a derivative");
  return fn.spec();
}

}  // namespace

std::string_view Function::name() const { return spec_->name; }

size_t Function::index() const {
  return size_t(std::find(kRegistry.begin(), kRegistry.end(), *this) - kRegistry.begin());
}

std::span<const Function> all_functions() { return kRegistry; }

bool parse_function(std::string_view name, Function& out) {
  for (Function f : kRegistry) {
    if (f.name() == name) {
      out = f;
      return true;
    }
  }
  return false;
}

Function function_named(std::string_view name) {
  Function f;
  if (!parse_function(name, f))
    throw UsageError("unknown function '" + std::string(name) + "'; valid: " + function_names());
  return f;
}

std::string function_names() {
  std::string out;
  for (Function f : kRegistry) out += (out.empty() ? "" : ", ") + std::string(f.name());
  return out;
}

std::string_view definition_of(Function f) { return f.spec().definition; }

std::vector<Function> derivative_functions() {
  std::vector<Function> out;
  for (Function f : kRegistry)
    if (is_derivative(f)) out.push_back(f);
  return out;
}

std::string derivative_names() {
  std::string out;
  for (Function f : derivative_functions())
    out += (out.empty() ? "" : ", ") + std::string(f.name());
  return out;
}

bool is_derivative(Function fn) { return fn.spec().primitive != nullptr; }

Function primitive_of(Function derivative) {
  if (!derivative.spec().primitive)
    throw std::logic_error(std::string(derivative.name()) + " is not a derivative");
  return Function(*derivative.spec().primitive);
}

Function derivative_of(Function fn) {
  return fn.spec().derivative ? Function(*fn.spec().derivative) : fn;
}

bool has_derivative(Function fn) { return fn.spec().derivative != nullptr; }

bool has_other_form(Function fn) { return fn.spec().other_form != nullptr; }

Function other_form_of(Function fn) {
  if (!fn.spec().other_form) throw std::logic_error(std::string(fn.name()) + " has no other form");
  return Function(*fn.spec().other_form);
}

bool approximates_other_form(Function fn) { return fn.spec().approximates_other_form; }

double derivative_value(Function derivative, double x) {
  return derivative_spec(derivative).derivative_facts->value(x);
}

double derivative_condition(Function derivative, double x) {
  const auto& facts = *derivative_spec(derivative).derivative_facts;
  if (std::isnan(x)) return x;
  if (std::isinf(x)) return 0;  // no finite perturbation moves f' off its limit at +-inf
  const double k = facts.condition(x);
  return std::isnan(k) ? std::numeric_limits<double>::infinity() : k;  // 0/0 only at a zero of f'
}

const DerivativeShape& derivative_shape(Function derivative) {
  const auto& facts = *derivative_spec(derivative).derivative_facts;
  static std::once_flag once[kRegistry.size()];
  static DerivativeShape shapes[kRegistry.size()];
  const size_t i = derivative.index();
  std::call_once(once[i], [&] { shapes[i] = facts.shape(); });
  return shapes[i];
}

}  // namespace gelucheck
