#pragma once
// Hypothesis tests (alc-math.md §9) and the Wilson score interval (§5).
#include <cstddef>

#include "lua_bridge/library/math/checked.hpp"

namespace alc::math {

struct welch_result {
  double t_stat, df, p_value;
};
checked<welch_result> welch_t_test(const double* xs, std::size_t n1, const double* ys,
                                   std::size_t n2) noexcept;

/// A pooled observation for the rank-sum test.
struct pooled_value {
  double value;
  bool from_xs;
};
struct mann_whitney_result {
  double u_stat, z_score, p_value;
};
/// `pool` has n1 + n2 slots (workspace).
checked<mann_whitney_result> mann_whitney_u(const double* xs, std::size_t n1, const double* ys,
                                            std::size_t n2, bool tie_correction,
                                            pooled_value* pool) noexcept;

struct chi_squared_result {
  double chi2_stat, df, p_value;
};
checked<chi_squared_result> chi_squared_test(const double* observed, std::size_t n_observed,
                                             const double* expected,
                                             std::size_t n_expected) noexcept;

struct ks_result {
  double d_stat, p_value;
};
/// Sorts both arrays in place.
ks_result ks_test(double* xs, std::size_t n1, double* ys, std::size_t n2) noexcept;

struct wilson_interval {
  double lower, upper, center;
};
/// total > 0 and confidence in [0, 1] (the binding checks).
wilson_interval wilson_ci(double successes, double total, double confidence) noexcept;

}  // namespace alc::math
