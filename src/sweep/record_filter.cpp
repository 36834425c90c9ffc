#include "sweep/record_filter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"

namespace gelucheck {

namespace {

constexpr const char* kAccepted =
    "expected FIELD OP NUMBER (FIELD: ulp, abs_ulp, abs_error, rel_error, distance, x; OP: > >= "
    "< <= == !=), e.g. 'abs_ulp>1', or one of not_cr, not_faithful, nonfinite, nan, zero_sign, "
    "convention, any_failure, not_close (fails assert_close), flushed";

bool error_defined(const PointRecord& p) { return p.outcome == Outcome::finite; }

// 2: NaN or non-finite mismatch, 1: wrong-signed zero, 0: otherwise.
int category(const PointRecord& p) {
  if (p.outcome == Outcome::nan || p.outcome == Outcome::nonfinite) return 2;
  return p.zero_sign ? 1 : 0;
}

}  // namespace

RecordPredicate parse_record_filter(const Format& f, const std::string& expression) {
  std::string e;
  for (char c : expression)
    if (c != ' ') e += c;
  if (e == "not_cr") return [](const PointRecord& p) { return !p.correctly_rounded; };
  if (e == "not_faithful") return [](const PointRecord& p) { return !p.faithful; };
  if (e == "nonfinite") return [](const PointRecord& p) { return p.outcome == Outcome::nonfinite; };
  if (e == "nan") return [](const PointRecord& p) { return p.outcome == Outcome::nan; };
  if (e == "convention")
    return [](const PointRecord& p) { return p.outcome == Outcome::convention; };
  if (e == "zero_sign") return [](const PointRecord& p) { return p.zero_sign; };
  if (e == "not_close") return [](const PointRecord& p) { return !p.assert_close; };
  if (e == "flushed") return [](const PointRecord& p) { return p.flushed; };
  if (e == "any_failure")
    return [](const PointRecord& p) {
      return (!p.correctly_rounded && p.outcome != Outcome::special &&
              p.outcome != Outcome::convention) ||
             category(p) > 0;
    };

  const size_t op_at = e.find_first_of("<>=!");
  if (op_at == std::string::npos || op_at == 0)
    throw UsageError(fmt::format("bad --where '{}': {}", expression, kAccepted));
  const std::string field = e.substr(0, op_at);
  const size_t op_len = (op_at + 1 < e.size() && e[op_at + 1] == '=') ? 2 : 1;
  const std::string op = e.substr(op_at, op_len);
  const std::string number = e.substr(op_at + op_len);
  char* end = nullptr;
  const double v = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0' || std::isnan(v) || op == "=" || op == "!")
    throw UsageError(fmt::format("bad --where '{}': {}", expression, kAccepted));

  std::function<double(const PointRecord&)> value;
  bool needs_error = true;
  if (field == "ulp")
    value = [](const PointRecord& p) { return p.ulp_error; };
  else if (field == "abs_ulp")
    value = [](const PointRecord& p) { return std::fabs(p.ulp_error); };
  else if (field == "abs_error")
    value = [](const PointRecord& p) { return std::fabs(p.abs_error); };
  else if (field == "rel_error")
    value = [](const PointRecord& p) { return std::fabs(p.rel_error); };
  else if (field == "distance")
    value = [](const PointRecord& p) { return double(p.distance); };
  else if (field == "x") {
    value = [&f](const PointRecord& p) { return to_double(f.in(), p.x); };
    needs_error = false;
  } else {
    throw UsageError(
        fmt::format("bad --where '{}': unknown field '{}'; {}", expression, field, kAccepted));
  }
  std::function<bool(double)> compare;
  if (op == ">")
    compare = [v](double a) { return a > v; };
  else if (op == ">=")
    compare = [v](double a) { return a >= v; };
  else if (op == "<")
    compare = [v](double a) { return a < v; };
  else if (op == "<=")
    compare = [v](double a) { return a <= v; };
  else if (op == "==")
    compare = [v](double a) { return a == v; };
  else
    compare = [v](double a) { return a != v; };  // "!="
  return [value, compare, needs_error](const PointRecord& p) {
    if (needs_error && !error_defined(p)) return false;
    return compare(value(p));
  };
}

bool WorstRecords::more_severe(const PointRecord& a, const PointRecord& b) const {
  const int ca = category(a), cb = category(b);
  if (ca != cb) return ca > cb;
  const double ua = error_defined(a) ? std::fabs(a.ulp_error) : 0;
  const double ub = error_defined(b) ? std::fabs(b.ulp_error) : 0;
  if (ua != ub) return ua > ub;
  return ordinal(format_->in(), a.x) < ordinal(format_->in(), b.x);
}

void WorstRecords::add(const PointRecord& p) {
  if (n_ == 0) return;
  auto less_severe_on_top = [this](const PointRecord& a, const PointRecord& b) {
    return more_severe(a, b);
  };
  if (heap_.size() < n_) {
    heap_.push_back(p);
    std::push_heap(heap_.begin(), heap_.end(), less_severe_on_top);
  } else if (more_severe(p, heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), less_severe_on_top);
    heap_.back() = p;
    std::push_heap(heap_.begin(), heap_.end(), less_severe_on_top);
  }
}

std::vector<PointRecord> WorstRecords::most_severe_first() const {
  std::vector<PointRecord> out = heap_;
  std::sort(out.begin(), out.end(),
            [this](const PointRecord& a, const PointRecord& b) { return more_severe(a, b); });
  return out;
}

}  // namespace gelucheck
