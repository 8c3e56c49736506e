// alc.math through a real script_vm: registration, the rng handle, argument
// conversion (alc-math.md §1) and the exact error messages, all catchable.
#include <string>

#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

// The message of the error `expr` raises, caught by pcall inside the script.
// Like every alc error it starts with the script position ("script:1: "),
// which is checked and cut off; the rest is the documented message.
std::string error_of(const vm_harness& harness, const std::string& expr) {
  const json result = run_value(harness, "local ok, err = pcall(function() return " + expr +
                                             " end)\n"
                                             "if ok then return 'no error' end\n"
                                             "return tostring(err)");
  const std::string message = result.get<std::string>();
  const std::string position = "script:1: ";
  if (message.compare(0, position.size(), position) != 0) return "(no position) " + message;
  return message.substr(position.size());
}

json eval(const vm_harness& harness, const std::string& expr) {
  return run_value(harness, "return " + expr);
}

}  // namespace

TEST_CASE("alc.math holds the 68 functions of 0.3.0 plus the normal_ppf_params alias", "[math]") {
  vm_harness harness;
  const json names = run_value(harness, R"lua(
    local names = {}
    for name, value in pairs(alc.math) do
      if type(value) ~= "function" then return "not a function: " .. name end
      names[#names + 1] = name
    end
    table.sort(names)
    return names)lua");
  REQUIRE(names.is_array());
  CHECK(names.size() == 69);
  for (const char* name : {"rng_create",
                           "rng_float",
                           "rng_int",
                           "shuffle",
                           "sample_with_replacement",
                           "normal_sample",
                           "beta_sample",
                           "gamma_sample",
                           "exp_sample",
                           "uniform_sample",
                           "lognormal_sample",
                           "student_t_sample",
                           "chi_squared_sample",
                           "poisson_sample",
                           "binomial_sample",
                           "dirichlet_sample",
                           "categorical_sample",
                           "mean",
                           "variance",
                           "stddev",
                           "percentile",
                           "median",
                           "iqr",
                           "covariance",
                           "correlation",
                           "softmax",
                           "log_normalize",
                           "histogram",
                           "wilson_ci",
                           "moving_average",
                           "ewma",
                           "autocorrelation",
                           "permutations",
                           "normal_cdf",
                           "beta_cdf",
                           "gamma_cdf",
                           "poisson_cdf",
                           "normal_inverse_cdf",
                           "normal_ppf_params",
                           "normal_ppf",
                           "beta_ppf",
                           "beta_mean",
                           "beta_variance",
                           "erf",
                           "erfc",
                           "lgamma",
                           "beta",
                           "ln_beta",
                           "regularized_incomplete_beta",
                           "regularized_incomplete_gamma",
                           "digamma",
                           "factorial",
                           "ln_factorial",
                           "logsumexp",
                           "logit",
                           "expit",
                           "welch_t_test",
                           "mann_whitney_u",
                           "chi_squared_test",
                           "ks_test",
                           "rank",
                           "spearman_correlation",
                           "kendall_tau",
                           "ndcg",
                           "mrr",
                           "entropy",
                           "kl_divergence",
                           "js_divergence",
                           "cross_entropy"}) {
    INFO(name);
    CHECK(std::find(names.begin(), names.end(), json(name)) != names.end());
  }
}

TEST_CASE("alc.math is opened lazily, with the other off-hot-path libraries", "[math]") {
  vm_harness harness;
  CHECK(eval(harness, "rawget(alc, 'math') == nil") == json(true));
  CHECK(eval(harness, "type(alc.math) == 'table' and rawget(alc, 'math') ~= nil") == json(true));
}

TEST_CASE("an rng handle is a userdata that prints as LuaRng(StdRng)", "[math]") {
  vm_harness harness;
  CHECK(eval(harness, "type(alc.math.rng_create(1))") == json("userdata"));
  CHECK(eval(harness, "tostring(alc.math.rng_create(1))") == json("LuaRng(StdRng)"));
  // The metatable is hidden, so no script can add methods or a finalizer.
  CHECK(eval(harness, "getmetatable(alc.math.rng_create(1))") == json("LuaRng"));
}

TEST_CASE("rng handles are independent streams and each draw advances its own", "[math]") {
  vm_harness harness;
  const json draws = run_value(harness, R"lua(
    local a, b = alc.math.rng_create(42), alc.math.rng_create(42)
    local a1 = alc.math.rng_float(a)
    local a2 = alc.math.rng_float(a)
    local b1 = alc.math.rng_float(b)
    return {a1, a2, b1})lua");
  CHECK(draws[0] == draws[2]);
  CHECK(draws[0] != draws[1]);
}

TEST_CASE(
    "seeds convert like integers: floats truncate, numeric strings count, negatives "
    "are their two's-complement bits",
    "[math]") {
  vm_harness harness;
  CHECK(eval(harness,
             "alc.math.rng_float(alc.math.rng_create(42.9)) == "
             "alc.math.rng_float(alc.math.rng_create(42))") == json(true));
  CHECK(eval(harness,
             "alc.math.rng_float(alc.math.rng_create('42')) == "
             "alc.math.rng_float(alc.math.rng_create(42))") == json(true));
  // -1 is 2^64 - 1, which a float can name only approximately; the integer
  // form and math.mininteger (2^63) agree with their unsigned twins.
  CHECK(eval(harness,
             "alc.math.rng_float(alc.math.rng_create(math.mininteger)) == "
             "alc.math.rng_float(alc.math.rng_create(2^63))") == json(true));
  CHECK(error_of(harness, "alc.math.rng_create(0/0)") ==
        "rng_create: bad argument #1 (seed): NaN is out of range");
  CHECK(error_of(harness, "alc.math.rng_create(2^64)") ==
        "rng_create: bad argument #1 (seed): 18446744073709551616 is out of range");
  CHECK(error_of(harness, "alc.math.rng_create(true)") ==
        "rng_create: bad argument #1 (seed): integer expected, got boolean");
}

TEST_CASE("a function given something other than an rng handle raises an argument error",
          "[math]") {
  vm_harness harness;
  CHECK(error_of(harness, "alc.math.rng_float({})") ==
        "rng_float: bad argument #1 (rng): rng handle from rng_create expected, got table");
  CHECK(error_of(harness, "alc.math.normal_sample(nil, 0, 1)") ==
        "normal_sample: bad argument #1 (rng): rng handle from rng_create expected, got nil");
}

TEST_CASE("integer parameters reject negatives and NaN, truncate floats", "[math]") {
  vm_harness harness;
  CHECK(error_of(harness, "alc.math.histogram({1, 2}, -1)") ==
        "histogram: bad argument #2 (bins): -1 is out of range");
  CHECK(error_of(harness, "alc.math.factorial(0/0)") ==
        "factorial: bad argument #1 (n): NaN is out of range");
  CHECK(eval(harness, "alc.math.factorial(3.9)") == json(6.0));
  CHECK(eval(harness, "alc.math.factorial('4')") == json(24.0));
  CHECK(error_of(harness, "alc.math.factorial('x')") ==
        "factorial: bad argument #1 (n): non-negative integer expected, got string");
  CHECK(eval(harness, "#alc.math.histogram({1, 2, 3}, 2.7).counts") == json(2));
}

TEST_CASE("rng_int bounds are signed 64-bit, floats truncated", "[math]") {
  vm_harness harness;
  CHECK(eval(harness, "math.type(alc.math.rng_int(alc.math.rng_create(1), 1, 6))") ==
        json("integer"));
  CHECK(eval(harness, "alc.math.rng_int(alc.math.rng_create(1), 5.9, 5.2)") == json(5));
  CHECK(error_of(harness, "alc.math.rng_int(alc.math.rng_create(1), 7, 3)") ==
        "rng_int: min (7) must be <= max (3)");
  CHECK(error_of(harness, "alc.math.rng_int(alc.math.rng_create(1), 1, 2^63)") ==
        "rng_int: bad argument #3 (max): 9223372036854775808 is out of range");
}

TEST_CASE("float parameters take numbers and numeric strings, nothing else", "[math]") {
  vm_harness harness;
  CHECK(eval(harness, "alc.math.erf('1') == alc.math.erf(1)") == json(true));
  CHECK(error_of(harness, "alc.math.erf({})") ==
        "erf: bad argument #1 (x): number expected, got table");
  CHECK(error_of(harness, "alc.math.erf()") ==
        "erf: bad argument #1 (x): number expected, got no value");
}

TEST_CASE("number arrays are read raw, numeric strings convert, results are floats", "[math]") {
  vm_harness harness;
  CHECK(eval(harness, "alc.math.median({1, 2, 3})") == json(2.0));
  CHECK(eval(harness, "math.type(alc.math.median({1, 2, 3}))") == json("float"));
  CHECK(eval(harness, "alc.math.mean({'1', 2, '3.5'})") == json(6.5 / 3));
  // Raw access: neither __index nor __len is consulted.
  CHECK(eval(harness,
             "alc.math.mean(setmetatable({1, 2}, {__index = function() return 100 "
             "end, __len = function() return 5 end}))") == json(1.5));
}

TEST_CASE("array errors: empty, NaN/inf and non-numbers, the first two without a function name",
          "[math]") {
  vm_harness harness;
  CHECK(error_of(harness, "alc.math.mean({})") == "expected non-empty array");
  CHECK(error_of(harness, "alc.math.logsumexp({})") == "expected non-empty array");
  CHECK(error_of(harness, "alc.math.ndcg({}, 3)") == "expected non-empty array");
  CHECK(error_of(harness, "alc.math.softmax({})") == "expected non-empty array");
  CHECK(error_of(harness, "alc.math.mean({1, 0/0})") ==
        "element at index 2 is NaN (NaN/Infinity not allowed)");
  CHECK(error_of(harness, "alc.math.mean({1, 2, math.huge})") ==
        "element at index 3 is inf (NaN/Infinity not allowed)");
  CHECK(error_of(harness, "alc.math.mean({-math.huge})") ==
        "element at index 1 is -inf (NaN/Infinity not allowed)");
  CHECK(error_of(harness, "alc.math.mean({1, nil, 3})") ==
        "mean: element at index 2 is nil (number expected)");
  CHECK(error_of(harness, "alc.math.mean({1, true})") ==
        "mean: element at index 2 is boolean (number expected)");
  CHECK(error_of(harness, "alc.math.mean(5)") ==
        "mean: bad argument #1 (data): table expected, got number");
}

TEST_CASE("messages with a float show it as Rust prints it", "[math]") {
  vm_harness harness;
  CHECK(error_of(harness, "alc.math.percentile({1}, 150)") ==
        "percentile: p must be in [0, 100], got 150");
  CHECK(error_of(harness, "alc.math.percentile({1}, -0.5)") ==
        "percentile: p must be in [0, 100], got -0.5");
  CHECK(error_of(harness, "alc.math.percentile({1}, 1e21)") ==
        "percentile: p must be in [0, 100], got 1000000000000000000000");
  CHECK(error_of(harness, "alc.math.logit(1e-320 * 0)") == "logit: p must be in (0, 1), got 0");
  CHECK(error_of(harness, "alc.math.normal_ppf(0/0)") ==
        "normal_ppf: p must be in [0, 1], got NaN");
  CHECK(error_of(harness, "alc.math.ewma({1}, 1.25)") == "ewma: alpha must be in [0, 1], got 1.25");
}

TEST_CASE("what panics in the original is an ordinary catchable error", "[math]") {
  vm_harness harness;
  CHECK(error_of(harness, "alc.math.beta(0, 1)") == "beta: a is zero or less than zero");
  CHECK(error_of(harness, "alc.math.ln_beta(1, -2)") == "ln_beta: b is zero or less than zero");
  CHECK(error_of(harness, "alc.math.regularized_incomplete_beta(1.5, 1, 1)") ==
        "regularized_incomplete_beta: x is not in [0, 1]");
  CHECK(error_of(harness, "alc.math.regularized_incomplete_gamma(0, 1)") ==
        "regularized_incomplete_gamma: a is infinite, zero or less than zero");
  CHECK(error_of(harness, "alc.math.regularized_incomplete_gamma(1, -1)") ==
        "regularized_incomplete_gamma: x is infinite or less than zero");
  CHECK(error_of(harness, "alc.math.categorical_sample(alc.math.rng_create(1), {1e308, 1e308})") ==
        "categorical_sample: weights sum to infinity");
  // The VM survives and goes on.
  CHECK(run_value(harness, "pcall(alc.math.beta, 0, 1) return alc.math.beta(1, 1)") == json(1.0));
}

TEST_CASE("an uncaught alc.math error fails the script with its message", "[math]") {
  vm_harness harness;
  auto vm = harness.make("return alc.math.wilson_ci(0, 0, 0.95)");
  const step_failed failed = require_failed(run_until_blocked(*vm));
  CHECK(failed.message.find("wilson_ci: total must be > 0") != std::string::npos);
}
