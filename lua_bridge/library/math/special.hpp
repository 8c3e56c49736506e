#pragma once
// Special functions and the statrs 0.18 distributions alc.math exposes
// (alc-math.md §7, §8), with statrs' domain rules: where statrs panics these
// return an error instead. The kernels are Boost.Math's (see special.cpp).
#include <cstddef>
#include <cstdint>

#include "lua_bridge/library/math/checked.hpp"

namespace alc::math {

double erf(double x) noexcept;
double erfc(double x) noexcept;
/// statrs' erfc_inv: +inf at or below 0, -inf at or above 2.
double erfc_inv(double x) noexcept;
/// ln|Gamma(x)|; +inf at the poles (0, -1, -2, ...).
double lgamma(double x) noexcept;
/// psi(x); -inf at the poles, NaN at -inf.
double digamma(double x) noexcept;
checked<double> ln_beta(double a, double b) noexcept;
checked<double> beta(double a, double b) noexcept;
/// I_x(a, b), statrs' beta_reg.
checked<double> regularized_beta(double x, double a, double b) noexcept;
/// Lower P(a, x), statrs' gamma_lr (x = 0 gives 0).
checked<double> regularized_gamma_lower(double a, double x) noexcept;
/// Upper Q(a, x), statrs' gamma_ur.
checked<double> regularized_gamma_upper(double a, double x) noexcept;

constexpr uint64_t max_factorial = 170;
/// n! as statrs tabulates it (an iterated product), n <= 170.
double factorial(uint64_t n) noexcept;
double ln_factorial(uint64_t n) noexcept;

double logsumexp(const double* data, std::size_t n) noexcept;
double logit(double p) noexcept;  ///< p in (0, 1)
double expit(double x) noexcept;

/// statrs Normal::new's checks.
const char* check_normal(double mean, double sd) noexcept;
double normal_cdf(double x, double mean, double sd) noexcept;
/// mean - sd * sqrt(2) * erfc_inv(2p), p in [0, 1].
double normal_inverse_cdf(double p, double mean, double sd) noexcept;

/// statrs Beta::new's checks.
const char* check_beta(double a, double b) noexcept;
checked<double> beta_cdf(double x, double a, double b) noexcept;
double beta_inverse_cdf(double p, double a, double b) noexcept;  ///< p in [0, 1]

/// gamma_cdf(x, shape, scale): statrs Gamma(shape, rate = 1 / scale).
checked<double> gamma_cdf(double x, double shape, double scale) noexcept;
/// P(X <= k) for Poisson(lambda).
checked<double> poisson_cdf(uint64_t k, double lambda) noexcept;
/// Student t (location 0, scale 1) CDF; df > 0.
double students_t_cdf(double x, double df) noexcept;
/// Chi-squared CDF with k > 0 degrees of freedom.
double chi_squared_cdf(double x, double k) noexcept;

}  // namespace alc::math
