// alc.math: the Lua face of the numerical code in this folder (alc-math.md).
// Each function converts and checks its arguments with Lua calls first (in
// mlua-mathlib's order, so the same bad call gets the same message), then
// runs the noexcept numerical routine on buffers held as userdata, then
// pushes the result. Only trivially destructible locals live across Lua
// calls, so an error's longjmp skips no destructor.
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>

#include <lua.hpp>

#include "lua_bridge/execution_meter.hpp"
#include "lua_bridge/library/libraries.hpp"
#include "lua_bridge/library/math/descriptive.hpp"
#include "lua_bridge/library/math/draws.hpp"
#include "lua_bridge/library/math/inference.hpp"
#include "lua_bridge/library/math/information.hpp"
#include "lua_bridge/library/math/lua_args.hpp"
#include "lua_bridge/library/math/ranking.hpp"
#include "lua_bridge/library/math/samplers.hpp"
#include "lua_bridge/library/math/special.hpp"
#include "lua_bridge/lua_json.hpp"

namespace alc {
namespace {

using namespace alc::math;
using namespace alc::math_lua;

template <class T>
T value_or_raise(lua_State* L, const char* fn, const checked<T>& result) {
  if (!result.ok()) raise(L, fn, result.error);
  return result.value;
}

int push_float(lua_State* L, double value) {
  lua_pushnumber(L, static_cast<lua_Number>(value));
  return 1;
}

int push_checked(lua_State* L, const char* fn, const checked<double>& result) {
  return push_float(L, value_or_raise(L, fn, result));
}

void set_float(lua_State* L, const char* key, double value) {
  lua_pushnumber(L, static_cast<lua_Number>(value));
  lua_setfield(L, -2, key);
}

// "<fn>: <what> must be in [lo, hi], got <v>" for a float outside an interval.
void check_unit_interval(lua_State* L, const char* fn, const char* what, double value) {
  if (value >= 0.0 && value <= 1.0) return;
  char text[float_text_size];
  luaL_error(L, "%s: %s must be in [0, 1], got %s", fn, what,
             format_float(value, text, sizeof text));
}

// ---- RNG (§2) -----------------------------------------------------------------------

int rng_create(lua_State* L) {
  const uint64_t seed = check_seed(L, 1, "rng_create");
  void* memory = lua_newuserdatauv(L, sizeof(chacha_stream), 0);
  new (memory) chacha_stream(chacha_stream::from_seed(seed));  // trivially destructible: no __gc
  luaL_setmetatable(L, rng_type);
  return 1;
}

int rng_tostring(lua_State* L) {
  lua_pushliteral(L, "LuaRng(StdRng)");
  return 1;
}

int rng_float(lua_State* L) {
  return push_float(L, unit_float(check_rng(L, 1, "rng_float")));
}

int rng_int(lua_State* L) {
  chacha_stream& rng = check_rng(L, 1, "rng_int");
  const int64_t lo = check_int64(L, 2, "rng_int", "min");
  const int64_t hi = check_int64(L, 3, "rng_int", "max");
  if (lo > hi) {
    luaL_error(L, "rng_int: min (%I) must be <= max (%I)", static_cast<lua_Integer>(lo),
               static_cast<lua_Integer>(hi));
  }
  lua_pushinteger(L, static_cast<lua_Integer>(int_in_range(rng, lo, hi)));
  return 1;
}

int shuffle(lua_State* L) {
  chacha_stream& rng = check_rng(L, 1, "shuffle");
  check_table(L, 2, "shuffle", "t");
  const lua_Unsigned length = lua_rawlen(L, 2);
  if (length > UINT32_MAX) raise(L, "shuffle", "table too large");
  const auto n = static_cast<uint32_t>(length);
  uint32_t* order = push_buffer<uint32_t>(L, n);
  for (uint32_t i = 0; i < n; ++i) order[i] = i;
  for (uint32_t i = n; i-- > 1;) {
    const uint32_t j = index_in_range(rng, 0, i);
    const uint32_t swapped = order[i];
    order[i] = order[j];
    order[j] = swapped;
  }
  lua_createtable(L, static_cast<int>(n > INT_MAX ? INT_MAX : n), 0);
  for (uint32_t i = 0; i < n; ++i) {
    lua_rawgeti(L, 2, static_cast<lua_Integer>(order[i]) + 1);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i) + 1);
  }
  lua_json::mark_array(L, -1);  // an empty shuffle encodes as []
  return 1;
}

int sample_with_replacement(lua_State* L) {
  chacha_stream& rng = check_rng(L, 1, "sample_with_replacement");
  check_table(L, 2, "sample_with_replacement", "t");
  const uint64_t n = check_count(L, 3, "sample_with_replacement", "n");
  const lua_Unsigned length = lua_rawlen(L, 2);
  if (length == 0) raise(L, "sample_with_replacement", "input must be non-empty");
  if (length > UINT32_MAX) raise(L, "sample_with_replacement", "table too large");
  lua_createtable(L, n > INT_MAX ? 0 : static_cast<int>(n), 0);
  for (uint64_t i = 0; i < n; ++i) {
    const uint32_t index = index_in_range(rng, 1, static_cast<uint32_t>(length));
    lua_rawgeti(L, 2, index);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_json::mark_array(L, -1);
  return 1;
}

// ---- samplers (§3) ------------------------------------------------------------------

int normal_sample(lua_State* L) {
  constexpr const char* fn = "normal_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  const double mean = check_number(L, 2, fn, "mean");
  const double sd = check_number(L, 3, fn, "sd");
  return push_float(L, value_or_raise(L, fn, normal_sampler::make(mean, sd)).sample(rng));
}

int lognormal_sample(lua_State* L) {
  constexpr const char* fn = "lognormal_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  const double mu = check_number(L, 2, fn, "mu");
  const double sigma = check_number(L, 3, fn, "sigma");
  return push_float(L,
                    std::exp(value_or_raise(L, fn, normal_sampler::make(mu, sigma)).sample(rng)));
}

int beta_sample(lua_State* L) {
  constexpr const char* fn = "beta_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  const double a = check_number(L, 2, fn, "alpha");
  const double b = check_number(L, 3, fn, "beta");
  return push_float(L, value_or_raise(L, fn, beta_sampler::make(a, b)).sample(rng));
}

int gamma_sample(lua_State* L) {
  constexpr const char* fn = "gamma_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  const double shape = check_number(L, 2, fn, "shape");
  const double scale = check_number(L, 3, fn, "scale");
  return push_float(L, value_or_raise(L, fn, gamma_sampler::make(shape, scale)).sample(rng));
}

int exp_sample(lua_State* L) {
  constexpr const char* fn = "exp_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  const double lambda = check_number(L, 2, fn, "lambda");
  return push_float(L, value_or_raise(L, fn, exponential_sampler::make(lambda)).sample(rng));
}

int uniform_sample(lua_State* L) {
  constexpr const char* fn = "uniform_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  const double lo = check_number(L, 2, fn, "low");
  const double hi = check_number(L, 3, fn, "high");
  return push_float(L, value_or_raise(L, fn, uniform_float::make(lo, hi)).sample(rng));
}

int student_t_sample(lua_State* L) {
  constexpr const char* fn = "student_t_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  const double df = check_number(L, 2, fn, "df");
  return push_float(L, value_or_raise(L, fn, student_t_sampler::make(df)).sample(rng));
}

int chi_squared_sample(lua_State* L) {
  constexpr const char* fn = "chi_squared_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  const double df = check_number(L, 2, fn, "df");
  return push_float(L, value_or_raise(L, fn, chi_squared_sampler::make(df)).sample(rng));
}

int poisson_sample(lua_State* L) {
  constexpr const char* fn = "poisson_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  const double lambda = check_number(L, 2, fn, "lambda");
  const double drawn = value_or_raise(L, fn, poisson_sampler::make(lambda)).sample(rng);
  // mlua-mathlib: `round().max(0.0) as u64` (a saturating cast).
  const double rounded = std::fmax(std::round(drawn), 0.0);
  push_count(L, rounded >= 18446744073709551616.0 ? UINT64_MAX : static_cast<uint64_t>(rounded));
  return 1;
}

int binomial_sample(lua_State* L) {
  constexpr const char* fn = "binomial_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  const uint64_t n = check_count(L, 2, fn, "n");
  const double p = check_number(L, 3, fn, "p");
  const binomial_sampler sampler = value_or_raise(L, fn, binomial_sampler::make(n, p));
  push_count(L, value_or_raise(L, fn, sampler.sample(rng)));
  return 1;
}

int dirichlet_sample(lua_State* L) {
  constexpr const char* fn = "dirichlet_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  check_table(L, 2, fn, "alphas");
  if (lua_rawlen(L, 2) < 2) raise(L, fn, "need at least 2 alpha values");
  const number_array alphas = read_numbers(L, 2, fn, /*finite=*/false);
  double* out = push_buffer<double>(L, alphas.size);
  if (const char* error = math::dirichlet_sample(rng, alphas.data, alphas.size, out)) {
    raise(L, fn, error);
  }
  push_floats(L, out, alphas.size);
  return 1;
}

int categorical_sample(lua_State* L) {
  constexpr const char* fn = "categorical_sample";
  chacha_stream& rng = check_rng(L, 1, fn);
  check_table(L, 2, fn, "weights");
  if (lua_rawlen(L, 2) == 0) raise(L, fn, "need at least 1 weight");
  const number_array weights = read_numbers(L, 2, fn, /*finite=*/false);
  double* cumulative = push_buffer<double>(L, weights.size);
  const categorical_sampler sampler =
      value_or_raise(L, fn, categorical_sampler::make(weights.data, weights.size, cumulative));
  lua_pushinteger(L, static_cast<lua_Integer>(sampler.sample(rng)) + 1);
  return 1;
}

// ---- descriptive statistics (§4) ----------------------------------------------------

number_array array_arg(lua_State* L, int arg, const char* fn, const char* name) {
  check_table(L, arg, fn, name);
  return read_numbers(L, arg, fn);
}

int mean_fn(lua_State* L) {
  const number_array data = array_arg(L, 1, "mean", "data");
  return push_float(L, mean(data.data, data.size));
}

int variance_fn(lua_State* L) {
  const number_array data = array_arg(L, 1, "variance", "data");
  return push_float(L, variance(data.data, data.size));
}

int stddev_fn(lua_State* L) {
  const number_array data = array_arg(L, 1, "stddev", "data");
  return push_float(L, stddev(data.data, data.size));
}

int median_fn(lua_State* L) {
  const number_array data = array_arg(L, 1, "median", "data");
  sort_total(data.data, data.size);
  return push_float(L, percentile_of_sorted(data.data, data.size, 50.0));
}

int percentile_fn(lua_State* L) {
  constexpr const char* fn = "percentile";
  check_table(L, 1, fn, "data");
  const double p = check_number(L, 2, fn, "p");
  if (!(p >= 0.0 && p <= 100.0)) {
    char text[float_text_size];
    luaL_error(L, "percentile: p must be in [0, 100], got %s", format_float(p, text, sizeof text));
  }
  const number_array data = read_numbers(L, 1, fn);
  sort_total(data.data, data.size);
  return push_float(L, percentile_of_sorted(data.data, data.size, p));
}

int iqr_fn(lua_State* L) {
  const number_array data = array_arg(L, 1, "iqr", "data");
  sort_total(data.data, data.size);
  const double q1 = percentile_of_sorted(data.data, data.size, 25.0);
  const double q3 = percentile_of_sorted(data.data, data.size, 75.0);
  return push_float(L, q3 - q1);
}

// ---- bivariate, transforms, intervals (§5) -----------------------------------------

struct array_pair {
  number_array xs, ys;
};

array_pair pair_args(lua_State* L, const char* fn, const char* x_name = "xs",
                     const char* y_name = "ys") {
  check_table(L, 1, fn, x_name);
  check_table(L, 2, fn, y_name);
  const number_array xs = read_numbers(L, 1, fn);
  const number_array ys = read_numbers(L, 2, fn);
  return {xs, ys};
}

// The two checks of covariance, correlation, spearman_correlation, kendall_tau.
array_pair paired_samples(lua_State* L, const char* fn) {
  const array_pair pair = pair_args(L, fn);
  if (pair.xs.size != pair.ys.size) raise(L, fn, "arrays must have equal length");
  if (pair.xs.size < 2) raise(L, fn, "need at least 2 values");
  return pair;
}

int covariance_fn(lua_State* L) {
  const array_pair pair = paired_samples(L, "covariance");
  return push_float(L, covariance(pair.xs.data, pair.ys.data, pair.xs.size));
}

int correlation_fn(lua_State* L) {
  const array_pair pair = paired_samples(L, "correlation");
  return push_checked(L, "correlation", correlation(pair.xs.data, pair.ys.data, pair.xs.size));
}

int softmax_fn(lua_State* L) {
  const number_array data = array_arg(L, 1, "softmax", "data");
  double* out = push_buffer<double>(L, data.size);
  softmax(data.data, data.size, out);
  push_floats(L, out, data.size);
  return 1;
}

int log_normalize_fn(lua_State* L) {
  const number_array data = array_arg(L, 1, "log_normalize", "data");
  const std::size_t bad = first_non_positive(data.data, data.size);
  if (bad < data.size) {
    char text[float_text_size];
    luaL_error(L, "log_normalize: element at index %I is %s (all values must be > 0)",
               static_cast<lua_Integer>(bad + 1), format_float(data.data[bad], text, sizeof text));
  }
  double* out = push_buffer<double>(L, data.size);
  log_normalize(data.data, data.size, out);
  push_floats(L, out, data.size);
  return 1;
}

int histogram_fn(lua_State* L) {
  constexpr const char* fn = "histogram";
  check_table(L, 1, fn, "data");
  const uint64_t bins = check_count(L, 2, fn, "bins");
  if (bins == 0) raise(L, fn, "bins must be > 0");
  if (bins > (SIZE_MAX / 2) / sizeof(double)) raise(L, fn, "bins too large");
  const number_array data = read_numbers(L, 1, fn);
  const auto n_bins = static_cast<std::size_t>(bins);
  uint64_t* counts = push_buffer<uint64_t>(L, n_bins);
  double* edges = push_buffer<double>(L, n_bins + 1);
  histogram(data.data, data.size, n_bins, counts, edges);
  lua_createtable(L, 0, 2);
  lua_createtable(L, n_bins > INT_MAX ? INT_MAX : static_cast<int>(n_bins), 0);
  for (std::size_t i = 0; i < n_bins; ++i) {
    push_count(L, counts[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "counts");
  push_floats(L, edges, n_bins + 1);
  lua_setfield(L, -2, "edges");
  return 1;
}

int wilson_ci_fn(lua_State* L) {
  constexpr const char* fn = "wilson_ci";
  const double successes = check_number(L, 1, fn, "successes");
  const double total = check_number(L, 2, fn, "total");
  const double confidence = check_number(L, 3, fn, "confidence");
  if (total <= 0.0) raise(L, fn, "total must be > 0");
  if (!(confidence >= 0.0 && confidence <= 1.0)) raise(L, fn, "confidence must be in [0, 1]");
  const wilson_interval ci = wilson_ci(successes, total, confidence);
  lua_createtable(L, 0, 3);
  set_float(L, "lower", ci.lower);
  set_float(L, "upper", ci.upper);
  set_float(L, "center", ci.center);
  return 1;
}

// ---- time series, combinatorics (§6) -----------------------------------------------

int moving_average_fn(lua_State* L) {
  constexpr const char* fn = "moving_average";
  check_table(L, 1, fn, "data");
  const uint64_t window = check_count(L, 2, fn, "window");
  const number_array data = read_numbers(L, 1, fn);
  if (window < 1 || window > data.size) {
    luaL_error(L, "moving_average: window must be in [1, %I], got %I",
               static_cast<lua_Integer>(data.size), static_cast<lua_Integer>(window));
  }
  const std::size_t count = data.size - static_cast<std::size_t>(window) + 1;
  double* out = push_buffer<double>(L, count);
  moving_average(data.data, data.size, static_cast<std::size_t>(window), out);
  push_floats(L, out, count);
  return 1;
}

int ewma_fn(lua_State* L) {
  constexpr const char* fn = "ewma";
  check_table(L, 1, fn, "data");
  const double alpha = check_number(L, 2, fn, "alpha");
  check_unit_interval(L, fn, "alpha", alpha);
  const number_array data = read_numbers(L, 1, fn);
  double* out = push_buffer<double>(L, data.size);
  ewma(data.data, data.size, alpha, out);
  push_floats(L, out, data.size);
  return 1;
}

int autocorrelation_fn(lua_State* L) {
  constexpr const char* fn = "autocorrelation";
  check_table(L, 1, fn, "data");
  const uint64_t lag = check_count(L, 2, fn, "lag");
  const number_array data = read_numbers(L, 1, fn);
  if (lag != 0 && lag >= data.size) {
    luaL_error(L, "autocorrelation: lag must be < array length (%I), got %I",
               static_cast<lua_Integer>(data.size), static_cast<lua_Integer>(lag));
  }
  return push_checked(L, fn, autocorrelation(data.data, data.size, static_cast<std::size_t>(lag)));
}

int permutations_fn(lua_State* L) {
  constexpr const char* fn = "permutations";
  const uint64_t n = check_count(L, 1, fn, "n");
  if (n == 0) raise(L, fn, "n must be >= 1");
  if (n > max_permutation_size) raise(L, fn, "n > 8 not supported (8! = 40320)");
  const auto size = static_cast<int>(n);
  const std::size_t rows = factorial_count(n);
  int64_t* out = push_buffer<int64_t>(L, rows * n);
  permutations(n, out);
  lua_createtable(L, static_cast<int>(rows), 0);
  for (std::size_t row = 0; row < rows; ++row) {
    lua_createtable(L, size, 0);
    for (int i = 0; i < size; ++i) {
      lua_pushinteger(L, static_cast<lua_Integer>(out[row * n + i]));
      lua_rawseti(L, -2, i + 1);
    }
    lua_rawseti(L, -2, static_cast<lua_Integer>(row + 1));
  }
  return 1;
}

// ---- CDF, PPF, distribution utilities (§7) -----------------------------------------

int normal_cdf_fn(lua_State* L) {
  constexpr const char* fn = "normal_cdf";
  const double x = check_number(L, 1, fn, "x");
  const double mu = check_number(L, 2, fn, "mu");
  const double sigma = check_number(L, 3, fn, "sigma");
  if (const char* error = check_normal(mu, sigma)) raise(L, fn, error);
  return push_float(L, normal_cdf(x, mu, sigma));
}

int beta_cdf_fn(lua_State* L) {
  constexpr const char* fn = "beta_cdf";
  const double x = check_number(L, 1, fn, "x");
  const double a = check_number(L, 2, fn, "alpha");
  const double b = check_number(L, 3, fn, "beta");
  if (const char* error = check_beta(a, b)) raise(L, fn, error);
  return push_checked(L, fn, beta_cdf(x, a, b));
}

int gamma_cdf_fn(lua_State* L) {
  constexpr const char* fn = "gamma_cdf";
  const double x = check_number(L, 1, fn, "x");
  const double shape = check_number(L, 2, fn, "shape");
  const double scale = check_number(L, 3, fn, "scale");
  return push_checked(L, fn, gamma_cdf(x, shape, scale));
}

int poisson_cdf_fn(lua_State* L) {
  constexpr const char* fn = "poisson_cdf";
  const uint64_t k = check_count(L, 1, fn, "k");
  const double lambda = check_number(L, 2, fn, "lambda");
  return push_checked(L, fn, poisson_cdf(k, lambda));
}

// normal_inverse_cdf and its 0.2.0 name normal_ppf_params: one function, two names.
int normal_quantile(lua_State* L, const char* fn) {
  const double p = check_number(L, 1, fn, "p");
  const double mu = check_number(L, 2, fn, "mu");
  const double sigma = check_number(L, 3, fn, "sigma");
  check_unit_interval(L, fn, "p", p);
  if (const char* error = check_normal(mu, sigma)) raise(L, fn, error);
  return push_float(L, normal_inverse_cdf(p, mu, sigma));
}

int normal_inverse_cdf_fn(lua_State* L) {
  return normal_quantile(L, "normal_inverse_cdf");
}
int normal_ppf_params_fn(lua_State* L) {
  return normal_quantile(L, "normal_ppf_params");
}

int normal_ppf_fn(lua_State* L) {
  const double p = check_number(L, 1, "normal_ppf", "p");
  check_unit_interval(L, "normal_ppf", "p", p);
  return push_float(L, normal_inverse_cdf(p, 0.0, 1.0));
}

int beta_ppf_fn(lua_State* L) {
  constexpr const char* fn = "beta_ppf";
  const double p = check_number(L, 1, fn, "p");
  const double a = check_number(L, 2, fn, "alpha");
  const double b = check_number(L, 3, fn, "beta");
  check_unit_interval(L, fn, "p", p);
  if (const char* error = check_beta(a, b)) raise(L, fn, error);
  return push_float(L, beta_inverse_cdf(p, a, b));
}

int beta_mean_fn(lua_State* L) {
  const double a = check_number(L, 1, "beta_mean", "alpha");
  const double b = check_number(L, 2, "beta_mean", "beta");
  if (a <= 0.0 || b <= 0.0) raise(L, "beta_mean", "alpha and beta must be > 0");
  return push_float(L, a / (a + b));
}

int beta_variance_fn(lua_State* L) {
  const double a = check_number(L, 1, "beta_variance", "alpha");
  const double b = check_number(L, 2, "beta_variance", "beta");
  if (a <= 0.0 || b <= 0.0) raise(L, "beta_variance", "alpha and beta must be > 0");
  const double ab = a + b;
  return push_float(L, (a * b) / (ab * ab * (ab + 1.0)));
}

// ---- special functions (§8) ----------------------------------------------------------

template <double (*F)(double) noexcept>
int unary(lua_State* L, const char* fn) {
  return push_float(L, F(check_number(L, 1, fn, "x")));
}

int erf_fn(lua_State* L) {
  return unary<math::erf>(L, "erf");
}
int erfc_fn(lua_State* L) {
  return unary<math::erfc>(L, "erfc");
}
int lgamma_fn(lua_State* L) {
  return unary<math::lgamma>(L, "lgamma");
}
int digamma_fn(lua_State* L) {
  return unary<math::digamma>(L, "digamma");
}
int expit_fn(lua_State* L) {
  return unary<math::expit>(L, "expit");
}

int beta_fn(lua_State* L) {
  const double a = check_number(L, 1, "beta", "a");
  const double b = check_number(L, 2, "beta", "b");
  return push_checked(L, "beta", math::beta(a, b));
}

int ln_beta_fn(lua_State* L) {
  const double a = check_number(L, 1, "ln_beta", "a");
  const double b = check_number(L, 2, "ln_beta", "b");
  return push_checked(L, "ln_beta", ln_beta(a, b));
}

int regularized_incomplete_beta_fn(lua_State* L) {
  constexpr const char* fn = "regularized_incomplete_beta";
  const double x = check_number(L, 1, fn, "x");
  const double a = check_number(L, 2, fn, "a");
  const double b = check_number(L, 3, fn, "b");
  return push_checked(L, fn, regularized_beta(x, a, b));
}

int regularized_incomplete_gamma_fn(lua_State* L) {
  constexpr const char* fn = "regularized_incomplete_gamma";
  const double a = check_number(L, 1, fn, "a");
  const double x = check_number(L, 2, fn, "x");
  return push_checked(L, fn, regularized_gamma_lower(a, x));
}

int factorial_fn(lua_State* L) {
  const uint64_t n = check_count(L, 1, "factorial", "n");
  if (n > max_factorial) raise(L, "factorial", "n > 170 overflows f64");
  return push_float(L, factorial(n));
}

int ln_factorial_fn(lua_State* L) {
  return push_float(L, ln_factorial(check_count(L, 1, "ln_factorial", "n")));
}

int logsumexp_fn(lua_State* L) {
  const number_array data = array_arg(L, 1, "logsumexp", "data");
  return push_float(L, logsumexp(data.data, data.size));
}

int logit_fn(lua_State* L) {
  const double p = check_number(L, 1, "logit", "p");
  if (!(p > 0.0 && p < 1.0)) {
    char text[float_text_size];
    luaL_error(L, "logit: p must be in (0, 1), got %s", format_float(p, text, sizeof text));
  }
  return push_float(L, logit(p));
}

// ---- hypothesis tests (§9) -----------------------------------------------------------

int welch_t_test_fn(lua_State* L) {
  constexpr const char* fn = "welch_t_test";
  const array_pair pair = pair_args(L, fn);
  const welch_result r =
      value_or_raise(L, fn, welch_t_test(pair.xs.data, pair.xs.size, pair.ys.data, pair.ys.size));
  lua_createtable(L, 0, 3);
  set_float(L, "t_stat", r.t_stat);
  set_float(L, "df", r.df);
  set_float(L, "p_value", r.p_value);
  return 1;
}

int mann_whitney_u_fn(lua_State* L) {
  constexpr const char* fn = "mann_whitney_u";
  check_table(L, 1, fn, "xs");
  check_table(L, 2, fn, "ys");
  const bool has_opts = check_optional_table(L, 3, fn, "opts");
  const number_array xs = read_numbers(L, 1, fn);
  const number_array ys = read_numbers(L, 2, fn);
  bool tie_correction = false;
  if (has_opts) {
    lua_getfield(L, 3, "tie_correction");
    tie_correction = lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
  }
  pooled_value* pool = push_buffer<pooled_value>(L, xs.size + ys.size);
  const mann_whitney_result r = value_or_raise(
      L, fn, mann_whitney_u(xs.data, xs.size, ys.data, ys.size, tie_correction, pool));
  lua_createtable(L, 0, 3);
  set_float(L, "u_stat", r.u_stat);
  set_float(L, "z_score", r.z_score);
  set_float(L, "p_value", r.p_value);
  return 1;
}

int chi_squared_test_fn(lua_State* L) {
  constexpr const char* fn = "chi_squared_test";
  const array_pair pair = pair_args(L, fn, "observed", "expected");
  const chi_squared_result r = value_or_raise(
      L, fn, chi_squared_test(pair.xs.data, pair.xs.size, pair.ys.data, pair.ys.size));
  lua_createtable(L, 0, 3);
  set_float(L, "chi2_stat", r.chi2_stat);
  set_float(L, "df", r.df);
  set_float(L, "p_value", r.p_value);
  return 1;
}

int ks_test_fn(lua_State* L) {
  const array_pair pair = pair_args(L, "ks_test");
  const ks_result r = ks_test(pair.xs.data, pair.xs.size, pair.ys.data, pair.ys.size);
  lua_createtable(L, 0, 2);
  set_float(L, "d_stat", r.d_stat);
  set_float(L, "p_value", r.p_value);
  return 1;
}

// ---- ranking (§10) ---------------------------------------------------------------------

int rank_fn(lua_State* L) {
  const number_array data = array_arg(L, 1, "rank", "data");
  double* ranks = push_buffer<double>(L, data.size);
  std::size_t* order = push_buffer<std::size_t>(L, data.size);
  rank(data.data, data.size, ranks, order);
  push_floats(L, ranks, data.size);
  return 1;
}

int spearman_fn(lua_State* L) {
  constexpr const char* fn = "spearman_correlation";
  const array_pair pair = paired_samples(L, fn);
  double* ranks = push_buffer<double>(L, 2 * pair.xs.size);
  std::size_t* order = push_buffer<std::size_t>(L, pair.xs.size);
  return push_checked(L, fn, spearman(pair.xs.data, pair.ys.data, pair.xs.size, ranks, order));
}

int kendall_tau_fn(lua_State* L) {
  constexpr const char* fn = "kendall_tau";
  const array_pair pair = paired_samples(L, fn);
  // Quadratic in its input: past the slice's end it raises cpu_limit.
  work_budget budget = slice_work_budget(L);
  const checked<double> tau = kendall_tau(pair.xs.data, pair.ys.data, pair.xs.size, budget);
  if (budget.exhausted()) check_slice_deadline(L);
  return push_checked(L, fn, tau);
}

int ndcg_fn(lua_State* L) {
  constexpr const char* fn = "ndcg";
  check_table(L, 1, fn, "relevance");
  const uint64_t k = check_count(L, 2, fn, "k");
  const number_array relevance = read_numbers(L, 1, fn);
  double* sorted = push_buffer<double>(L, relevance.size);
  const std::size_t cut = k > relevance.size ? relevance.size : static_cast<std::size_t>(k);
  return push_float(L, ndcg(relevance.data, relevance.size, cut, sorted));
}

int mrr_fn(lua_State* L) {
  const number_array ranks = array_arg(L, 1, "mrr", "rankings");
  return push_checked(L, "mrr", mrr(ranks.data, ranks.size));
}

// ---- information theory (§11) ----------------------------------------------------------

int entropy_fn(lua_State* L) {
  const number_array p = array_arg(L, 1, "entropy", "probs");
  return push_checked(L, "entropy", entropy(p.data, p.size));
}

int kl_divergence_fn(lua_State* L) {
  const array_pair pair = pair_args(L, "kl_divergence", "p", "q");
  return push_checked(L, "kl_divergence",
                      kl_divergence(pair.xs.data, pair.xs.size, pair.ys.data, pair.ys.size));
}

int js_divergence_fn(lua_State* L) {
  const array_pair pair = pair_args(L, "js_divergence", "p", "q");
  double* mixture = push_buffer<double>(L, pair.xs.size);
  return push_checked(
      L, "js_divergence",
      js_divergence(pair.xs.data, pair.xs.size, pair.ys.data, pair.ys.size, mixture));
}

int cross_entropy_fn(lua_State* L) {
  const array_pair pair = pair_args(L, "cross_entropy", "p", "q");
  return push_checked(L, "cross_entropy",
                      cross_entropy(pair.xs.data, pair.xs.size, pair.ys.data, pair.ys.size));
}

constexpr luaL_Reg math_functions[] = {
    {"rng_create", rng_create},
    {"rng_float", rng_float},
    {"rng_int", rng_int},
    {"shuffle", shuffle},
    {"sample_with_replacement", sample_with_replacement},
    {"normal_sample", normal_sample},
    {"beta_sample", beta_sample},
    {"gamma_sample", gamma_sample},
    {"exp_sample", exp_sample},
    {"uniform_sample", uniform_sample},
    {"lognormal_sample", lognormal_sample},
    {"student_t_sample", student_t_sample},
    {"chi_squared_sample", chi_squared_sample},
    {"poisson_sample", poisson_sample},
    {"binomial_sample", binomial_sample},
    {"dirichlet_sample", dirichlet_sample},
    {"categorical_sample", categorical_sample},
    {"mean", mean_fn},
    {"variance", variance_fn},
    {"stddev", stddev_fn},
    {"percentile", percentile_fn},
    {"median", median_fn},
    {"iqr", iqr_fn},
    {"covariance", covariance_fn},
    {"correlation", correlation_fn},
    {"softmax", softmax_fn},
    {"log_normalize", log_normalize_fn},
    {"histogram", histogram_fn},
    {"wilson_ci", wilson_ci_fn},
    {"moving_average", moving_average_fn},
    {"ewma", ewma_fn},
    {"autocorrelation", autocorrelation_fn},
    {"permutations", permutations_fn},
    {"normal_cdf", normal_cdf_fn},
    {"beta_cdf", beta_cdf_fn},
    {"gamma_cdf", gamma_cdf_fn},
    {"poisson_cdf", poisson_cdf_fn},
    {"normal_inverse_cdf", normal_inverse_cdf_fn},
    {"normal_ppf_params", normal_ppf_params_fn},
    {"normal_ppf", normal_ppf_fn},
    {"beta_ppf", beta_ppf_fn},
    {"beta_mean", beta_mean_fn},
    {"beta_variance", beta_variance_fn},
    {"erf", erf_fn},
    {"erfc", erfc_fn},
    {"lgamma", lgamma_fn},
    {"beta", beta_fn},
    {"ln_beta", ln_beta_fn},
    {"regularized_incomplete_beta", regularized_incomplete_beta_fn},
    {"regularized_incomplete_gamma", regularized_incomplete_gamma_fn},
    {"digamma", digamma_fn},
    {"factorial", factorial_fn},
    {"ln_factorial", ln_factorial_fn},
    {"logsumexp", logsumexp_fn},
    {"logit", logit_fn},
    {"expit", expit_fn},
    {"welch_t_test", welch_t_test_fn},
    {"mann_whitney_u", mann_whitney_u_fn},
    {"chi_squared_test", chi_squared_test_fn},
    {"ks_test", ks_test_fn},
    {"rank", rank_fn},
    {"spearman_correlation", spearman_fn},
    {"kendall_tau", kendall_tau_fn},
    {"ndcg", ndcg_fn},
    {"mrr", mrr_fn},
    {"entropy", entropy_fn},
    {"kl_divergence", kl_divergence_fn},
    {"js_divergence", js_divergence_fn},
    {"cross_entropy", cross_entropy_fn},
    {nullptr, nullptr},
};

}  // namespace

void open_math_library(lua_State* L) {
  // The rng handle: plain data in a userdata, so no __gc; __metatable hides
  // the metatable from scripts.
  if (luaL_newmetatable(L, rng_type)) {
    lua_pushcfunction(L, rng_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "LuaRng");
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  lua_createtable(L, 0, static_cast<int>(sizeof math_functions / sizeof math_functions[0]) - 1);
  luaL_setfuncs(L, math_functions, 0);
  lua_setfield(L, -2, "math");
}

}  // namespace alc
