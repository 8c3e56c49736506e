#pragma once
// Shared helpers for the lua_bridge tests: build a VM, drive it, inspect results.

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "lua_bridge/chunk_cache.hpp"
#include "lua_bridge/preemption_clock.hpp"
#include "lua_bridge/script_vm.hpp"

namespace alc::test {

using namespace std::chrono_literals;

struct vm_harness {
  std::shared_ptr<chunk_cache> cache = std::make_shared<chunk_cache>();
  std::shared_ptr<preemption_clock> clock = std::make_shared<preemption_clock>(200us);
  /// Each log line with its severity (the level read by parse_log_level) ...
  std::shared_ptr<std::vector<std::pair<log_level, std::string>>> logs =
      std::make_shared<std::vector<std::pair<log_level, std::string>>>();
  /// ... and its level as the script gave it.
  std::shared_ptr<std::vector<std::string>> log_levels =
      std::make_shared<std::vector<std::string>>();

  vm_options options() const {
    vm_options opts;
    opts.chunks = cache;
    opts.clock = clock;
    auto sink = logs;
    auto levels = log_levels;
    opts.log = [sink, levels](std::string_view level, std::string_view text) {
      sink->emplace_back(parse_log_level(level), std::string(text));
      levels->emplace_back(level);
    };
    return opts;
  }

  std::unique_ptr<script_vm> make(std::string_view code,
                                  const nlohmann::json& ctx = nlohmann::json::object()) const {
    return make(code, ctx, options());
  }

  std::unique_ptr<script_vm> make(std::string_view code, const nlohmann::json& ctx,
                                  vm_options opts) const {
    vm_error error;
    auto vm = script_vm::create(code, ctx, std::move(opts), error);
    INFO("create failed: " << error.message);
    REQUIRE(vm != nullptr);
    return vm;
  }
};

/// Steps until the script ends or makes a host call (preemptions are skipped).
inline step_result run_until_blocked(script_vm& vm, std::chrono::microseconds slice = 2ms,
                                     int max_slices = 100'000) {
  for (int i = 0; i < max_slices; ++i) {
    auto result = vm.step(slice);
    if (!std::holds_alternative<step_preempted>(result)) return result;
  }
  FAIL("the script neither ended nor paused within " << max_slices << " slices");
  return step_preempted{};
}

inline llm_call require_llm_call(const step_result& result) {
  if (const auto* failed = std::get_if<step_failed>(&result)) {
    FAIL("expected an llm call, the script failed: " << failed->message);
  }
  REQUIRE(std::holds_alternative<step_host_call>(result));
  const host_call* request = std::get<step_host_call>(result).request;
  REQUIRE(request != nullptr);
  REQUIRE(std::holds_alternative<llm_call>(*request));
  return std::get<llm_call>(*request);
}

inline nlohmann::json require_done(const step_result& result) {
  if (const auto* failed = std::get_if<step_failed>(&result)) {
    FAIL("expected done, the script failed: " << failed->message);
  }
  REQUIRE(std::holds_alternative<step_done>(result));
  return std::get<step_done>(result).value;
}

inline step_failed require_failed(const step_result& result) {
  if (const auto* done = std::get_if<step_done>(&result)) {
    FAIL("expected a failure, the script returned " << done->value.dump());
  }
  REQUIRE(std::holds_alternative<step_failed>(result));
  return std::get<step_failed>(result);
}

/// Runs a script that makes no host calls and returns its result.
inline nlohmann::json run_value(const vm_harness& harness, std::string_view code,
                                const nlohmann::json& ctx = nlohmann::json::object()) {
  auto vm = harness.make(code, ctx);
  return require_done(run_until_blocked(*vm));
}

}  // namespace alc::test
