#include <thread>

#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

TEST_CASE("a spinning script is preempted slice after slice and can be abandoned", "[preempt]") {
  vm_harness harness;
  const char* spinners[] = {
      "while true do end",
      "local t = 0 while true do t = t + 1 end",
      "coroutine.wrap(function() while true do end end)()",
      "while true do pcall(function() while true do end end) end",
  };
  for (const char* code : spinners) {
    INFO(code);
    auto vm = harness.make(code);
    for (int slice = 0; slice < 5; ++slice) {
      CHECK(std::holds_alternative<step_preempted>(vm->step(1ms)));
    }
    vm.reset();  // abandoned mid-spin: nothing leaks, nothing crashes
  }
}

TEST_CASE("a preempted script continues where it stopped", "[preempt]") {
  vm_harness harness;
  auto vm = harness.make(R"(
    local n = 0
    for i = 1, 3e7 do n = n + 1 end
    return n)");
  int preemptions = 0;
  step_result result = vm->step(1ms);
  while (std::holds_alternative<step_preempted>(result)) {
    ++preemptions;
    result = vm->step(1ms);
  }
  CHECK(require_done(result) == json(30000000));
  CHECK(preemptions > 0);
}

TEST_CASE("a spinner runs into its CPU limit", "[preempt]") {
  vm_harness harness;
  auto opts = harness.options();
  opts.cpu_limit = 30ms;
  auto vm = harness.make("while true do end", json::object(), opts);
  const auto& failed = require_failed(run_until_blocked(*vm, 2ms, 1000));
  CHECK(failed.kind == failure_kind::cpu_limit);
  CHECK_THAT(failed.message, Catch::Contains("30 ms"));
}

TEST_CASE("spinning where Lua cannot yield ends after the grace period", "[preempt]") {
  vm_harness harness;
  auto opts = harness.options();
  opts.non_yieldable_grace = 50ms;
  auto vm = harness.make(R"(
    local ok = pcall(table.sort, {3, 1, 2}, function(a, b) while true do end end)
    while true do end)",
                         json::object(), opts);
  const auto& failed = require_failed(run_until_blocked(*vm, 2ms, 1000));
  CHECK(failed.kind == failure_kind::cpu_limit);
  CHECK_THAT(failed.message, Catch::Contains("cannot be interrupted"));
}

TEST_CASE("without a clock a VM runs each step to its next pause", "[preempt]") {
  vm_harness harness;
  auto opts = harness.options();
  opts.clock = nullptr;
  auto vm =
      harness.make("local n = 0 for i = 1, 1e6 do n = n + i end return n", json::object(), opts);
  CHECK(require_done(vm->step(1us)) == json(500000500000));
}

TEST_CASE("VMs on two threads are preempted independently", "[preempt]") {
  vm_harness harness;
  auto spin = [&harness] {
    auto vm = harness.make("while true do end");
    for (int i = 0; i < 20; ++i) REQUIRE(std::holds_alternative<step_preempted>(vm->step(1ms)));
  };
  std::thread a(spin);
  std::thread b(spin);
  a.join();
  b.join();
}

TEST_CASE("a preemption inside a coroutine after an llm call is not taken for a new call",
          "[preempt][llm]") {
  vm_harness harness;
  auto vm = harness.make("alc.llm('first') coroutine.wrap(function() while true do end end)()");
  require_llm_call(run_until_blocked(*vm));
  vm->answer_llm_single("ok");
  for (int slice = 0; slice < 5; ++slice) {
    CHECK(std::holds_alternative<step_preempted>(vm->step(1ms)));
  }
}
