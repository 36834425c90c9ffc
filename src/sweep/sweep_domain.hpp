// Which domain a kernel is being made for.
//
// An implementation's kernel sees batches of input bits only. An implementation made of captured
// outputs (file:PATH, captured_outputs.hpp) holds one output per input of a whole sweep, in the
// sweep's documented order (domain.hpp), and must pair each output with its input: it asks which
// domain is being swept when its kernel is made. run_sweep opens a SweepDomainScope around its
// kernel_for calls; other code that makes kernels for a known domain may open one too.
#pragma once

#include "sweep/domain.hpp"

namespace gelucheck {

// The domain of the innermost SweepDomainScope open on this thread; nullptr if none.
const Domain* domain_being_swept();

class SweepDomainScope {
 public:
  explicit SweepDomainScope(const Domain& domain);
  ~SweepDomainScope();
  SweepDomainScope(const SweepDomainScope&) = delete;
  SweepDomainScope& operator=(const SweepDomainScope&) = delete;

 private:
  const Domain* previous_;
};

}  // namespace gelucheck
