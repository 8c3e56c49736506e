#pragma once
// Descriptive statistics, bivariate measures, transforms and time series
// (alc-math.md §4-§6), in mlua-mathlib 0.3.0's arithmetic order: median and
// percentile are bit-exact, the rest follows the same summation order.
// Inputs are finite, non-empty arrays (the binding checks); outputs go to
// caller-owned buffers so the VM's allocator accounts for them.
#include <cstddef>
#include <cstdint>

#include "lua_bridge/library/math/checked.hpp"

namespace alc::math {

/// Rust's f64::total_cmp as a sort key (-NaN < -inf < -0 < +0 < inf < NaN).
int64_t total_order_key(double v) noexcept;
/// Ascending in IEEE total order (-0 before +0), like Rust's total_cmp.
void sort_total(double* data, std::size_t n) noexcept;

double mean(const double* data, std::size_t n) noexcept;
/// Sample variance (n - 1) by Welford; 0 for a single value.
double variance(const double* data, std::size_t n) noexcept;
double stddev(const double* data, std::size_t n) noexcept;
/// R type 7 on an ascending array; `p` in [0, 100].
double percentile_of_sorted(const double* sorted, std::size_t n, double p) noexcept;

/// One-pass sample covariance; needs n >= 2.
double covariance(const double* xs, const double* ys, std::size_t n) noexcept;
/// Two-pass Pearson correlation; fails on zero variance.
checked<double> correlation(const double* xs, const double* ys, std::size_t n) noexcept;

void softmax(const double* data, std::size_t n, double* out) noexcept;
/// The index of the first value <= 0, or n when all are positive.
std::size_t first_non_positive(const double* data, std::size_t n) noexcept;
/// ln(1 + x) / ln(1 + max) * 100; every value must be > 0.
void log_normalize(const double* data, std::size_t n, double* out) noexcept;
/// `counts` has `bins` slots, `edges` bins + 1.
void histogram(const double* data, std::size_t n, std::size_t bins, uint64_t* counts,
               double* edges) noexcept;

/// Running-sum moving average; 1 <= window <= n; out has n - window + 1 slots.
void moving_average(const double* data, std::size_t n, std::size_t window, double* out) noexcept;
void ewma(const double* data, std::size_t n, double alpha, double* out) noexcept;
/// 1 for lag 0; lag < n otherwise; fails on zero variance.
checked<double> autocorrelation(const double* data, std::size_t n, std::size_t lag) noexcept;

constexpr std::size_t max_permutation_size = 8;
/// n! permutations of 1..n (n in [1, 8]) in iterative Heap's order, row by row into `out`
/// (n! * n slots).
void permutations(std::size_t n, int64_t* out) noexcept;
std::size_t factorial_count(std::size_t n) noexcept;

}  // namespace alc::math
