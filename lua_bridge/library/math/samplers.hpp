#pragma once
// Ports of rand_distr 0.5.1's samplers (MIT/Apache-2.0), draw for draw, so a
// seed replays the original's numbers. Each `make` checks the parameters
// with rand_distr's own error texts; `sample` consumes the stream.
#include <cstddef>
#include <cstdint>

#include "lua_bridge/library/math/chacha_stream.hpp"
#include "lua_bridge/library/math/checked.hpp"
#include "lua_bridge/library/math/draws.hpp"

namespace alc::math {

/// StandardNormal: the 256-layer ziggurat (ZIGNOR).
double standard_normal(chacha_stream& rng) noexcept;
/// Exp1: the exponential ziggurat.
double standard_exponential(chacha_stream& rng) noexcept;

/// Normal(mean, sd): `sd` must be finite (a negative one flips the sign).
class normal_sampler {
 public:
  static checked<normal_sampler> make(double mean, double sd) noexcept;
  double sample(chacha_stream& rng) const noexcept { return mean_ + sd_ * standard_normal(rng); }

  normal_sampler() = default;

 private:
  normal_sampler(double mean, double sd) : mean_(mean), sd_(sd) {}
  double mean_ = 0;
  double sd_ = 1;
};

/// Exp(lambda), lambda >= 0 (0 gives +inf).
class exponential_sampler {
 public:
  static checked<exponential_sampler> make(double lambda) noexcept;
  double sample(chacha_stream& rng) const noexcept {
    return standard_exponential(rng) * lambda_inverse_;
  }

  exponential_sampler() = default;

 private:
  explicit exponential_sampler(double lambda_inverse) : lambda_inverse_(lambda_inverse) {}
  double lambda_inverse_ = 1;
};

/// Gamma(shape, scale): Marsaglia-Tsang, Exp for shape 1, boosted below 1.
class gamma_sampler {
 public:
  static checked<gamma_sampler> make(double shape, double scale) noexcept;
  double sample(chacha_stream& rng) const noexcept;

  gamma_sampler() = default;

 private:
  enum class method { one, small, large };
  double large_shape_sample(chacha_stream& rng) const noexcept;

  method method_ = method::one;
  double scale_ = 1;
  double lambda_inverse_ = 1;  ///< method::one
  double inv_shape_ = 1;       ///< method::small
  double c_ = 0;               ///< Marsaglia-Tsang constants
  double d_ = 0;
};

/// Beta(a, b): Cheng's BB when min(a, b) > 1, else BC.
class beta_sampler {
 public:
  static checked<beta_sampler> make(double alpha, double beta) noexcept;
  double sample(chacha_stream& rng) const noexcept;

  beta_sampler() = default;

 private:
  bool bb_ = true;
  bool switched_ = false;
  double a_ = 1, b_ = 1;
  double alpha_ = 0, beta_ = 0, gamma_ = 0;  ///< BB
  double kappa1_ = 0, kappa2_ = 0;           ///< BC (alpha_, beta_ shared)
};

/// ChiSquared(k): the square of a normal draw for k = 1, else Gamma(k/2, 2).
class chi_squared_sampler {
 public:
  static checked<chi_squared_sampler> make(double k) noexcept;
  double sample(chacha_stream& rng) const noexcept;

  chi_squared_sampler() = default;

 private:
  bool exactly_one_ = true;
  gamma_sampler gamma_;
};

/// StudentT(df): z * sqrt(df / chi2(df)), z drawn first.
class student_t_sampler {
 public:
  static checked<student_t_sampler> make(double df) noexcept;
  double sample(chacha_stream& rng) const noexcept;

  student_t_sampler() = default;

 private:
  chi_squared_sampler chi_;
  double df_ = 1;
};

/// Poisson(lambda) as a float: Knuth below 12, Ahrens-Dieter's rejection above.
class poisson_sampler {
 public:
  static checked<poisson_sampler> make(double lambda) noexcept;
  double sample(chacha_stream& rng) const noexcept;

  poisson_sampler() = default;

 private:
  struct terms {
    double px, py, fx, fy;
  };
  terms f(double k) const noexcept;
  double rejection_sample(chacha_stream& rng) const noexcept;

  bool knuth_ = true;
  double lambda_ = 1;
  double exp_lambda_ = 0;  ///< Knuth
  double s_ = 0, d_ = 0, l_ = 0, c_ = 0, c0_ = 0, c1_ = 0, c2_ = 0, c3_ = 0, omega_ = 0;
};

/// Knuth's multiplication method (shared by Poisson and the binomial's tiny-p case).
double knuth_poisson(chacha_stream& rng, double exp_minus_lambda) noexcept;

/// Binomial(n, p): BINV when n*min(p, 1-p) < 10, else BTPE.
class binomial_sampler {
 public:
  static checked<binomial_sampler> make(uint64_t n, double p) noexcept;
  /// Fails only where rand_distr panics (a BTPE intermediate beyond i64).
  checked<uint64_t> sample(chacha_stream& rng) const noexcept;

  binomial_sampler() = default;

 private:
  enum class method { constant, poisson, binv, btpe };
  uint64_t binv(chacha_stream& rng) const noexcept;
  checked<uint64_t> btpe(chacha_stream& rng) const noexcept;

  method method_ = method::constant;
  bool flipped_ = false;
  uint64_t n_ = 0;
  double p_ = 0;
  double r_ = 0, s_ = 0, a_ = 0;  ///< BINV
  int64_t m_ = 0;                 ///< BTPE
  double p1_ = 0;
  double exp_minus_np_ = 0;  ///< Poisson
};

/// WeightedIndex over `weights`: a 0-based index, cumulative sums kept in `cumulative`
/// (size n - 1, caller's buffer).
class categorical_sampler {
 public:
  static checked<categorical_sampler> make(const double* weights, std::size_t n,
                                           double* cumulative) noexcept;
  std::size_t sample(chacha_stream& rng) const noexcept;

  categorical_sampler() = default;

 private:
  const double* cumulative_ = nullptr;
  std::size_t count_ = 0;  ///< of cumulative sums
  uniform_float chosen_;   ///< [0, total)
};

/// Dirichlet as the original builds it: Gamma(alpha_i, 1) in order, normalised.
/// `out` has `n` slots. Errors: a Gamma parameter error, or a zero sum.
const char* dirichlet_sample(chacha_stream& rng, const double* alphas, std::size_t n,
                             double* out) noexcept;

}  // namespace alc::math
