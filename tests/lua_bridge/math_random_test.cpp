// alc.math's random numbers: the ChaCha12 stream, rand's draw rules and the
// rand_distr samplers, against the test vectors of alc-math.md §2.6 (computed
// there with rand 0.9.3 / rand_chacha 0.9.0 / rand_distr 0.5.1), directly and
// through a script_vm. Where no vector exists, moments are checked against
// the distribution's own mean and variance.
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "lua_bridge/library/math/chacha_stream.hpp"
#include "lua_bridge/library/math/draws.hpp"
#include "lua_bridge/library/math/samplers.hpp"
#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::math;
using namespace alc::test;
using nlohmann::json;

namespace {

std::vector<double> floats(uint64_t seed, int count) {
  chacha_stream rng = chacha_stream::from_seed(seed);
  std::vector<double> out;
  for (int i = 0; i < count; ++i) out.push_back(unit_float(rng));
  return out;
}

template <class Sampler>
std::vector<double> draws(const Sampler& sampler, uint64_t seed, int count) {
  chacha_stream rng = chacha_stream::from_seed(seed);
  std::vector<double> out;
  for (int i = 0; i < count; ++i) out.push_back(sampler.sample(rng));
  return out;
}

struct moments {
  double mean, variance;
};

template <class Draw>
moments sample_moments(Draw draw, int count) {
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < count; ++i) {
    const double x = draw();
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / count;
  return {mean, sum_sq / count - mean * mean};
}

// The sample mean is within 6 standard errors of the true mean.
void check_mean(const moments& m, double mean, double variance, int count) {
  CHECK(std::fabs(m.mean - mean) < 6 * std::sqrt(variance / count));
  CHECK(m.variance == Approx(variance).epsilon(0.05));
}

}  // namespace

TEST_CASE("seed_from_u64 derives rand_core's key words", "[math][rng]") {
  const std::array<uint32_t, 8> expected = {0x7ba18fa4, 0x0a3d3258, 0xcca1b8ea, 0xb8140169,
                                            0x75c88c2b, 0x54f7b418, 0xa16e448d, 0xf220dfe4};
  CHECK(chacha_stream::key_from_seed(42) == expected);
}

TEST_CASE("the ChaCha12 stream gives rand_chacha's words for seeds 42 and 0", "[math][rng]") {
  chacha_stream rng = chacha_stream::from_seed(42);
  const std::vector<uint32_t> seed42 = {0x222724a2, 0x86cc7763, 0x3fad517d, 0x8af00a13,
                                        0xde5134d1, 0xa2ef6071, 0xfd7630b2, 0x67e92d78,
                                        0xf8119fea, 0x08cab0df, 0x9e0f81a8, 0x6a3a9ca3,
                                        0x590878fb, 0xbcc7d8e8, 0x2f8eb737, 0xd9688d9b};
  for (uint32_t word : seed42) CHECK(rng.next_u32() == word);
  rng = chacha_stream::from_seed(0);
  for (uint32_t word : {0xcd2c6f7fu, 0xbb2a3fb2u, 0x8e27697bu, 0xc6017c94u, 0xcf310a16u,
                        0x069dc102u, 0xabe5f6d0u, 0x958b761du}) {
    CHECK(rng.next_u32() == word);
  }
}

TEST_CASE("rng_float takes 53 bits of next_u64, across refills and a straddled word",
          "[math][rng]") {
  CHECK(floats(42, 6) == std::vector<double>{0.5265574090027738, 0.5427252099031439,
                                             0.6364650991438949, 0.4059017582307767,
                                             0.034342817954956195, 0.4149568461853601});
  CHECK(floats(0, 4) == std::vector<double>{0.7311134158637046, 0.7734601843532382,
                                            0.025844634233355035, 0.5841592619362002});
  CHECK(floats(1, 4) == std::vector<double>{0.9742447372584028, 0.6912356107023264,
                                            0.4279747815328704, 0.17558605019384332});
  CHECK(floats(7919, 3) ==
        std::vector<double>{0.9005292473466439, 0.9278208093582271, 0.5992879459538543});
  const std::vector<double> seed42 = floats(42, 35);
  CHECK(std::vector<double>(seed42.begin() + 31, seed42.end()) ==
        std::vector<double>{0.8884847760655822, 0.9219680840455122, 0.869303310621092,
                            0.648891549707764});
  // 63 words read: the u64 takes the last word as its low half, the refill's first as high.
  chacha_stream rng = chacha_stream::from_seed(42);
  for (int i = 0; i < 63; ++i) rng.next_u32();
  CHECK(unit_float(rng) == 0.9312548436896141);
}

TEST_CASE("integer ranges follow rand's Canon method", "[math][rng]") {
  chacha_stream rng = chacha_stream::from_seed(42);
  std::vector<int64_t> dice;
  for (int i = 0; i < 12; ++i) dice.push_back(int_in_range(rng, 1, 6));
  CHECK(dice == std::vector<int64_t>{4, 4, 4, 3, 1, 3, 5, 6, 1, 1, 6, 4});
  rng = chacha_stream::from_seed(42);
  std::vector<int64_t> wide;
  for (int i = 0; i < 4; ++i) wide.push_back(int_in_range(rng, -1000000, 1000000));
  CHECK(wide == std::vector<int64_t>{53115, 85450, 272930, -188197});
  // The full 64-bit range is next_u64 itself.
  rng = chacha_stream::from_seed(5);
  chacha_stream copy = rng;
  CHECK(int_in_range(rng, INT64_MIN, INT64_MAX) == static_cast<int64_t>(copy.next_u64()));
  // A one-value range still consumes a word, as rand's does.
  rng = chacha_stream::from_seed(5);
  copy = rng;
  CHECK(int_in_range(rng, 7, 7) == 7);
  copy.next_u64();
  CHECK(rng.next_u64() == copy.next_u64());
}

TEST_CASE("the samplers reproduce rand_distr 0.5.1's first draws", "[math][rng]") {
  CHECK(draws(normal_sampler::make(0, 1).value, 42, 4) ==
        std::vector<double>{0.06942791836196335, 0.13293812199412544, 0.2625763573739537,
                            -0.22530087839099155});
  CHECK(draws(uniform_float::make(10, 20).value, 42, 2) ==
        std::vector<double>{15.265574090027737, 15.427252099031438});
  CHECK(draws(exponential_sampler::make(1.5).value, 42, 2) ==
        std::vector<double>{0.4470241553684598, 0.6180535535354055});
  CHECK(draws(gamma_sampler::make(2, 1).value, 42, 2) ==
        std::vector<double>{1.7579140700938243, 2.0291527731122434});
  CHECK(draws(beta_sampler::make(2, 5).value, 42, 2) ==
        std::vector<double>{0.29935989329264767, 0.3614768771909156});
  CHECK(draws(poisson_sampler::make(5).value, 42, 8) ==
        std::vector<double>{4, 4, 5, 1, 5, 5, 8, 4});
  CHECK(draws(student_t_sampler::make(30).value, 42, 2) ==
        std::vector<double>{0.06901121124420924, -0.24913651522105645});
  CHECK(draws(chi_squared_sampler::make(5).value, 42, 2) ==
        std::vector<double>{4.540953922555675, 5.153212467272937});
  chacha_stream rng = chacha_stream::from_seed(42);
  const binomial_sampler binomial = binomial_sampler::make(10, 0.5).value;
  std::vector<uint64_t> counts;
  for (int i = 0; i < 8; ++i) counts.push_back(binomial.sample(rng).value);
  CHECK(counts == std::vector<uint64_t>{5, 5, 6, 5, 2, 5, 6, 7});
  rng = chacha_stream::from_seed(42);
  const double weights[] = {0.1, 0.3, 0.6};
  double cumulative[2];
  const categorical_sampler categorical = categorical_sampler::make(weights, 3, cumulative).value;
  std::vector<std::size_t> picks;
  for (int i = 0; i < 10; ++i) picks.push_back(categorical.sample(rng) + 1);
  CHECK(picks == std::vector<std::size_t>{3, 3, 3, 3, 1, 3, 3, 3, 2, 1});
  rng = chacha_stream::from_seed(42);
  const double alphas[] = {1, 2, 3};
  double shares[3];
  REQUIRE(dirichlet_sample(rng, alphas, 3, shares) == nullptr);
  CHECK(std::vector<double>(shares, shares + 3) ==
        std::vector<double>{0.13882173898631203, 0.3818162295004133, 0.4793620315132747});
}

TEST_CASE("the branches without a vector sample their distribution", "[math][rng]") {
  constexpr int n = 200000;
  chacha_stream rng = chacha_stream::from_seed(2024);
  // Poisson above 12: Ahrens-Dieter's rejection method.
  const poisson_sampler poisson = poisson_sampler::make(40).value;
  check_mean(sample_moments([&] { return poisson.sample(rng); }, n), 40, 40, n);
  // Binomial with n*p >= 10: BTPE (flipped too).
  const binomial_sampler btpe = binomial_sampler::make(1000, 0.7).value;
  check_mean(sample_moments([&] { return double(btpe.sample(rng).value); }, n), 700, 210, n);
  // Binomial with p so small that 1 - p == 1: Knuth's Poisson.
  const binomial_sampler tiny = binomial_sampler::make(uint64_t{1} << 60, 1e-18).value;
  const double np = std::ldexp(1.0, 60) * 1e-18;
  check_mean(sample_moments([&] { return double(tiny.sample(rng).value); }, n), np, np, n);
  // Gamma below shape 1 (boosted), and shape 1 (exponential) with a scale.
  const gamma_sampler small = gamma_sampler::make(0.4, 3).value;
  check_mean(sample_moments([&] { return small.sample(rng); }, n), 1.2, 3.6, n);
  const gamma_sampler one = gamma_sampler::make(1, 2.5).value;
  check_mean(sample_moments([&] { return one.sample(rng); }, n), 2.5, 6.25, n);
  // Beta by Cheng's BC (min(a, b) <= 1), both parameter orders.
  for (const auto& [a, b] : {std::pair{0.5, 3.0}, std::pair{3.0, 0.5}}) {
    const beta_sampler beta = beta_sampler::make(a, b).value;
    const double mean = a / (a + b), variance = a * b / ((a + b) * (a + b) * (a + b + 1));
    check_mean(sample_moments([&] { return beta.sample(rng); }, n), mean, variance, n);
  }
  // Chi-squared with one degree of freedom is a squared normal.
  const chi_squared_sampler chi1 = chi_squared_sampler::make(1).value;
  check_mean(sample_moments([&] { return chi1.sample(rng); }, n), 1, 2, n);
  // Normal tails beyond the ziggurat's base strip still come out.
  const normal_sampler normal = normal_sampler::make(3, -2).value;  // negative sd flips
  check_mean(sample_moments([&] { return normal.sample(rng); }, n), 3, 4, n);
}

TEST_CASE("sampler parameters are checked with rand_distr's messages", "[math][rng]") {
  CHECK(std::string(normal_sampler::make(0, INFINITY).error) ==
        "variation parameter is non-finite in (log)normal distribution");
  CHECK(std::string(exponential_sampler::make(-1).error) ==
        "lambda is negative or NaN in exponential distribution");
  CHECK(exponential_sampler::make(0).ok());  // rate 0: +inf
  CHECK(std::isinf(draws(exponential_sampler::make(0).value, 1, 1)[0]));
  CHECK(std::string(gamma_sampler::make(0, 1).error) ==
        "shape is not positive in gamma distribution");
  CHECK(std::string(gamma_sampler::make(1, NAN).error) ==
        "scale is not positive in gamma distribution");
  CHECK(std::string(beta_sampler::make(-1, 1).error) ==
        "alpha is not positive in beta distribution");
  CHECK(std::string(beta_sampler::make(1, 0).error) == "beta is not positive in beta distribution");
  CHECK(std::string(chi_squared_sampler::make(0).error) ==
        "degrees-of-freedom k is not positive in chi-squared distribution");
  CHECK(std::string(student_t_sampler::make(NAN).error) ==
        "degrees-of-freedom k is not positive in chi-squared distribution");
  CHECK(std::string(poisson_sampler::make(0).error) ==
        "lambda is not positive in Poisson distribution");
  CHECK(std::string(poisson_sampler::make(INFINITY).error) ==
        "lambda is infinite or nan in Poisson distribution");
  CHECK(std::string(poisson_sampler::make(2e19).error) ==
        "lambda is too large in Poisson distribution, see Poisson::MAX_LAMBDA");
  CHECK(std::string(binomial_sampler::make(3, -0.1).error) ==
        "p < 0 or is NaN in binomial distribution");
  CHECK(std::string(binomial_sampler::make(3, 1.5).error) == "p > 1 in binomial distribution");
  CHECK(std::string(uniform_float::make(2, 2).error) ==
        "low > high (or equal if exclusive) in uniform distribution");
  CHECK(std::string(uniform_float::make(-1e308, 1e308).error) ==
        "Non-finite range in uniform distribution");
  const double negative[] = {1, -1};
  double cumulative[1];
  CHECK(std::string(categorical_sampler::make(negative, 2, cumulative).error) ==
        "A weight is negative, too large or not a valid number");
  const double zeros[] = {0, 0};
  CHECK(std::string(categorical_sampler::make(zeros, 2, cumulative).error) ==
        "Not enough weights > zero");
}

TEST_CASE("Lua: the §2.6 vectors come out of alc.math unchanged", "[math][rng]") {
  vm_harness harness;
  const json result = run_value(harness, R"lua(
    local m = alc.math
    local function run(seed, n, f)
      local rng, out = m.rng_create(seed), {}
      for i = 1, n do out[i] = f(rng) end
      return out
    end
    local mixed = m.rng_create(42)
    local picks = m.sample_with_replacement(m.rng_create(42), {"a", "b", "c"}, 10)
    return {
      floats = run(7919, 3, m.rng_float),
      dice = run(42, 12, function(r) return m.rng_int(r, 1, 6) end),
      mixed = {m.rng_float(mixed), m.rng_int(mixed, 1, 100), m.rng_float(mixed)},
      shuffled = m.shuffle(m.rng_create(42), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
      picks = table.concat(picks),
      categorical = run(42, 10, function(r) return m.categorical_sample(r, {0.1, 0.3, 0.6}) end),
      normal = run(42, 4, function(r) return m.normal_sample(r, 0, 1) end),
      uniform = run(42, 2, function(r) return m.uniform_sample(r, 10, 20) end),
      exp = run(42, 2, function(r) return m.exp_sample(r, 1.5) end),
      gamma = run(42, 2, function(r) return m.gamma_sample(r, 2, 1) end),
      beta = run(42, 2, function(r) return m.beta_sample(r, 2, 5) end),
      poisson = run(42, 8, function(r) return m.poisson_sample(r, 5) end),
      binomial = run(42, 8, function(r) return m.binomial_sample(r, 10, 0.5) end),
      lognormal = run(42, 2, function(r) return m.lognormal_sample(r, 0, 1) end),
      student_t = run(42, 2, function(r) return m.student_t_sample(r, 30) end),
      chi_squared = run(42, 2, function(r) return m.chi_squared_sample(r, 5) end),
      dirichlet = m.dirichlet_sample(m.rng_create(42), {1, 2, 3}),
      types = {math.type(m.poisson_sample(m.rng_create(1), 5)),
               math.type(m.binomial_sample(m.rng_create(1), 10, 0.5)),
               math.type(m.categorical_sample(m.rng_create(1), {1, 1})),
               math.type(m.rng_int(m.rng_create(1), 1, 2))},
    })lua");
  CHECK(result["floats"] == json({0.9005292473466439, 0.9278208093582271, 0.5992879459538543}));
  CHECK(result["dice"] == json({4, 4, 4, 3, 1, 3, 5, 6, 1, 1, 6, 4}));
  CHECK(result["mixed"] == json({0.5265574090027738, 55, 0.6364650991438949}));
  CHECK(result["shuffled"] == json({1, 3, 8, 9, 7, 6, 4, 10, 5, 2}));
  CHECK(result["picks"] == json("ababcbcbca"));  // indices 1 2 1 2 3 2 3 2 3 1
  CHECK(result["categorical"] == json({3, 3, 3, 3, 1, 3, 3, 3, 2, 1}));
  CHECK(result["normal"] ==
        json({0.06942791836196335, 0.13293812199412544, 0.2625763573739537, -0.22530087839099155}));
  CHECK(result["uniform"] == json({15.265574090027737, 15.427252099031438}));
  CHECK(result["exp"] == json({0.4470241553684598, 0.6180535535354055}));
  CHECK(result["gamma"] == json({1.7579140700938243, 2.0291527731122434}));
  CHECK(result["beta"] == json({0.29935989329264767, 0.3614768771909156}));
  CHECK(result["poisson"] == json({4, 4, 5, 1, 5, 5, 8, 4}));
  CHECK(result["binomial"] == json({5, 5, 6, 5, 2, 5, 6, 7}));
  CHECK(result["lognormal"] == json({1.071894794487459, 1.1421793203655157}));
  CHECK(result["student_t"] == json({0.06901121124420924, -0.24913651522105645}));
  CHECK(result["chi_squared"] == json({4.540953922555675, 5.153212467272937}));
  CHECK(result["dirichlet"] == json({0.13882173898631203, 0.3818162295004133, 0.4793620315132747}));
  CHECK(result["types"] == json({"integer", "integer", "integer", "integer"}));
}
