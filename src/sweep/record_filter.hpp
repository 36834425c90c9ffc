// Selection of per-point records for row outputs (`gelucheck sweep`), so that a sweep of 2^32
// inputs writes the rows worth reading instead of all of them:
//
//   --where EXPR    keeps records matching every EXPR given. EXPR is either
//                   FIELD OP NUMBER, FIELD one of ulp (signed ULP error), abs_ulp, abs_error
//                   (|y - r|), rel_error (|y - r|/|r|), x; OP one of > >= < <= == !=;
//                   e.g. 'abs_ulp>1', 'x<-5', 'rel_error>=0.01'. Errors are those of metrics.hpp;
//                   records whose ULP error is undefined (non-finite or NaN outcomes) never match
//                   an error comparison;
//                   or a category: not_cr (not correctly rounded), not_faithful, nonfinite, nan,
//                   zero_sign, any_failure (not correctly rounded, a non-finite or NaN mismatch,
//                   or a wrong-signed zero).
//   --worst N       keeps the N most severe records: NaN and non-finite mismatches first, then
//                   wrong-signed zeros, then by |ULP error|; ties go to the smaller input
//                   ordinal, so the selection does not depend on threads. Written most severe
//                   first.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sweep/metrics.hpp"

namespace gelucheck {

using RecordPredicate = std::function<bool(const PointRecord&)>;

// Throws UsageError naming the accepted forms.
RecordPredicate parse_record_filter(const Format& f, const std::string& expression);

class WorstRecords {
 public:
  WorstRecords(const Format& f, size_t n) : format_(&f), n_(n) {}
  void add(const PointRecord& p);
  std::vector<PointRecord> most_severe_first() const;

 private:
  bool more_severe(const PointRecord& a, const PointRecord& b) const;
  const Format* format_;
  size_t n_;
  std::vector<PointRecord> heap_;  // least severe on top
};

}  // namespace gelucheck
