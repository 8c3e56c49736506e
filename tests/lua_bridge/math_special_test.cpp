// Special functions, CDFs and quantiles, hypothesis tests and the Wilson
// interval. Reference values were computed with mpmath 1.3.0 at 50 digits
// (python3 on the build machine) unless the test names alc-math.md, whose
// checks come from the original crates (statrs 0.18). Boost.Math is held to
// 1e-13 relative against the true values; the original's own checks to 1e-15.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "lua_bridge/library/math/inference.hpp"
#include "lua_bridge/library/math/special.hpp"
#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::math;
using namespace alc::test;
using nlohmann::json;

namespace {

bool close(double actual, double expected, double relative) {
  return std::fabs(actual - expected) <= relative * std::fabs(expected);
}

#define CHECK_CLOSE(actual, expected, relative)     \
  do {                                              \
    INFO(#actual << " = " << (actual));             \
    CHECK(close((actual), (expected), (relative))); \
  } while (false)

constexpr double tight = 1e-13;
constexpr double inf = std::numeric_limits<double>::infinity();

double value(const checked<double>& c) {
  REQUIRE(c.ok());
  return c.value;
}

std::string error(const checked<double>& c) {
  return c.ok() ? "no error" : c.error;
}

}  // namespace

TEST_CASE("erf and erfc match the true values and the doc's check", "[math][special]") {
  CHECK_CLOSE(math::erf(1.0), 0.8427007929497149, 1e-15);  // alc-math.md §8
  CHECK_CLOSE(math::erf(0.5), 0.5204998778130465, tight);
  CHECK_CLOSE(math::erf(-2.2), -0.9981371537020182, tight);
  CHECK_CLOSE(math::erfc(3.0), 2.209049699858544e-05, tight);
  CHECK_CLOSE(math::erfc(-1.5), 1.9661051464753108, tight);
  CHECK_CLOSE(math::erfc(10.0), 2.088487583762545e-45, tight);
  CHECK(math::erf(inf) == 1.0);
  CHECK(math::erfc(-inf) == 2.0);
  CHECK(std::isnan(math::erf(NAN)));
}

TEST_CASE("lgamma is ln|Gamma| with poles at the non-positive integers", "[math][special]") {
  CHECK(math::lgamma(1.0) == 0.0);
  CHECK_CLOSE(math::lgamma(5.0), std::log(24.0), 1e-15);
  CHECK_CLOSE(math::lgamma(0.3), 1.0957979948180756, tight);
  CHECK_CLOSE(math::lgamma(-2.5), -0.056243716497674054, 1e-12);
  CHECK_CLOSE(math::lgamma(-0.5), 1.2655121234846454, tight);
  CHECK_CLOSE(math::lgamma(100.5), 361.4355404677776, tight);
  CHECK_CLOSE(math::lgamma(1e-5), 11.512919692895826, tight);
  CHECK(math::lgamma(0.0) == inf);
  CHECK(math::lgamma(-3.0) == inf);
}

TEST_CASE("digamma matches, with -inf at the poles", "[math][special]") {
  CHECK_CLOSE(math::digamma(1.0), -0.5772156649015329, 1e-15);  // alc-math.md §8
  CHECK_CLOSE(math::digamma(0.25), -4.2274535333762655, tight);
  CHECK_CLOSE(math::digamma(-0.5), 0.03648997397857652, 1e-12);
  CHECK_CLOSE(math::digamma(30.0), 3.384438132685525, tight);
  CHECK(math::digamma(-2.0) == -inf);
  CHECK(std::isnan(math::digamma(-inf)));
}

TEST_CASE("beta, ln_beta and the incomplete beta and gamma functions", "[math][special]") {
  CHECK_CLOSE(value(ln_beta(2.5, 3.5)), -3.301835269962053, tight);
  CHECK_CLOSE(value(math::beta(0.5, 0.5)), 3.141592653589793, tight);
  CHECK_CLOSE(value(math::beta(3, 4)), 1.0 / 60, tight);
  CHECK(error(math::beta(0, 1)) == "a is zero or less than zero");
  CHECK(error(ln_beta(1, -1)) == "b is zero or less than zero");
  CHECK_CLOSE(value(regularized_beta(0.3, 2, 5)), 0.5798249999999999, tight);
  CHECK_CLOSE(value(regularized_beta(0.9, 0.5, 0.7)), 0.8837889567707927, tight);
  CHECK_CLOSE(value(regularized_beta(0.6, 30, 20)), 0.492299800342352, 1e-12);
  CHECK(value(regularized_beta(0, 2, 3)) == 0.0);
  CHECK(value(regularized_beta(1, 2, 3)) == 1.0);
  CHECK(error(regularized_beta(-0.1, 2, 3)) == "x is not in [0, 1]");
  CHECK(error(regularized_beta(NAN, 2, 3)) == "x is not in [0, 1]");
  CHECK_CLOSE(value(regularized_gamma_lower(3, 2.5)), 0.45618688411667047, tight);
  CHECK_CLOSE(value(regularized_gamma_lower(0.5, 0.1)), 0.345279153981423, tight);
  CHECK_CLOSE(value(regularized_gamma_lower(50, 60)), 0.9155933189063081, tight);
  CHECK(value(regularized_gamma_lower(2, 0)) == 0.0);
  CHECK(error(regularized_gamma_lower(-1, 1)) == "a is infinite, zero or less than zero");
  CHECK(error(regularized_gamma_lower(1, inf)) == "x is infinite or less than zero");
  CHECK(std::isnan(value(regularized_gamma_lower(NAN, 1))));
}

TEST_CASE("factorial is statrs' iterated table, ln_factorial switches to lgamma above 170",
          "[math][special]") {
  CHECK(factorial(0) == 1.0);
  CHECK(factorial(20) == 2432902008176640000.0);  // exact in a double
  CHECK_CLOSE(factorial(170), 7.257415615307999e+306, 1e-14);
  CHECK(ln_factorial(1) == 0.0);
  CHECK(ln_factorial(20) == std::log(2432902008176640000.0));
  CHECK_CLOSE(ln_factorial(200), 863.2319871924054, tight);
}

TEST_CASE("logsumexp, logit and expit", "[math][special]") {
  const double xs[] = {1, 2, 3};
  CHECK_CLOSE(logsumexp(xs, 3), 3.40760596444438, tight);
  const double huge[] = {1000, 1000};
  CHECK_CLOSE(logsumexp(huge, 2), 1000 + std::log(2.0), 1e-15);  // no overflow
  CHECK_CLOSE(logit(0.2), -1.3862943611198906, tight);
  CHECK_CLOSE(expit(-3), 0.04742587317756678, tight);
  CHECK_CLOSE(expit(2), 0.8807970779778824, tight);
  CHECK(expit(-1000) == 0.0);
  CHECK(expit(1000) == 1.0);
}

TEST_CASE("normal CDF and quantile, with statrs' endpoints", "[math][special]") {
  CHECK_CLOSE(normal_cdf(1.3, 0.5, 2), 0.6554217416103242, tight);
  CHECK_CLOSE(normal_cdf(-1, 0, 1), 0.15865525393145705, tight);
  // The correctly rounded quantile; statrs' is within an ulp (alc-math.md §5 quotes
  // 1.959963984540054, and its wilson_ci checks imply 1.9599639845400536).
  CHECK(normal_inverse_cdf(0.975, 0, 1) == 1.9599639845400538);
  CHECK_CLOSE(normal_inverse_cdf(0.975, 0, 1), 1.959963984540054, 2.5e-16);
  CHECK_CLOSE(normal_inverse_cdf(0.01, 0, 1), -2.326347874040841, tight);
  CHECK_CLOSE(normal_inverse_cdf(0.3, 10, 3), 8.426798461875878, tight);
  CHECK(normal_inverse_cdf(0, 0, 1) == -inf);
  CHECK(normal_inverse_cdf(1, 0, 1) == inf);
  CHECK(std::string(check_normal(NAN, 1)) == "Mean is NaN");
  CHECK(std::string(check_normal(0, 0)) == "Standard deviation is NaN, zero or less than zero");
  CHECK(check_normal(-inf, 1) == nullptr);
}

TEST_CASE("beta, gamma and Poisson distributions", "[math][special]") {
  CHECK_CLOSE(value(beta_cdf(0.4, 2, 3)), 0.5248, tight);
  CHECK(value(beta_cdf(-1, 2, 3)) == 0.0);
  CHECK(value(beta_cdf(1, 2, 3)) == 1.0);
  CHECK(value(beta_cdf(0.25, 1, 1)) == 0.25);
  CHECK(std::string(check_beta(0, 1)) == "Shape A is NaN, infinite, zero or negative");
  CHECK(std::string(check_beta(1, inf)) == "Shape B is NaN, infinite, zero or negative");
  CHECK_CLOSE(beta_inverse_cdf(0.3, 2, 5), 0.18180347131894917, 1e-12);
  CHECK_CLOSE(beta_inverse_cdf(0.9, 0.5, 0.5), 0.9755282581475768, 1e-12);
  CHECK(beta_inverse_cdf(0, 2, 5) == 0.0);
  CHECK(beta_inverse_cdf(1, 2, 5) == 1.0);
  // The third argument is the scale: P(3, 2 / 1.5).
  CHECK_CLOSE(value(gamma_cdf(2, 3, 1.5)), 0.15063144384932486, tight);
  CHECK(value(gamma_cdf(-1, 3, 1.5)) == 0.0);
  CHECK(value(gamma_cdf(inf, 3, 1.5)) == 1.0);
  CHECK(error(gamma_cdf(1, 3, 0)) == "scale must be > 0");
  CHECK(error(gamma_cdf(1, 0, 1)) == "Shape is NaN zero, or less than zero.");
  CHECK(error(gamma_cdf(1, 1, inf)) == "Rate is NaN zero, or less than zero.");
  CHECK_CLOSE(value(poisson_cdf(10, 5)), 0.986304731401617, tight);
  CHECK_CLOSE(value(poisson_cdf(0, 2)), 0.1353352832366127, tight);
  CHECK(error(poisson_cdf(1, 0)) == "Lambda is NaN, zero or less than zero");
  CHECK(error(poisson_cdf(1, inf)) == "x is infinite, zero or less than zero");
}

TEST_CASE("wilson_ci reproduces the original's intervals", "[math][inference]") {
  struct row {
    double s, t, c, lower, upper, center;
  };
  for (const row& r :
       {row{80, 100, .95, 0.7111708344068413, 0.8666330666689674, 0.7889019505379044},
        row{10, 10, .95, 0.7224672001371109, 1.0, 0.8612336000685554},
        row{3, 7, .90, 0.18644319036395612, 0.7105229089864071, 0.4484830496751816}}) {
    const wilson_interval ci = wilson_ci(r.s, r.t, r.c);
    CHECK_CLOSE(ci.lower, r.lower, 1e-15);
    CHECK_CLOSE(ci.upper, r.upper, 1e-15);
    CHECK_CLOSE(ci.center, r.center, 1e-15);
  }
  // No clamp to p: the lower bound of 0 successes is rounding noise around 0. The
  // original's one-ulp-lower z gives 2.7755575615628914e-17; Boost's gives 0.
  const double lower = wilson_ci(0, 10, .95).lower;
  CHECK(lower >= 0.0);
  CHECK(lower < 3e-17);
  const wilson_interval certain = wilson_ci(5, 10, 1.0);
  CHECK(std::isnan(certain.center));
  CHECK(certain.lower == 0.0);
  CHECK(certain.upper == 1.0);
}

TEST_CASE("Welch's t test and the chi-squared test", "[math][inference]") {
  const double xs[] = {5.1, 4.9, 5.6, 5.8, 6.0, 5.5};
  const double ys[] = {6.2, 6.4, 5.9, 7.1, 6.8};
  const checked<welch_result> w = welch_t_test(xs, 6, ys, 5);
  REQUIRE(w.ok());
  CHECK_CLOSE(w.value.t_stat, -3.655322278472563, 1e-12);
  CHECK_CLOSE(w.value.df, 8.094204287284125, 1e-12);
  CHECK_CLOSE(w.value.p_value, 0.006316438687630735, 1e-11);
  const double same[] = {2, 2};
  CHECK(std::string(welch_t_test(same, 2, same, 2).error) == "both groups have zero variance");
  CHECK(std::string(welch_t_test(xs, 1, ys, 5).error) == "each group needs at least 2 values");
  const double obs[] = {18, 22, 20, 40}, expected[] = {25, 25, 25, 25};
  const checked<chi_squared_result> c = chi_squared_test(obs, 4, expected, 4);
  REQUIRE(c.ok());
  CHECK_CLOSE(c.value.chi2_stat, 12.32, 1e-15);
  CHECK(c.value.df == 3.0);
  CHECK_CLOSE(c.value.p_value, 0.006363629995195266, 1e-12);
  CHECK(std::string(chi_squared_test(obs, 4, expected, 3).error) ==
        "observed and expected must have equal length");
  CHECK(std::string(chi_squared_test(obs, 1, expected, 1).error) == "need at least 2 categories");
  const double zero_expected[] = {25, 0};
  CHECK(std::string(chi_squared_test(obs, 2, zero_expected, 2).error) ==
        "expected values must be > 0");
}

TEST_CASE("Mann-Whitney U, with and without the tie correction", "[math][inference]") {
  std::vector<pooled_value> pool(11);
  const double xs[] = {1.1, 2.3, 3.8, 4.0, 7.2};
  const double ys[] = {2.9, 5.5, 6.1, 8.4, 9.0, 9.9};
  const auto plain = mann_whitney_u(xs, 5, ys, 6, false, pool.data());
  REQUIRE(plain.ok());
  CHECK(plain.value.u_stat == 5.0);
  CHECK_CLOSE(plain.value.z_score, -1.8257418583505538, 1e-14);
  CHECK_CLOSE(plain.value.p_value, 0.06788915486182902, 1e-13);
  const double tied_x[] = {1, 2, 2, 3, 3}, tied_y[] = {2, 4, 5, 5, 6};
  const auto corrected = mann_whitney_u(tied_x, 5, tied_y, 5, true, pool.data());
  REQUIRE(corrected.ok());
  CHECK(corrected.value.u_stat == 3.0);
  CHECK_CLOSE(corrected.value.z_score, -2.0215816710759396, 1e-14);
  CHECK_CLOSE(corrected.value.p_value, 0.04321958717379087, 1e-13);
  const auto uncorrected = mann_whitney_u(tied_x, 5, tied_y, 5, false, pool.data());
  CHECK_CLOSE(uncorrected.value.z_score, -1.9844852778949553, 1e-14);
  const double one[] = {4};
  CHECK(std::string(mann_whitney_u(one, 1, one, 1, true, pool.data()).error) ==
        "zero variance (all values identical)");
}

TEST_CASE("the two-sample KS test walks ties together and sums exactly 100 terms",
          "[math][inference]") {
  std::vector<double> xs = {1, 2, 3, 3}, ys = {1, 3, 3, 5};
  const ks_result tied = ks_test(xs.data(), 4, ys.data(), 4);
  CHECK(tied.d_stat == 0.25);
  std::vector<double> low = {0, 1, 2, 3, 4}, high = {10, 11, 12, 13, 14};
  const ks_result apart = ks_test(low.data(), 5, high.data(), 5);
  CHECK(apart.d_stat == 1.0);
  // p: the same 100-term series in Python floats gives 0.0037813540593701006.
  double lambda = std::sqrt(2.5) + 0.12 + 0.11 / std::sqrt(2.5), p = 0;
  for (int k = 1; k <= 100; ++k)
    p += 2 * (k % 2 ? 1 : -1) * std::exp(-2.0 * k * k * lambda * lambda);
  CHECK_CLOSE(apart.p_value, 0.0037813540593701006, 1e-12);
  CHECK_CLOSE(apart.p_value, p, 1e-15);
  std::vector<double> a = {5, 5, 5}, b = {5, 5};
  const ks_result same = ks_test(a.data(), 3, b.data(), 2);
  CHECK(same.d_stat == 0.0);
  CHECK(same.p_value == 0.0);  // the 100-term series at lambda = 0 clamps to 0
}

TEST_CASE("Lua: CDFs, quantiles and tests with their messages", "[math][special]") {
  vm_harness harness;
  const json r = run_value(harness, R"lua(
    local m = alc.math
    local w = m.welch_t_test({5.1, 4.9, 5.6, 5.8, 6.0, 5.5}, {6.2, 6.4, 5.9, 7.1, 6.8})
    local mw = m.mann_whitney_u({1, 2, 2, 3, 3}, {2, 4, 5, 5, 6}, {tie_correction = 1})
    local mw_default = m.mann_whitney_u({1, 2, 2, 3, 3}, {2, 4, 5, 5, 6}, {continuity_correction = true})
    local ks = m.ks_test({1, 2, 3, 3}, {1, 3, 3, 5})
    local chi = m.chi_squared_test({18, 22, 20, 40}, {25, 25, 25, 25})
    local ci = m.wilson_ci(80, 100, 0.95)
    local function err(f, ...) local ok, e = pcall(f, ...) return (tostring(e):gsub("^script:%d+: ", "")) end
    return {
      erf = m.erf(1), lgamma5 = m.lgamma(5), digamma1 = m.digamma(1),
      ppf = m.normal_ppf(0.975), alias = m.normal_ppf_params(0.3, 10, 3) == m.normal_inverse_cdf(0.3, 10, 3),
      ppf_edges = {m.normal_ppf(0) == -math.huge, m.normal_ppf(1) == math.huge},
      welch = {w.t_stat, w.df, w.p_value},
      mw = {mw.u_stat, mw.z_score}, mw_default = mw_default.z_score,
      ks = {ks.d_stat, ks.p_value}, chi = {chi.chi2_stat, chi.df, chi.p_value},
      ci = {ci.lower, ci.upper, ci.center},
      beta_mean = m.beta_mean(2, 6), beta_variance = m.beta_variance(2, 6),
      errors = {
        err(m.normal_cdf, 0, 0, 0), err(m.beta_cdf, 0.5, 0, 1), err(m.gamma_cdf, 1, 1, 0),
        err(m.gamma_cdf, 1, -1, 1), err(m.poisson_cdf, 1, 0), err(m.normal_inverse_cdf, 2, 0, 1),
        err(m.normal_ppf_params, -1, 0, 1), err(m.beta_ppf, 1.5, 2, 3), err(m.beta_ppf, 0.5, 0, 3),
        err(m.beta_mean, 0, 1), err(m.beta_variance, 1, -1), err(m.factorial, 171),
        err(m.wilson_ci, 1, 10, 1.5), err(m.welch_t_test, {1}, {1, 2}),
        err(m.mann_whitney_u, {1}, {2}, 5), err(m.logit, 1),
      },
    })lua");
  CHECK(r["erf"] == json(0.8427007929497149));
  CHECK(close(r["lgamma5"].get<double>(), std::log(24.0), 1e-15));
  CHECK(r["digamma1"] == json(-0.5772156649015329));
  CHECK(close(r["ppf"].get<double>(), 1.959963984540054, 2.5e-16));
  CHECK(r["alias"] == json(true));
  CHECK(r["ppf_edges"] == json({true, true}));
  CHECK(close(r["welch"][2].get<double>(), 0.006316438687630735, 1e-11));
  CHECK(close(r["mw"][1].get<double>(), -2.0215816710759396, 1e-14));
  // The stub's continuity_correction is not an option; the default is no tie correction.
  CHECK(close(r["mw_default"].get<double>(), -1.9844852778949553, 1e-14));
  CHECK(r["ks"][0] == json(0.25));
  CHECK(r["chi"][1] == json(3.0));
  CHECK(close(r["ci"][0].get<double>(), 0.7111708344068413, 1e-15));
  CHECK(r["beta_mean"] == json(0.25));
  CHECK(r["beta_variance"] == json(12.0 / (64 * 9)));
  CHECK(r["errors"] ==
        json({"normal_cdf: Standard deviation is NaN, zero or less than zero",
              "beta_cdf: Shape A is NaN, infinite, zero or negative",
              "gamma_cdf: scale must be > 0", "gamma_cdf: Shape is NaN zero, or less than zero.",
              "poisson_cdf: Lambda is NaN, zero or less than zero",
              "normal_inverse_cdf: p must be in [0, 1], got 2",
              "normal_ppf_params: p must be in [0, 1], got -1",
              "beta_ppf: p must be in [0, 1], got 1.5",
              "beta_ppf: Shape A is NaN, infinite, zero or negative",
              "beta_mean: alpha and beta must be > 0", "beta_variance: alpha and beta must be > 0",
              "factorial: n > 170 overflows f64", "wilson_ci: confidence must be in [0, 1]",
              "welch_t_test: each group needs at least 2 values",
              "mann_whitney_u: bad argument #3 (opts): table expected, got number",
              "logit: p must be in (0, 1), got 1"}));
}

TEST_CASE("Lua: the remaining special functions and distributions return their values",
          "[math][special]") {
  vm_harness harness;
  const json r = run_value(harness, R"lua(
    local m = alc.math
    return {m.erfc(3), m.beta(3, 4), m.ln_beta(2.5, 3.5), m.regularized_incomplete_beta(0.3, 2, 5),
            m.regularized_incomplete_gamma(3, 2.5), m.ln_factorial(200), m.logit(0.2), m.expit(-3),
            m.normal_cdf(1.3, 0.5, 2), m.beta_cdf(0.4, 2, 3), m.gamma_cdf(2, 3, 1.5),
            m.poisson_cdf(10, 5), m.beta_ppf(0.3, 2, 5), m.lgamma(-0.5), m.digamma(0.25)})lua");
  const std::vector<double> expected = {2.209049699858544e-05, 1.0 / 60,
                                        -3.301835269962053,    0.5798249999999999,
                                        0.45618688411667047,   863.2319871924054,
                                        -1.3862943611198906,   0.04742587317756678,
                                        0.6554217416103242,    0.5248,
                                        0.15063144384932486,   0.986304731401617,
                                        0.18180347131894917,   1.2655121234846454,
                                        -4.2274535333762655};
  REQUIRE(r.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("result " << i + 1);
    CHECK(close(r[i].get<double>(), expected[i], 1e-12));
  }
}
