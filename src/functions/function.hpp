// The functions under study, through the registry: a Function is a handle to a registered
// FunctionSpec (function_spec.hpp), found by its name; everything the program knows about a
// function is in its spec, written in one family file (functions/FAMILY.cpp).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gelucheck {

struct FunctionSpec;
struct DerivativeShape;

// A registered function. Handles compare equal when they name the same function and order as
// the registry lists the functions. A default-constructed handle names none; give it a value
// before use.
class Function {
 public:
  constexpr Function() = default;
  constexpr explicit Function(const FunctionSpec& spec) : spec_(&spec) {}
  const FunctionSpec& spec() const { return *spec_; }
  std::string_view name() const;
  size_t index() const;  // position in the registry
  friend bool operator==(Function a, Function b) { return a.spec_ == b.spec_; }
  friend bool operator<(Function a, Function b) { return a.index() < b.index(); }

 private:
  const FunctionSpec* spec_ = nullptr;
};

// Every registered function, in the registry's order (the order of tables and reports).
std::span<const Function> all_functions();
// Looks a function up by name; false if unknown.
bool parse_function(std::string_view name, Function& out);
// The function of that name; throws UsageError (io/errors.hpp) naming the valid ones.
Function function_named(std::string_view name);
std::string function_names();  // "gelu_erf, gelu_tanh, ..."

inline std::string_view name_of(Function f) { return f.name(); }
std::string_view definition_of(Function f);

// --- relations --------------------------------------------------------------------------------
// The derivatives among the registered functions (in registry order), and their names.
std::vector<Function> derivative_functions();
std::string derivative_names();
bool is_derivative(Function fn);
// The function whose derivative `derivative` is; `derivative` must be a derivative.
Function primitive_of(Function derivative);
// `fn` if it is a derivative, else its derivative.
Function derivative_of(Function fn);
// A forward's derivative, or false for a derivative (and a function without one).
bool has_derivative(Function fn);
// The other form of the same function (the tanh form of GELU for the erf form, and back), if any.
bool has_other_form(Function fn);
Function other_form_of(Function fn);
// Whether fn is the approximation of its other form (graded against it in the forms analyses).
bool approximates_other_form(Function fn);

// --- facts about derivatives, in double (function_spec.hpp, DerivativeFacts) --------------------
double derivative_value(Function derivative, double x);
double derivative_condition(Function derivative, double x);
const DerivativeShape& derivative_shape(Function derivative);

}  // namespace gelucheck
