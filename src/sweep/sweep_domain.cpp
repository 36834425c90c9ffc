#include "sweep/sweep_domain.hpp"

namespace gelucheck {
namespace {
thread_local const Domain* current_domain = nullptr;
}  // namespace

const Domain* domain_being_swept() { return current_domain; }

SweepDomainScope::SweepDomainScope(const Domain& domain) : previous_(current_domain) {
  current_domain = &domain;
}

SweepDomainScope::~SweepDomainScope() { current_domain = previous_; }

}  // namespace gelucheck
