// Descriptive statistics, transforms, time series, ranking and information
// theory (alc-math.md §4-§6, §10, §11). Checks quoted from the doc are the
// original's; the other expected values were computed in Python 3.11 floats
// on the build machine (statistics.variance/covariance/correlation/quantiles
// for the textbook results, plain loops in the doc's order otherwise).
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "lua_bridge/library/math/descriptive.hpp"
#include "lua_bridge/library/math/information.hpp"
#include "lua_bridge/library/math/ranking.hpp"
#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::math;
using namespace alc::test;
using nlohmann::json;

namespace {

double percentile(std::vector<double> data, double p) {
  sort_total(data.data(), data.size());
  return percentile_of_sorted(data.data(), data.size(), p);
}

std::vector<double> ranks_of(const std::vector<double>& data) {
  std::vector<double> ranks(data.size());
  std::vector<std::size_t> order(data.size());
  rank(data.data(), data.size(), ranks.data(), order.data());
  return ranks;
}

}  // namespace

TEST_CASE("median and percentile are R type 7, bit for bit", "[math][stats]") {
  std::vector<double> one_to_ten;
  for (int i = 1; i <= 10; ++i) one_to_ten.push_back(i);
  CHECK(percentile(one_to_ten, 25) == 3.25);  // alc-math.md §4
  CHECK(percentile(one_to_ten, 75) == 7.75);
  CHECK(percentile({3, 1, 2}, 50) == 2.0);
  CHECK(percentile({1, 2, 3, 4}, 50) == 2.5);
  CHECK(percentile({10, 20, 30, 40}, 90) == 37.0);
  const std::vector<double> data = {3.5, -1.25, 7.0, 2.0, 9.75, 4.0, 0.5};
  CHECK(percentile(data, 25) == 1.25);  // statistics.quantiles(method='inclusive')
  CHECK(percentile(data, 50) == 3.5);
  CHECK(percentile(data, 75) == 5.5);
  CHECK(percentile(data, 33) == 1.97);
  CHECK(percentile(data, 90) == 8.100000000000001);
  CHECK(percentile(data, 0) == -1.25);
  CHECK(percentile(data, 100) == 9.75);
  CHECK(percentile({42}, 13) == 42.0);
}

TEST_CASE("mean, Welford variance and stddev", "[math][stats]") {
  const std::vector<double> doc = {2, 4, 4, 4, 5, 5, 7, 9};
  CHECK(variance(doc.data(), 8) == 4.571428571428571);  // alc-math.md §4
  CHECK(stddev(doc.data(), 8) == 2.138089935299395);
  const std::vector<double> data = {3.5, -1.25, 7.0, 2.0, 9.75, 4.0, 0.5};
  CHECK(mean(data.data(), 7) == 3.642857142857143);
  CHECK(variance(data.data(), 7) == Approx(14.205357142857142).epsilon(1e-15));
  const double single = 5;
  CHECK(variance(&single, 1) == 0.0);
}

TEST_CASE("covariance, correlation and the transforms", "[math][stats]") {
  const std::vector<double> xs = {1.0, 2.5, 3.0, 4.5, 6.0}, ys = {2.0, 2.9, 4.1, 4.0, 7.5};
  CHECK(covariance(xs.data(), ys.data(), 5) == Approx(3.7125000000000004).epsilon(1e-15));
  CHECK(correlation(xs.data(), ys.data(), 5).value == Approx(0.9279908860083877).epsilon(1e-15));
  const std::vector<double> flat = {1, 1, 1};
  CHECK(std::string(correlation(xs.data(), flat.data(), 3).error) == "zero variance");
  std::vector<double> out(3);
  const std::vector<double> logits = {1, 2, 3};
  softmax(logits.data(), 3, out.data());
  CHECK(out == std::vector<double>{0.09003057317038046, 0.24472847105479764, 0.6652409557748218});
  const std::vector<double> big = {1000, 1001};  // no overflow: shifted by the max
  softmax(big.data(), 2, out.data());
  CHECK(out[0] + out[1] == Approx(1.0));
  const std::vector<double> positive = {1, 9, 99};
  log_normalize(positive.data(), 3, out.data());
  CHECK(out == std::vector<double>{15.051499783199057, 50.0, 100.0});
  const std::vector<double> with_zero = {1, 0, 3};
  CHECK(first_non_positive(with_zero.data(), 3) == 1);
}

TEST_CASE("histogram bins by truncation, the maximum in the last bin", "[math][stats]") {
  const std::vector<double> data = {1, 2, 2, 3, 9, 10};
  std::vector<uint64_t> counts(3);
  std::vector<double> edges(4);
  histogram(data.data(), 6, 3, counts.data(), edges.data());
  CHECK(counts == std::vector<uint64_t>{4, 0, 2});
  CHECK(edges == std::vector<double>{1, 4, 7, 10});
  // All values equal: everything in bin 1, width 1 / bins.
  const std::vector<double> same = {5, 5, 5};
  counts.assign(4, 9);
  edges.assign(5, 0);
  histogram(same.data(), 3, 4, counts.data(), edges.data());
  CHECK(counts == std::vector<uint64_t>{3, 0, 0, 0});
  CHECK(edges == std::vector<double>{5, 5.25, 5.5, 5.75, 6});
}

TEST_CASE("moving average, EWMA and autocorrelation", "[math][stats]") {
  const std::vector<double> data = {1, 2, 3, 4, 5, 10};
  std::vector<double> out(4);
  moving_average(data.data(), 6, 3, out.data());
  CHECK(out == std::vector<double>{2.0, 3.0, 4.0, 6.333333333333333});
  const std::vector<double> series = {1, 2, 3, 10};
  ewma(series.data(), 4, 0.3, out.data());
  CHECK(out == std::vector<double>{1, 1.2999999999999998, 1.8099999999999996, 4.2669999999999995});
  const std::vector<double> wave = {1, 3, 2, 5, 4, 6};
  CHECK(autocorrelation(wave.data(), 6, 0).value == 1.0);
  CHECK(autocorrelation(wave.data(), 6, 1).value == Approx(0.1).epsilon(1e-15));
  CHECK(autocorrelation(wave.data(), 6, 2).value == Approx(0.34285714285714286).epsilon(1e-15));
  const std::vector<double> flat = {2, 2, 2};
  CHECK(std::string(autocorrelation(flat.data(), 3, 1).error) == "zero variance");
}

TEST_CASE("permutations come in iterative Heap's order", "[math][stats]") {
  std::vector<int64_t> out(6 * 3);
  permutations(3, out.data());
  CHECK(out == std::vector<int64_t>{1, 2, 3, 2, 1, 3, 3, 1, 2, 1, 3, 2, 2, 3, 1, 3, 2, 1});
  std::vector<int64_t> all(40320 * 8);
  permutations(8, all.data());
  std::set<std::vector<int64_t>> distinct;
  for (std::size_t row = 0; row < 40320; ++row) {
    distinct.emplace(all.begin() + row * 8, all.begin() + row * 8 + 8);
  }
  CHECK(distinct.size() == 40320);
  CHECK(factorial_count(8) == 40320);
}

TEST_CASE("ranks average ties; Spearman, Kendall's tau-b, NDCG and MRR", "[math][stats]") {
  CHECK(ranks_of({3, 1, 3}) == std::vector<double>{2.5, 1.0, 2.5});  // alc-math.md §10
  const std::vector<double> a = {10, 20, 20, 40, 30}, b = {1, 3, 2, 5, 5};
  CHECK(ranks_of(a) == std::vector<double>{1.0, 2.5, 2.5, 5.0, 4.0});
  std::vector<double> ranks(10);
  std::vector<std::size_t> order(5);
  CHECK(spearman(a.data(), b.data(), 5, ranks.data(), order.data()).value ==
        Approx(0.9473684210526315).epsilon(1e-15));
  CHECK(kendall_tau(a.data(), b.data(), 5).value == Approx(0.8888888888888888).epsilon(1e-15));
  const std::vector<double> tied = {1, 1, 1};
  CHECK(std::string(kendall_tau(tied.data(), tied.data(), 3).error) ==
        "zero variance (all values tied)");
  CHECK(std::string(spearman(tied.data(), a.data(), 3, ranks.data(), order.data()).error) ==
        "zero variance in ranks");
  const std::vector<double> relevance = {3, 2, 3, 0, 1, 2};
  std::vector<double> work(6);
  CHECK(ndcg(relevance.data(), 6, 3, work.data()) == Approx(0.9777813616305049).epsilon(1e-15));
  CHECK(ndcg(relevance.data(), 6, 6, work.data()) == Approx(0.9608081943360617).epsilon(1e-15));
  CHECK(ndcg(relevance.data(), 6, 0, work.data()) == 0.0);
  const std::vector<double> zeros = {0, 0};
  CHECK(ndcg(zeros.data(), 2, 2, work.data()) == 0.0);
  const std::vector<double> found = {1, 2, 5};
  CHECK(mrr(found.data(), 3).value == 0.5666666666666667);
  const std::vector<double> not_found = {1, 0}, fractional = {1, 2.5};
  CHECK(std::string(mrr(not_found.data(), 2).error) == "rank values must be >= 1");
  CHECK(std::string(mrr(fractional.data(), 2).error) == "rank values must be integers");
}

TEST_CASE("entropy and divergences in nats, with the doc's check order", "[math][stats]") {
  const std::vector<double> p = {0.5, 0.25, 0.25}, q = {0.4, 0.4, 0.2};
  CHECK(entropy(p.data(), 3).value == Approx(1.0397207708399179).epsilon(1e-15));
  CHECK(kl_divergence(p.data(), 3, q.data(), 3).value ==
        Approx(0.04985675617422343).epsilon(1e-14));
  std::vector<double> mixture(3);
  CHECK(js_divergence(p.data(), 3, q.data(), 3, mixture.data()).value ==
        Approx(0.01290762257198239).epsilon(1e-14));
  CHECK(cross_entropy(p.data(), 3, q.data(), 3).value == Approx(1.0895775270141412).epsilon(1e-15));
  const std::vector<double> degenerate = {1, 0, 0};
  CHECK(entropy(degenerate.data(), 3).value == 0.0);
  // Sum first, then the sign; 1 +- 1e-6 passes.
  const std::vector<double> short_sum = {0.5, 0.4}, negative = {1.5, -0.5};
  const std::vector<double> almost = {0.5, 0.5 + 9e-7};
  CHECK(std::string(entropy(short_sum.data(), 2).error) == "probabilities must sum to 1");
  CHECK(std::string(entropy(negative.data(), 2).error) == "probabilities must be non-negative");
  CHECK(entropy(almost.data(), 2).ok());
  const std::vector<double> half = {0.5, 0.5}, one_side = {1.0, 0.0};
  CHECK(std::string(kl_divergence(half.data(), 2, p.data(), 3).error) ==
        "distributions must have equal length");
  CHECK(std::string(kl_divergence(short_sum.data(), 2, half.data(), 2).error) == "p must sum to 1");
  CHECK(std::string(kl_divergence(half.data(), 2, short_sum.data(), 2).error) == "q must sum to 1");
  CHECK(std::string(kl_divergence(half.data(), 2, one_side.data(), 2).error) ==
        "q must be > 0 wherever p > 0 (absolute continuity)");
  CHECK(std::string(cross_entropy(half.data(), 2, one_side.data(), 2).error) ==
        "q must be > 0 wherever p > 0");
  CHECK(std::string(js_divergence(negative.data(), 2, half.data(), 2, mixture.data()).error) ==
        "probabilities must be non-negative");
  CHECK(js_divergence(half.data(), 2, one_side.data(), 2, mixture.data()).ok());
}

TEST_CASE("Lua: statistics results and messages", "[math][stats]") {
  vm_harness harness;
  const json r = run_value(harness, R"lua(
    local m = alc.math
    local function err(f, ...) local ok, e = pcall(f, ...) return (tostring(e):gsub("^script:%d+: ", "")) end
    local h = m.histogram({1, 2, 2, 3, 9, 10}, 3)
    local ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
    return {
      quartiles = {m.percentile(ten, 25), m.percentile(ten, 75), m.iqr(ten), m.median({3, 1, 2}),
                   m.median({1, 2, 3, 4}), m.percentile({10, 20, 30, 40}, 90)},
      spread = {m.variance({2, 4, 4, 4, 5, 5, 7, 9}), m.stddev({2, 4, 4, 4, 5, 5, 7, 9}),
                m.variance({7})},
      counts = h.counts, edges = h.edges, count_type = math.type(h.counts[1]),
      ma = m.moving_average({1, 2, 3, 4, 5, 10}, 3), ewma = m.ewma({1, 2, 3, 10}, 0.3),
      acf0 = m.autocorrelation({1, 2}, 0),
      perms = m.permutations(3), perm_type = math.type(m.permutations(2)[1][1]),
      ranks = m.rank({3, 1, 3}), mrr = m.mrr({1, 2, 5}), ndcg0 = m.ndcg({3, 2}, 0),
      softmax = m.softmax({1, 2, 3}), lse = m.logsumexp({1000, 1000}),
      errors = {
        err(m.covariance, {1, 2}, {1}), err(m.covariance, {1}, {1}), err(m.correlation, {1, 1}, {1, 2}),
        err(m.histogram, {1}, 0), err(m.moving_average, {1, 2}, 3), err(m.moving_average, {1, 2}, 0),
        err(m.autocorrelation, {1, 2}, 2), err(m.autocorrelation, {3, 3}, 1),
        err(m.permutations, 0), err(m.permutations, 9), err(m.log_normalize, {2, -1}),
        err(m.spearman_correlation, {1, 2}, {1}), err(m.kendall_tau, {1}, {1}),
        err(m.mrr, {0}), err(m.entropy, {0.5}), err(m.kl_divergence, {1}, {0.5, 0.5}),
        err(m.js_divergence, {1.5, -0.5}, {0.5, 0.5}), err(m.cross_entropy, {1, 0}, {0, 1}),
        err(m.chi_squared_test, {1, 2}, {1, 0}), err(m.ks_test, {}, {1}),
        err(m.sample_with_replacement, m.rng_create(1), {}, 3),
        err(m.dirichlet_sample, m.rng_create(1), {1}),
        err(m.dirichlet_sample, m.rng_create(1), {1, -2}),
        err(m.categorical_sample, m.rng_create(1), {}),
        err(m.categorical_sample, m.rng_create(1), {0, 0}),
        err(m.categorical_sample, m.rng_create(1), {1, 0/0}),
        err(m.uniform_sample, m.rng_create(1), 2, 1), err(m.poisson_sample, m.rng_create(1), 0),
      },
    })lua");
  CHECK(r["quartiles"] == json({3.25, 7.75, 4.5, 2.0, 2.5, 37.0}));
  CHECK(r["spread"] == json({4.571428571428571, 2.138089935299395, 0.0}));
  CHECK(r["counts"] == json({4, 0, 2}));
  CHECK(r["edges"] == json({1.0, 4.0, 7.0, 10.0}));
  CHECK(r["count_type"] == json("integer"));
  CHECK(r["ma"] == json({2.0, 3.0, 4.0, 6.333333333333333}));
  CHECK(r["ewma"] == json({1.0, 1.2999999999999998, 1.8099999999999996, 4.2669999999999995}));
  CHECK(r["acf0"] == json(1.0));
  CHECK(r["perms"] == json({{1, 2, 3}, {2, 1, 3}, {3, 1, 2}, {1, 3, 2}, {2, 3, 1}, {3, 2, 1}}));
  CHECK(r["perm_type"] == json("integer"));
  CHECK(r["ranks"] == json({2.5, 1.0, 2.5}));
  CHECK(r["mrr"] == json(0.5666666666666667));
  CHECK(r["ndcg0"] == json(0.0));
  CHECK(r["softmax"] == json({0.09003057317038046, 0.24472847105479764, 0.6652409557748218}));
  CHECK(r["lse"].get<double>() == Approx(1000 + std::log(2.0)));
  CHECK(r["errors"] ==
        json({"covariance: arrays must have equal length",
              "covariance: need at least 2 values",
              "correlation: zero variance",
              "histogram: bins must be > 0",
              "moving_average: window must be in [1, 2], got 3",
              "moving_average: window must be in [1, 2], got 0",
              "autocorrelation: lag must be < array length (2), got 2",
              "autocorrelation: zero variance",
              "permutations: n must be >= 1",
              "permutations: n > 8 not supported (8! = 40320)",
              "log_normalize: element at index 2 is -1 (all values must be > 0)",
              "spearman_correlation: arrays must have equal length",
              "kendall_tau: need at least 2 values",
              "mrr: rank values must be >= 1",
              "entropy: probabilities must sum to 1",
              "kl_divergence: distributions must have equal length",
              "js_divergence: probabilities must be non-negative",
              "cross_entropy: q must be > 0 wherever p > 0",
              "chi_squared_test: expected values must be > 0",
              "expected non-empty array",
              "sample_with_replacement: input must be non-empty",
              "dirichlet_sample: need at least 2 alpha values",
              "dirichlet_sample: shape is not positive in gamma distribution",
              "categorical_sample: need at least 1 weight",
              "categorical_sample: Not enough weights > zero",
              "categorical_sample: A weight is negative, too large or not a valid number",
              "uniform_sample: low > high (or equal if exclusive) in uniform distribution",
              "poisson_sample: lambda is not positive in Poisson distribution"}));
}

TEST_CASE("Lua: shuffle returns a new table and leaves the input alone", "[math][stats]") {
  vm_harness harness;
  const json r = run_value(harness, R"lua(
    local m = alc.math
    local t = {"a", "b", "c", "d"}
    local s = m.shuffle(m.rng_create(3), t)
    local holes = m.shuffle(m.rng_create(3), {1, nil, 3})
    local kept = 0
    for i = 1, 3 do if holes[i] ~= nil then kept = kept + 1 end end
    local seen = {}
    for _, v in ipairs(s) do seen[v] = true end
    return {same = (s ~= t), input = table.concat(t), n = #s, all = seen.a and seen.b and seen.c and seen.d,
            empty = alc.json_encode(m.shuffle(m.rng_create(1), {})), kept = kept,
            none = alc.json_encode(m.sample_with_replacement(m.rng_create(1), {1}, 0))})lua");
  CHECK(r["same"] == json(true));
  CHECK(r["input"] == json("abcd"));
  CHECK(r["n"] == json(4));
  CHECK(r["all"] == json(true));
  CHECK(r["empty"] == json("[]"));
  CHECK(r["kept"] == json(2));
  CHECK(r["none"] == json("[]"));
}

TEST_CASE("Lua: the abm pattern replays a run from its seed", "[math][stats]") {
  vm_harness harness;
  const std::string script = R"lua(
    local m = alc.math
    local out = {}
    for run = 1, 3 do
      local rng = m.rng_create(run * 7919)
      local xs = {}
      for i = 1, 50 do xs[i] = m.rng_float(rng) end
      out[run] = {m.median(xs), m.percentile(xs, 25), m.percentile(xs, 75)}
    end
    return out)lua";
  const json first = run_value(harness, script);
  const json second = run_value(harness, script);
  CHECK(first == second);
  CHECK(first[0] != first[1]);
}

TEST_CASE("Lua: the remaining statistics return their values", "[math][stats]") {
  vm_harness harness;
  const json r = run_value(harness, R"lua(
    local m = alc.math
    local a, b = {10, 20, 20, 40, 30}, {1, 3, 2, 5, 5}
    local p, q = {0.5, 0.25, 0.25}, {0.4, 0.4, 0.2}
    return {m.covariance({1.0, 2.5, 3.0, 4.5, 6.0}, {2.0, 2.9, 4.1, 4.0, 7.5}),
            m.correlation({1.0, 2.5, 3.0, 4.5, 6.0}, {2.0, 2.9, 4.1, 4.0, 7.5}),
            m.log_normalize({1, 9, 99})[1], m.spearman_correlation(a, b), m.kendall_tau(a, b),
            m.ndcg({3, 2, 3, 0, 1, 2}, 3), m.entropy(p), m.kl_divergence(p, q),
            m.js_divergence(p, q), m.cross_entropy(p, q), m.mean({3.5, -1.25, 7.0, 2.0, 9.75, 4.0, 0.5})})lua");
  const std::vector<double> expected = {
      3.7125000000000004,  0.9279908860083877, 15.051499783199057, 0.9473684210526315,
      0.8888888888888888,  0.9777813616305049, 1.0397207708399179, 0.04985675617422343,
      0.01290762257198239, 1.0895775270141412, 3.642857142857143};
  REQUIRE(r.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("result " << i + 1);
    CHECK(r[i].get<double>() == Approx(expected[i]).epsilon(1e-14));
  }
}

TEST_CASE("Lua: edge cases the doc calls out", "[math][stats]") {
  vm_harness harness;
  const json r = run_value(harness, R"lua(
    local m = alc.math
    local function fresh_first(seed) return m.rng_float(m.rng_create(seed)) end
    local a = m.rng_create(9)
    m.shuffle(a, {})                          -- no draw
    m.sample_with_replacement(a, {1, 2}, 0)   -- no draw
    local over = m.wilson_ci(12, 10, 0.95)    -- successes are not checked
    local ok, sum_zero = pcall(m.dirichlet_sample, m.rng_create(1), {1e-300, 1e-300})
    return {
      no_draw = m.rng_float(a) == fresh_first(9),
      over = over.center > 1,
      ewma0 = m.ewma({1, 5, 9}, 0),
      ewma1 = m.ewma({1, 5, 9}, 1),
      fact170 = m.factorial(170) > 7e306,
      sum_zero = (tostring(sum_zero):gsub("^script:%d+: ", "")),
      exp0 = m.exp_sample(m.rng_create(1), 0) == math.huge,
      const = {m.binomial_sample(m.rng_create(1), 7, 0), m.binomial_sample(m.rng_create(1), 7, 1)},
      ks_same = m.ks_test({5, 5, 5}, {5, 5}).p_value,
    })lua");
  CHECK(r["no_draw"] == json(true));
  CHECK(r["over"] == json(true));
  CHECK(r["ewma0"] == json({1.0, 1.0, 1.0}));
  CHECK(r["ewma1"] == json({1.0, 5.0, 9.0}));
  CHECK(r["fact170"] == json(true));
  CHECK(r["sum_zero"] ==
        json("dirichlet_sample: gamma samples sum to zero (alpha values too small?)"));
  CHECK(r["exp0"] == json(true));
  CHECK(r["const"] == json({0, 7}));
  CHECK(r["ks_same"] == json(0.0));
}
