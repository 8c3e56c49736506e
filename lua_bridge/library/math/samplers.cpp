#include "lua_bridge/library/math/samplers.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace alc::math {
namespace {

constexpr double pi = 3.14159265358979323846;
constexpr double epsilon = std::numeric_limits<double>::epsilon();

// rand_distr's ziggurat tables (ZIGNOR, Doornik 2005), rebuilt from the
// generator's recurrence instead of 1028 pasted constants: x[0] = v / f(r),
// x[1] = r, x[i] = f^-1(v / x[i-1] + f(x[i-1])), x[256] = 0, F[i] = f(x[i]).
// glibc's exp/log reproduce the published tables (the test vectors pin this).
struct ziggurat_table {
  std::array<double, 257> x;
  std::array<double, 257> f;
};

template <class Pdf, class InversePdf>
ziggurat_table build_table(double r, double v, Pdf pdf, InversePdf inverse) {
  ziggurat_table t{};
  t.x[0] = v / pdf(r);
  t.x[1] = r;
  for (int i = 2; i < 256; ++i) t.x[i] = inverse(v / t.x[i - 1] + pdf(t.x[i - 1]));
  t.x[256] = 0;
  for (int i = 0; i < 257; ++i) t.f[i] = pdf(t.x[i]);
  return t;
}

constexpr double zig_norm_r = 3.654152885361008796;
constexpr double zig_exp_r = 7.697117470131050077;

double normal_pdf(double x) {
  return std::exp(-x * x / 2.0);
}
double exp_pdf(double x) {
  return std::exp(-x);
}

// Built once per process on first use, read-only afterwards (thread-safe static).
const ziggurat_table& normal_table() {
  static const ziggurat_table table =
      build_table(3.6541528853610088, 0.00492867323399, normal_pdf,
                  [](double y) { return std::sqrt(-2.0 * std::log(y)); });
  return table;
}

const ziggurat_table& exp_table() {
  static const ziggurat_table table = build_table(7.69711747013104972, 0.0039496598225815571993,
                                                  exp_pdf, [](double y) { return -std::log(y); });
  return table;
}

double signum(double v) {
  return std::copysign(1.0, v);
}

bool fits_i64(double x) {
  return x < 9223372036854775807.0;
}  // rand_distr's f64_to_i64 assert

}  // namespace

double standard_normal(chacha_stream& rng) noexcept {
  const ziggurat_table& t = normal_table();
  for (;;) {
    const uint64_t bits = rng.next_u64();
    const auto i = static_cast<std::size_t>(bits & 0xff);
    const double u = float_with_exponent(bits >> 12, 1) - 3.0;  // [-1, 1)
    const double x = u * t.x[i];
    if (std::fabs(x) < t.x[i + 1]) return x;
    if (i == 0) {
      // The tail beyond R, by hand.
      double tail_x = 1.0;
      double tail_y = 0.0;
      while (-2.0 * tail_y < tail_x * tail_x) {
        const double x_ = open_unit_float(rng);
        const double y_ = open_unit_float(rng);
        tail_x = std::log(x_) / zig_norm_r;
        tail_y = std::log(y_);
      }
      return u < 0.0 ? tail_x - zig_norm_r : zig_norm_r - tail_x;
    }
    if (t.f[i + 1] + (t.f[i] - t.f[i + 1]) * unit_float(rng) < normal_pdf(x)) return x;
  }
}

double standard_exponential(chacha_stream& rng) noexcept {
  const ziggurat_table& t = exp_table();
  for (;;) {
    const uint64_t bits = rng.next_u64();
    const auto i = static_cast<std::size_t>(bits & 0xff);
    const double u = float_with_exponent(bits >> 12, 0) - (1.0 - epsilon / 2.0);  // (0, 1)
    const double x = u * t.x[i];
    if (x < t.x[i + 1]) return x;
    if (i == 0) return zig_exp_r - std::log(unit_float(rng));
    if (t.f[i + 1] + (t.f[i] - t.f[i + 1]) * unit_float(rng) < exp_pdf(x)) return x;
  }
}

// ---- normal, exponential --------------------------------------------------------

checked<normal_sampler> normal_sampler::make(double mean, double sd) noexcept {
  if (!std::isfinite(sd)) {
    return checked<normal_sampler>::fail(
        "variation parameter is non-finite in (log)normal distribution");
  }
  return {normal_sampler(mean, sd)};
}

checked<exponential_sampler> exponential_sampler::make(double lambda) noexcept {
  if (!(lambda >= 0.0)) {
    return checked<exponential_sampler>::fail(
        "lambda is negative or NaN in exponential distribution");
  }
  return {exponential_sampler(1.0 / lambda)};
}

// ---- gamma --------------------------------------------------------------------------

checked<gamma_sampler> gamma_sampler::make(double shape, double scale) noexcept {
  using result = checked<gamma_sampler>;
  if (!(shape > 0.0)) return result::fail("shape is not positive in gamma distribution");
  if (!(scale > 0.0)) return result::fail("scale is not positive in gamma distribution");
  gamma_sampler g;
  g.scale_ = scale;
  if (shape == 1.0) {
    g.method_ = method::one;
    g.lambda_inverse_ = 1.0 / (1.0 / scale);  // Exp(1 / scale), as the original builds it
    return {g};
  }
  double large_shape = shape;
  if (shape < 1.0) {
    g.method_ = method::small;
    g.inv_shape_ = 1.0 / shape;
    large_shape = shape + 1.0;
  } else {
    g.method_ = method::large;
  }
  g.d_ = large_shape - 1.0 / 3.0;
  g.c_ = 1.0 / std::sqrt(9.0 * g.d_);
  return {g};
}

double gamma_sampler::large_shape_sample(chacha_stream& rng) const noexcept {
  for (;;) {
    const double x = standard_normal(rng);
    const double v_cbrt = 1.0 + c_ * x;
    if (v_cbrt <= 0.0) continue;
    const double v = v_cbrt * v_cbrt * v_cbrt;
    const double u = open_unit_float(rng);
    const double x_sqr = x * x;
    if (u < 1.0 - 0.0331 * x_sqr * x_sqr ||
        std::log(u) < 0.5 * x_sqr + d_ * (1.0 - v + std::log(v))) {
      return d_ * v * scale_;
    }
  }
}

double gamma_sampler::sample(chacha_stream& rng) const noexcept {
  switch (method_) {
    case method::one:
      return standard_exponential(rng) * lambda_inverse_;
    case method::small: {
      const double u = open_unit_float(rng);
      return large_shape_sample(rng) * std::pow(u, inv_shape_);
    }
    case method::large:
      break;
  }
  return large_shape_sample(rng);
}

// ---- beta ---------------------------------------------------------------------------

checked<beta_sampler> beta_sampler::make(double alpha, double beta) noexcept {
  using result = checked<beta_sampler>;
  if (!(alpha > 0.0)) return result::fail("alpha is not positive in beta distribution");
  if (!(beta > 0.0)) return result::fail("beta is not positive in beta distribution");
  beta_sampler s;
  double a = alpha, b = beta;
  bool switched = false;
  if (!(alpha < beta)) a = beta, b = alpha, switched = true;
  if (a > 1.0) {
    s.bb_ = true;
    s.alpha_ = a + b;
    s.beta_ = std::sqrt((s.alpha_ - 2.0) / (2.0 * a * b - s.alpha_));
    s.gamma_ = a + 1.0 / s.beta_;
  } else {
    // BC takes `a` as the larger parameter.
    std::swap(a, b);
    switched = !switched;
    s.bb_ = false;
    s.alpha_ = a + b;
    s.beta_ = 1.0 / b;
    const double delta = 1.0 + a - b;
    s.kappa1_ = delta * (1. / 18. / 4. + 3. / 18. / 4. * b) / (a * s.beta_ - 14. / 18.);
    s.kappa2_ = 0.25 + (0.5 + 0.25 / delta) * b;
  }
  s.a_ = a;
  s.b_ = b;
  s.switched_ = switched;
  return {s};
}

double beta_sampler::sample(chacha_stream& rng) const noexcept {
  double w = 0;
  if (bb_) {
    for (;;) {
      const double u1 = open_unit_float(rng);
      const double u2 = open_unit_float(rng);
      const double v = beta_ * std::log(u1 / (1.0 - u1));
      w = a_ * std::exp(v);
      const double z = u1 * u1 * u2;
      const double r = gamma_ * v - std::log(4.0);
      const double s = a_ + r - w;
      if (s + 1.0 + std::log(5.0) >= 5.0 * z) break;
      const double t = std::log(z);
      if (s >= t) break;
      if (!(r + alpha_ * std::log(alpha_ / (b_ + w)) < t)) break;
    }
  } else {
    for (;;) {
      double z;
      const double u1 = open_unit_float(rng);
      const double u2 = open_unit_float(rng);
      if (u1 < 0.5) {
        const double y = u1 * u2;
        z = u1 * y;
        if (0.25 * u2 + z - y >= kappa1_) continue;
      } else {
        z = u1 * u1 * u2;
        if (z <= 0.25) {
          const double v = beta_ * std::log(u1 / (1.0 - u1));
          w = a_ * std::exp(v);
          break;
        }
        if (z >= kappa2_) continue;
      }
      const double v = beta_ * std::log(u1 / (1.0 - u1));
      w = a_ * std::exp(v);
      if (!(alpha_ * (std::log(alpha_ / (b_ + w)) + v) - std::log(4.0) < std::log(z))) break;
    }
  }
  if (!switched_) {
    if (w == std::numeric_limits<double>::infinity()) return 1.0;
    return w / (b_ + w);
  }
  return b_ / (b_ + w);
}

// ---- chi-squared, Student t -------------------------------------------------------

checked<chi_squared_sampler> chi_squared_sampler::make(double k) noexcept {
  chi_squared_sampler s;
  if (k == 1.0) return {s};
  if (!(0.5 * k > 0.0)) {
    return checked<chi_squared_sampler>::fail(
        "degrees-of-freedom k is not positive in chi-squared distribution");
  }
  s.exactly_one_ = false;
  s.gamma_ = gamma_sampler::make(0.5 * k, 2.0).value;
  return {s};
}

double chi_squared_sampler::sample(chacha_stream& rng) const noexcept {
  if (exactly_one_) {
    const double norm = standard_normal(rng);
    return norm * norm;
  }
  return gamma_.sample(rng);
}

checked<student_t_sampler> student_t_sampler::make(double df) noexcept {
  const checked<chi_squared_sampler> chi = chi_squared_sampler::make(df);
  if (!chi.ok()) return checked<student_t_sampler>::fail(chi.error);
  student_t_sampler s;
  s.chi_ = chi.value;
  s.df_ = df;
  return {s};
}

double student_t_sampler::sample(chacha_stream& rng) const noexcept {
  const double norm = standard_normal(rng);
  return norm * std::sqrt(df_ / chi_.sample(rng));
}

// ---- Poisson ------------------------------------------------------------------------

double knuth_poisson(chacha_stream& rng, double exp_minus_lambda) noexcept {
  double result = 1.0;
  double p = unit_float(rng);
  while (p > exp_minus_lambda) {
    p = p * unit_float(rng);
    result = result + 1.0;
  }
  return result - 1.0;
}

checked<poisson_sampler> poisson_sampler::make(double lambda) noexcept {
  using result = checked<poisson_sampler>;
  if (!std::isfinite(lambda))
    return result::fail("lambda is infinite or nan in Poisson distribution");
  if (!(lambda > 0.0)) return result::fail("lambda is not positive in Poisson distribution");
  poisson_sampler s;
  s.lambda_ = lambda;
  if (lambda < 12.0) {
    s.knuth_ = true;
    s.exp_lambda_ = std::exp(-lambda);
    return {s};
  }
  if (lambda > 1.844e19) {
    return result::fail("lambda is too large in Poisson distribution, see Poisson::MAX_LAMBDA");
  }
  s.knuth_ = false;
  const double b1 = (1.0 / 24.0) / lambda;
  const double b2 = 0.3 * b1 * b1;
  s.c3_ = (1.0 / 7.0) * b1 * b2;
  s.c2_ = b2 - 15.0 * s.c3_;
  s.c1_ = b1 - 6.0 * b2 + 45.0 * s.c3_;
  s.c0_ = 1.0 - b1 + 3.0 * b2 - 15.0 * s.c3_;
  s.s_ = std::sqrt(lambda);
  s.d_ = 6.0 * (lambda * lambda);
  s.l_ = std::floor(lambda - 1.1484);
  s.c_ = 0.1069 / lambda;
  s.omega_ = 1.0 / std::sqrt(2.0 * pi) / std::sqrt(lambda);
  return {s};
}

// Step F of Ahrens & Dieter (1982).
poisson_sampler::terms poisson_sampler::f(double k) const noexcept {
  static constexpr double fact[10] = {1.0,   1.0,   2.0,    6.0,     24.0,
                                      120.0, 720.0, 5040.0, 40320.0, 362880.0};
  static constexpr double coeff[10] = {-0.5000000002, 0.3333333343, -0.2499998565, 0.1999997049,
                                       -0.1666848753, 0.1428833286, -0.1241963125, 0.1101687109,
                                       -0.1142650302, 0.1055093006};
  terms t{};
  if (k < 10.0) {
    t.px = -lambda_;
    t.py = std::pow(lambda_, k) / fact[static_cast<int>(k)];
  } else {
    double delta = 1.0 / (12.0 * k);
    delta = delta - 4.8 * (delta * delta * delta);
    const double v = (lambda_ - k) / k;
    if (std::fabs(v) <= 0.25) {
      double sum = 0.0;
      for (int i = 9; i >= 0; --i) sum = sum * v + coeff[i];
      t.px = k * (v * v) * sum - delta;
    } else {
      t.px = k * std::log(1.0 + v) - (lambda_ - k) - delta;
    }
    t.py = 1.0 / std::sqrt(2.0 * pi) / std::sqrt(k);
  }
  const double x = (k - lambda_ + 0.5) / s_;
  t.fx = -0.5 * x * x;
  t.fy = omega_ * (((c3_ * x * x + c2_) * x * x + c1_) * x * x + c0_);
  return t;
}

double poisson_sampler::rejection_sample(chacha_stream& rng) const noexcept {
  // Step N: a normal deviate.
  const double g = lambda_ + s_ * standard_normal(rng);
  if (g >= 0.0) {
    const double k1 = std::floor(g);
    if (k1 >= l_) return k1;           // Step I
    const double u = unit_float(rng);  // Step S
    const double gap = lambda_ - k1;
    if (d_ * u >= gap * gap * gap) return k1;
    const terms t = f(k1);
    if (t.fy * (1.0 - u) <= t.py * std::exp(t.px - t.fx)) return k1;
  }
  for (;;) {
    // Step E: double-exponential hat.
    const double e = standard_exponential(rng);
    const double u = unit_float(rng) * 2.0 - 1.0;
    const double t = 1.8 + e * signum(u);
    if (t > -0.6744) {
      const double k2 = std::floor(lambda_ + s_ * t);
      const terms ft = f(k2);
      // Step H
      if (c_ * std::fabs(u) <= ft.py * std::exp(ft.px + e) - ft.fy * std::exp(ft.fx + e)) return k2;
    }
  }
}

double poisson_sampler::sample(chacha_stream& rng) const noexcept {
  return knuth_ ? knuth_poisson(rng, exp_lambda_) : rejection_sample(rng);
}

// ---- binomial -----------------------------------------------------------------------

checked<binomial_sampler> binomial_sampler::make(uint64_t n, double p) noexcept {
  using result = checked<binomial_sampler>;
  if (!(p >= 0.0)) return result::fail("p < 0 or is NaN in binomial distribution");
  if (!(p <= 1.0)) return result::fail("p > 1 in binomial distribution");
  binomial_sampler s;
  s.n_ = n;
  if (p == 0.0 || p == 1.0) {
    s.method_ = method::constant;
    s.n_ = p == 0.0 ? 0 : n;
    return {s};
  }
  s.flipped_ = p > 0.5;
  if (s.flipped_) p = 1.0 - p;
  s.p_ = p;
  const double q = 1.0 - p;
  const double np = static_cast<double>(n) * p;
  if (np < 10.0) {
    if (q == 1.0) {
      // p is so small that this is a Poisson distribution (never flipped here).
      s.method_ = method::poisson;
      s.exp_minus_np_ = std::exp(-np);
    } else {
      s.method_ = method::binv;
      s.s_ = p / q;
      s.r_ = std::pow(q, static_cast<double>(n));
      s.a_ = (static_cast<double>(n) + 1.0) * s.s_;
    }
    return {s};
  }
  s.method_ = method::btpe;
  const double npq = np * q;
  s.p1_ = std::floor(2.195 * std::sqrt(npq) - 4.6 * q) + 0.5;
  const double f_m = np + p;
  if (!fits_i64(f_m)) return result::fail("n is too large for the BTPE sampler");
  s.m_ = static_cast<int64_t>(f_m);
  return {s};
}

uint64_t binomial_sampler::binv(chacha_stream& rng) const noexcept {
  constexpr uint64_t max_x = 110;  // as GSL: restart a run that wandered off
  uint64_t x = 0;
  for (bool done = false; !done;) {
    double r = r_;
    double u = unit_float(rng);
    x = 0;
    done = true;
    while (u > r) {
      u -= r;
      ++x;
      if (x > max_x) {
        done = false;
        break;
      }
      r *= a_ / static_cast<double>(x) - s_;
    }
  }
  return flipped_ ? n_ - x : x;
}

checked<uint64_t> binomial_sampler::btpe(chacha_stream& rng) const noexcept {
  using result = checked<uint64_t>;
  constexpr int64_t squeeze_threshold = 20;
  constexpr const char* overflow = "sample overflows the BTPE sampler";
  const double n = static_cast<double>(n_);
  const double np = n * p_;
  const double q = 1. - p_;
  const double npq = np * q;
  const double f_m = np + p_;
  const int64_t m = m_;
  const double p1 = p1_;
  const double x_m = static_cast<double>(m) + 0.5;
  const double x_l = x_m - p1;
  const double x_r = x_m + p1;
  const double c = 0.134 + 20.5 / (15.3 + static_cast<double>(m));
  const double p2 = p1 * (1. + 2. * c);
  const auto lambda = [](double a) { return a * (1. + 0.5 * a); };
  const double lambda_l = lambda((f_m - x_l) / (f_m - x_l * p_));
  const double lambda_r = lambda((x_r - f_m) / (x_r * q));
  const double p3 = p2 + c / lambda_l;
  const double p4 = p3 + c / lambda_r;
  const checked<uniform_float> gen_u = uniform_float::make(0., p4);
  if (!gen_u.ok()) return result::fail(overflow);
  const uniform_float gen_v = uniform_float::make(0., 1.).value;
  // rand_distr's f64_to_i64: asserts x < 2^63 (NaN fails too), then Rust's saturating `as`.
  const auto to_i64 = [](double x, int64_t& out) {
    if (!fits_i64(x)) return false;
    out = x < -9223372036854775808.0 ? INT64_MIN : static_cast<int64_t>(x);
    return true;
  };
  const auto stirling = [](double a) {
    const double a2 = a * a;
    return (13860. - (462. - (132. - (99. - 140. / a2) / a2) / a2) / a2) / a / 166320.;
  };
  int64_t y = 0;
  for (;;) {
    // Step 1: the region; region 1 is a triangle.
    const double u = gen_u.value.sample(rng);
    double v = gen_v.sample(rng);
    if (!(u > p1)) {
      if (!to_i64(x_m - p1 * v + u, y)) return result::fail(overflow);
      break;
    }
    if (!(u > p2)) {
      // Step 2: parallelograms.
      const double x = x_l + (u - p1) / c;
      v = v * c + 1.0 - std::fabs(x - x_m) / p1;
      if (v > 1.) continue;
      if (!to_i64(x, y)) return result::fail(overflow);
    } else if (!(u > p3)) {
      // Step 3: left exponential tail.
      if (!to_i64(x_l + std::log(v) / lambda_l, y)) return result::fail(overflow);
      if (y < 0) continue;
      v *= (u - p2) * lambda_l;
    } else {
      // Step 4: right exponential tail.
      if (!to_i64(x_r - std::log(v) / lambda_r, y)) return result::fail(overflow);
      if (y > 0 && static_cast<uint64_t>(y) > n_) continue;
      v *= (u - p3) * lambda_r;
    }
    // Step 5.0: which evaluation of f(y).
    const int64_t k = std::llabs(y - m);
    if (!(k > squeeze_threshold && static_cast<double>(k) < 0.5 * npq - 1.)) {
      // Step 5.1: the recursion from the mode.
      const double s = p_ / q;
      const double a = s * (n + 1.);
      double f = 1.0;
      if (m < y) {
        for (int64_t i = m + 1;; ++i) {
          f *= a / static_cast<double>(i) - s;
          if (i == y) break;
        }
      } else if (m > y) {
        for (int64_t i = y + 1;; ++i) {
          f /= a / static_cast<double>(i) - s;
          if (i == m) break;
        }
      }
      if (v > f) continue;
      break;
    }
    // Step 5.2: squeeze.
    const double kf = static_cast<double>(k);
    const double rho = (kf / npq) * ((kf * (kf / 3. + 0.625) + 1. / 6.) / npq + 0.5);
    const double t = -0.5 * kf * kf / npq;
    const double alpha = std::log(v);
    if (alpha < t - rho) break;
    if (alpha > t + rho) continue;
    // Step 5.3: the final test, with GSL's signs.
    int64_t n_int = 0;
    if (!to_i64(n, n_int)) return result::fail(overflow);
    const double x1 = static_cast<double>(y + 1);
    const double f1 = static_cast<double>(m + 1);
    const double z = static_cast<double>(n_int + 1 - m);
    const double w = static_cast<double>(n_int - y + 1);
    if (alpha > x_m * std::log(f1 / x1) + (n - static_cast<double>(m) + 0.5) * std::log(z / w) +
                    static_cast<double>(y - m) * std::log(w * p_ / (x1 * q)) + stirling(f1) +
                    stirling(z) - stirling(x1) - stirling(w)) {
      continue;
    }
    break;
  }
  const auto sample = static_cast<uint64_t>(y);
  return {flipped_ ? n_ - sample : sample};
}

checked<uint64_t> binomial_sampler::sample(chacha_stream& rng) const noexcept {
  switch (method_) {
    case method::constant:
      return {n_};
    case method::poisson:
      return {static_cast<uint64_t>(knuth_poisson(rng, exp_minus_np_))};
    case method::binv:
      return {binv(rng)};
    case method::btpe:
      break;
  }
  return btpe(rng);
}

// ---- categorical, Dirichlet -------------------------------------------------------

checked<categorical_sampler> categorical_sampler::make(const double* weights, std::size_t n,
                                                       double* cumulative) noexcept {
  using result = checked<categorical_sampler>;
  constexpr const char* invalid = "A weight is negative, too large or not a valid number";
  if (n == 0) return result::fail("need at least 1 weight");
  double total = weights[0];
  if (!(total >= 0.0)) return result::fail(invalid);
  for (std::size_t i = 1; i < n; ++i) {
    if (!(weights[i] >= 0.0)) return result::fail(invalid);
    cumulative[i - 1] = total;
    total += weights[i];
  }
  if (total == 0.0) return result::fail("Not enough weights > zero");
  // rand unwraps Uniform::new(0, total) here and panics on an infinite total.
  const checked<uniform_float> chosen = uniform_float::make(0.0, total);
  if (!chosen.ok()) return result::fail("weights sum to infinity");
  categorical_sampler s;
  s.cumulative_ = cumulative;
  s.count_ = n - 1;
  s.chosen_ = chosen.value;
  return {s};
}

std::size_t categorical_sampler::sample(chacha_stream& rng) const noexcept {
  const double x = chosen_.sample(rng);
  // partition_point(|w| w <= x): the sums are non-decreasing.
  std::size_t lo = 0, hi = count_;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (cumulative_[mid] <= x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

const char* dirichlet_sample(chacha_stream& rng, const double* alphas, std::size_t n,
                             double* out) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    // Checked one by one as drawn, as the original does.
    const checked<gamma_sampler> g = gamma_sampler::make(alphas[i], 1.0);
    if (!g.ok()) return g.error;
    out[i] = g.value.sample(rng);
    sum += out[i];
  }
  if (sum == 0.0) return "gamma samples sum to zero (alpha values too small?)";
  for (std::size_t i = 0; i < n; ++i) out[i] /= sum;
  return nullptr;
}

}  // namespace alc::math
