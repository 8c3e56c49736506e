#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "lua_bridge/budget_meter.hpp"

using namespace alc;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {}  // namespace

TEST_CASE("an absent, null or non-object ctx budget means no limits", "[budget]") {
  CHECK(read_budget(json::object()).empty());
  CHECK(read_budget({{"budget", nullptr}}).empty());
  CHECK(read_budget(json::array({1, 2})).empty());
  CHECK(read_budget({{"budget", 5}}).empty());
  CHECK(read_budget({{"budget", {{"max_tokens", nullptr}}}}).empty());
}

TEST_CASE("read_budget takes each limit that is a non-negative integer", "[budget]") {
  const budget_limits limits =
      read_budget({{"budget", {{"max_llm_calls", 3}, {"max_elapsed_ms", 0}}}});
  CHECK(limits.max_llm_calls == std::optional<int64_t>(3));
  CHECK(limits.max_elapsed_ms == std::optional<int64_t>(0));
  CHECK_FALSE(limits.max_tokens);
  CHECK_FALSE(limits.empty());
}

TEST_CASE("read_budget ignores limits that are not non-negative integers, as the original",
          "[budget]") {
  CHECK(read_budget({{"budget", {{"max_llm_calls", -1}}}}).empty());
  CHECK(read_budget({{"budget", {{"max_tokens", 1.5}}}}).empty());
  CHECK(read_budget({{"budget", {{"max_tokens", 10.0}}}}).empty());
  CHECK(read_budget({{"budget", {{"max_elapsed_ms", "10"}}}}).empty());
  CHECK(read_budget({{"budget", {{"max_llm_calls", UINT64_MAX}}}}).empty());
  CHECK(read_budget({{"budget", {{"max_llm_calls", -1}, {"max_tokens", 9}}}}).max_tokens == 9);
}

TEST_CASE("an unlimited meter never refuses", "[budget]") {
  budget_meter meter(budget_limits{}, std::chrono::steady_clock::now() - 24h);
  meter.record_calls(1'000'000);
  meter.record_tokens(1'000'000);
  CHECK_FALSE(meter.refusal());
  CHECK_FALSE(meter.refusal(1'000'000));
}

TEST_CASE("max_llm_calls refuses the call that would exceed it, counting those ahead", "[budget]") {
  budget_limits limits;
  limits.max_llm_calls = 3;
  budget_meter meter(limits);
  meter.record_calls(2);
  CHECK(meter.llm_calls() == 2);
  CHECK_FALSE(meter.refusal());  // the third call is still allowed
  CHECK(meter.refusal(1) ==
        std::optional<std::string>("budget_exceeded: max_llm_calls (3) reached (3 used)"));
  meter.record_calls(1);
  CHECK(meter.refusal() ==
        std::optional<std::string>("budget_exceeded: max_llm_calls (3) reached (3 used)"));
}

TEST_CASE("a zero call budget refuses the very first call", "[budget]") {
  budget_limits limits;
  limits.max_llm_calls = 0;
  CHECK(budget_meter(limits).refusal() ==
        std::optional<std::string>("budget_exceeded: max_llm_calls (0) reached (0 used)"));
}

TEST_CASE("max_tokens refuses once the tokens spent reach it", "[budget]") {
  budget_limits limits;
  limits.max_tokens = 100;
  budget_meter meter(limits);
  meter.record_tokens(99);
  CHECK_FALSE(meter.refusal());
  CHECK_FALSE(meter.refusal(50));  // queries ahead do not count as tokens
  meter.record_tokens(5);
  CHECK(meter.tokens() == 104);
  CHECK(meter.refusal() ==
        std::optional<std::string>("budget_exceeded: max_tokens (100) reached (104 used)"));
}

TEST_CASE("max_elapsed_ms is measured on the steady clock from the start given", "[budget]") {
  budget_limits limits;
  limits.max_elapsed_ms = 1000;
  // Started long ago: over budget at once, no waiting needed.
  const budget_meter late(limits, std::chrono::steady_clock::now() - 5s);
  CHECK(late.elapsed_ms() >= 5000);
  const auto refusal = late.refusal();
  REQUIRE(refusal);
  // The original's wording: milliseconds on both figures, "elapsed" instead of "used".
  CHECK_THAT(*refusal, Catch::Matches("budget_exceeded: max_elapsed_ms \\(1000ms\\) reached "
                                      "\\((\\d+)ms elapsed\\)"));
  CHECK(std::stoll(refusal->substr(refusal->rfind('(') + 1)) >= 5000);
  // Started now with an hour to go: well within.
  limits.max_elapsed_ms = 3'600'000;
  const budget_meter fresh(limits);
  CHECK(fresh.elapsed_ms() < 3'600'000);
  CHECK_FALSE(fresh.refusal());
}

TEST_CASE("calls are checked before tokens, tokens before time", "[budget]") {
  budget_limits limits;
  limits.max_llm_calls = 1;
  limits.max_tokens = 1;
  limits.max_elapsed_ms = 1;
  budget_meter meter(limits, std::chrono::steady_clock::now() - 1h);
  meter.record_tokens(1);
  meter.record_calls(1);
  CHECK_THAT(*meter.refusal(), Catch::StartsWith("budget_exceeded: max_llm_calls"));
  limits.max_llm_calls.reset();
  budget_meter no_call_limit(limits, std::chrono::steady_clock::now() - 1h);
  no_call_limit.record_tokens(1);
  CHECK_THAT(*no_call_limit.refusal(), Catch::StartsWith("budget_exceeded: max_tokens"));
}

TEST_CASE("one meter shared by threads counts every call and token", "[budget]") {
  budget_limits limits;
  limits.max_llm_calls = 40'000;
  budget_meter meter(limits);
  std::vector<std::thread> spenders;
  for (int t = 0; t < 4; ++t) {
    spenders.emplace_back([&meter] {
      for (int i = 0; i < 10'000; ++i) {
        meter.record_calls(1);
        meter.record_tokens(2);
      }
    });
  }
  for (auto& thread : spenders) thread.join();
  CHECK(meter.llm_calls() == 40'000);
  CHECK(meter.tokens() == 80'000);
  CHECK(meter.refusal());
  CHECK(meter.limits().max_llm_calls == std::optional<int64_t>(40'000));
}

TEST_CASE("recorded tokens saturate at INT64_MAX and then refuse", "[budget]") {
  budget_meter meter(budget_limits{std::nullopt, std::nullopt, 10});
  meter.record_tokens(INT64_MAX);
  meter.record_tokens(INT64_MAX);
  CHECK(meter.tokens() == INT64_MAX);
  CHECK(meter.refusal().has_value());
  token_usage total{INT64_MAX, 1};
  total += token_usage{1, INT64_MAX};
  CHECK(total == token_usage{INT64_MAX, INT64_MAX});
  CHECK(total.total() == INT64_MAX);
}
