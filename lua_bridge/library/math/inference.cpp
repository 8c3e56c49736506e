#include "lua_bridge/library/math/inference.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "lua_bridge/library/math/descriptive.hpp"
#include "lua_bridge/library/math/special.hpp"

namespace alc::math {

checked<welch_result> welch_t_test(const double* xs, std::size_t n1, const double* ys,
                                   std::size_t n2) noexcept {
  using result = checked<welch_result>;
  if (n1 < 2 || n2 < 2) return result::fail("each group needs at least 2 values");
  const double mean1 = mean(xs, n1), mean2 = mean(ys, n2);
  const double n1f = static_cast<double>(n1), n2f = static_cast<double>(n2);
  const double se1 = variance(xs, n1) / n1f;
  const double se2 = variance(ys, n2) / n2f;
  const double se_sum = se1 + se2;
  if (se_sum == 0.0) return result::fail("both groups have zero variance");
  const double t_stat = (mean1 - mean2) / std::sqrt(se_sum);
  const double df = (se_sum * se_sum) / (se1 * se1 / (n1f - 1.0) + se2 * se2 / (n2f - 1.0));
  if (!(df > 0.0)) return result::fail("invalid degrees of freedom");
  const double p_value = 2.0 * (1.0 - students_t_cdf(std::fabs(t_stat), df));
  return {{t_stat, df, p_value}};
}

checked<mann_whitney_result> mann_whitney_u(const double* xs, std::size_t n1, const double* ys,
                                            std::size_t n2, bool tie_correction,
                                            pooled_value* pool) noexcept {
  using result = checked<mann_whitney_result>;
  if (n1 == 0 || n2 == 0) return result::fail("both groups must be non-empty");
  const std::size_t n = n1 + n2;
  for (std::size_t i = 0; i < n1; ++i) pool[i] = {xs[i], true};
  for (std::size_t i = 0; i < n2; ++i) pool[n1 + i] = {ys[i], false};
  std::stable_sort(pool, pool + n, [](const pooled_value& a, const pooled_value& b) {
    return total_order_key(a.value) < total_order_key(b.value);
  });
  // Average ranks over runs of equal values; the tie term for the correction.
  double rank_sum_x = 0.0;
  double tie_term = 0.0;
  bool ties = false;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && pool[j].value == pool[i].value) ++j;
    const double group = static_cast<double>(j - i);
    if (tie_correction && group > 1.0) {
      ties = true;
      tie_term += group * group * group - group;
    }
    const double average_rank = static_cast<double>(i + 1 + j) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (pool[k].from_xs) rank_sum_x += average_rank;
    }
    i = j;
  }
  const double n1f = static_cast<double>(n1), n2f = static_cast<double>(n2);
  const double u1 = rank_sum_x - n1f * (n1f + 1.0) / 2.0;
  const double u = std::min(u1, n1f * n2f - u1);
  const double mu = n1f * n2f / 2.0;
  const double nf = n1f + n2f;
  const double sigma = ties
                           ? std::sqrt(n1f * n2f / 12.0 * (nf + 1.0 - tie_term / (nf * (nf - 1.0))))
                           : std::sqrt(n1f * n2f * (nf + 1.0) / 12.0);
  if (sigma == 0.0) return result::fail("zero variance (all values identical)");
  const double z = (u - mu) / sigma;
  return {{u, z, 2.0 * normal_cdf(z, 0.0, 1.0)}};
}

checked<chi_squared_result> chi_squared_test(const double* observed, std::size_t n_observed,
                                             const double* expected,
                                             std::size_t n_expected) noexcept {
  using result = checked<chi_squared_result>;
  if (n_observed != n_expected) {
    return result::fail("observed and expected must have equal length");
  }
  if (n_observed < 2) return result::fail("need at least 2 categories");
  for (std::size_t i = 0; i < n_expected; ++i) {
    if (expected[i] <= 0.0) return result::fail("expected values must be > 0");
  }
  double chi2 = 0.0;
  for (std::size_t i = 0; i < n_observed; ++i) {
    const double d = observed[i] - expected[i];
    chi2 += d * d / expected[i];
  }
  const double df = static_cast<double>(n_observed - 1);
  return {{chi2, df, 1.0 - chi_squared_cdf(chi2, df)}};
}

ks_result ks_test(double* xs, std::size_t n1, double* ys, std::size_t n2) noexcept {
  sort_total(xs, n1);
  sort_total(ys, n2);
  const double inv_n1 = 1.0 / static_cast<double>(n1);
  const double inv_n2 = 1.0 / static_cast<double>(n2);
  std::size_t i = 0, j = 0;
  double d = 0.0, d_max = 0.0;
  while (i < n1 && j < n2) {
    const double x = xs[i], y = ys[j];
    if (x < y) {
      d += inv_n1;
      ++i;
    } else if (x > y) {
      d -= inv_n2;
      ++j;
    } else {
      // A tie across the samples moves both step functions at once.
      double ci = 0, cj = 0;
      while (i < n1 && xs[i] == x) ++ci, ++i;
      while (j < n2 && ys[j] == x) ++cj, ++j;
      d += ci * inv_n1 - cj * inv_n2;
    }
    d_max = std::fmax(d_max, std::fabs(d));
  }
  const double n1f = static_cast<double>(n1), n2f = static_cast<double>(n2);
  const double ne = std::sqrt(n1f * n2f / (n1f + n2f));
  const double lambda = (ne + 0.12 + 0.11 / ne) * d_max;
  double p = 0.0;
  for (int k = 1; k <= 100; ++k) {
    const double kf = k;
    const double sign = k % 2 == 1 ? 1.0 : -1.0;  // (-1)^(k-1)
    p += 2.0 * sign * std::exp(-2.0 * kf * kf * lambda * lambda);
  }
  return {d_max, std::clamp(p, 0.0, 1.0)};
}

wilson_interval wilson_ci(double successes, double total, double confidence) noexcept {
  const double z = normal_inverse_cdf(1.0 - (1.0 - confidence) / 2.0, 0.0, 1.0);
  const double p_hat = successes / total;
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / total;
  const double center = (p_hat + z2 / (2.0 * total)) / denominator;
  const double margin =
      (z * std::sqrt((p_hat * (1.0 - p_hat) + z2 / (4.0 * total)) / total)) / denominator;
  return {std::fmax(center - margin, 0.0), std::fmin(center + margin, 1.0), center};
}

}  // namespace alc::math
