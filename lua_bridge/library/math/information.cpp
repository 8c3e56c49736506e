#include "lua_bridge/library/math/information.hpp"

#include <cmath>

namespace alc::math {
namespace {

bool sums_to_one(const double* p, std::size_t n) {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += p[i];
  return !(std::fabs(sum - 1.0) > 1e-6);
}

// The per-element checks shared by KL and cross-entropy: no negative entry,
// and q > 0 wherever p > 0.
const char* check_support(const double* p, const double* q, std::size_t n, const char* continuity) {
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] < 0.0 || q[i] < 0.0) return "probabilities must be non-negative";
    if (p[i] > 0.0 && !(q[i] > 0.0)) return continuity;
  }
  return nullptr;
}

const char* check_pair(const double* p, std::size_t np, const double* q, std::size_t nq) {
  if (np != nq) return "distributions must have equal length";
  if (!sums_to_one(p, np)) return "p must sum to 1";
  if (!sums_to_one(q, nq)) return "q must sum to 1";
  return nullptr;
}

double kl_sum(const double* p, const double* q, std::size_t n) {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] > 0.0) sum += p[i] * std::log(p[i] / q[i]);
  }
  return sum;
}

}  // namespace

checked<double> entropy(const double* p, std::size_t n) noexcept {
  if (!sums_to_one(p, n)) return checked<double>::fail("probabilities must sum to 1");
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] < 0.0) return checked<double>::fail("probabilities must be non-negative");
  }
  double h = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] > 0.0) h -= p[i] * std::log(p[i]);
  }
  return {h};
}

checked<double> kl_divergence(const double* p, std::size_t np, const double* q,
                              std::size_t nq) noexcept {
  if (const char* error = check_pair(p, np, q, nq)) return checked<double>::fail(error);
  if (const char* error =
          check_support(p, q, np, "q must be > 0 wherever p > 0 (absolute continuity)")) {
    return checked<double>::fail(error);
  }
  return {kl_sum(p, q, np)};
}

checked<double> js_divergence(const double* p, std::size_t np, const double* q, std::size_t nq,
                              double* mixture) noexcept {
  if (const char* error = check_pair(p, np, q, nq)) return checked<double>::fail(error);
  for (std::size_t i = 0; i < np; ++i) mixture[i] = (p[i] + q[i]) / 2.0;
  constexpr const char* continuity = "q must be > 0 wherever p > 0 (absolute continuity)";
  if (const char* error = check_support(p, mixture, np, continuity)) {
    return checked<double>::fail(error);
  }
  if (const char* error = check_support(q, mixture, np, continuity)) {
    return checked<double>::fail(error);
  }
  return {0.5 * kl_sum(p, mixture, np) + 0.5 * kl_sum(q, mixture, np)};
}

checked<double> cross_entropy(const double* p, std::size_t np, const double* q,
                              std::size_t nq) noexcept {
  if (const char* error = check_pair(p, np, q, nq)) return checked<double>::fail(error);
  if (const char* error = check_support(p, q, np, "q must be > 0 wherever p > 0")) {
    return checked<double>::fail(error);
  }
  double h = 0.0;
  for (std::size_t i = 0; i < np; ++i) {
    if (p[i] > 0.0) h -= p[i] * std::log(q[i]);
  }
  return {h};
}

}  // namespace alc::math
