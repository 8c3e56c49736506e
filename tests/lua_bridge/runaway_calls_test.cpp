// A C function that runs as long as its arguments say, or script code that
// Lua runs where no hook fires, still ends: within the grace period of a
// call that cannot yield, then with cpu_limit, whatever pcall the script
// wraps around it. Each script runs in a child process (isolated_run.hpp),
// so a regression fails the test instead of hanging it.
#include <string>

#include "tests/lua_bridge/isolated_run.hpp"

using namespace alc;
using namespace alc::test;
using namespace std::chrono_literals;

namespace {

// The child's CPU limit is far away (10 s): only the grace period (100 ms)
// can end these, well before the 5 s wall limit.
std::string run(const std::string& code) {
  const isolated_outcome outcome = run_isolated(code, 10s, 5s);
  INFO(code);
  CHECK(outcome.finished);
  return outcome.report;
}

}  // namespace

TEST_CASE("table.move, insert and remove over a range the script names end with cpu_limit",
          "[runaway]") {
  const char* codes[] = {
      "return #table.move({}, 1, 1 << 62, 1, {})",
      "return pcall(table.move, {}, 1, 1 << 62, 1, {})",
      "local t = {} table.move(t, 1, 1 << 62, 2) return 1",
      "table.insert(setmetatable({}, {__len = function() return 1 << 62 end}), 1, 'x') return 1",
      "table.remove(setmetatable({}, {__len = function() return 1 << 62 end}), 1) return 1",
  };
  for (const char* code : codes) {
    CHECK_THAT(run(code), Catch::StartsWith("failed: cpu_limit") &&
                              Catch::Contains("library function that cannot be interrupted"));
  }
}

TEST_CASE("a C loop calling C functions (a comparator, an __index) ends with cpu_limit",
          "[runaway]") {
  const char* codes[] = {
      // a comparator that is a C function: no instruction runs, calls do
      "table.sort(setmetatable({}, {__len = function() return (1 << 31) - 2 end}), math.type) "
      "return 1",
      // each element read calls table.concat itself, which returns "" at once
      "local t = setmetatable({}, {__index = table.concat}) "
      "return #table.concat(t, '', 1, 1 << 62)",
  };
  for (const char* code : codes) CHECK_THAT(run(code), Catch::StartsWith("failed: cpu_limit"));
}

TEST_CASE("a coroutine spinning while its resumer cannot yield ends with cpu_limit", "[runaway]") {
  // The coroutine itself could always yield: its resumer counts the grace.
  CHECK_THAT(run("table.sort({1, 2, 3}, function() "
                 "return coroutine.wrap(function() while true do end end)() end) "
                 "return 1"),
             Catch::StartsWith("failed: cpu_limit"));
}

TEST_CASE("script code Lua runs with hooks off never runs in a condemned session", "[runaway]") {
  const char* spin = "function() while true do end end";
  const std::string codes[] = {
      // the handler runs again for the error the hook raises
      std::string("xpcall(error, ") + spin + ", 'x') return 1",
      // a __close run by coroutine.close runs in the closed coroutine
      std::string("local co = coroutine.create(function() local c <close> = ") +
          "setmetatable({}, {__close = " + spin + "}) coroutine.yield() end) " +
          "coroutine.resume(co) return coroutine.close(co)",
      // the coroutine died of the hook's error (raised in a comparator,
      // where it cannot yield): its hooks stay off
      std::string("local co = coroutine.create(function() local c <close> = ") +
          "setmetatable({}, {__close = " + spin + "}) " + "table.sort({1, 2, 3}, " + spin +
          ") end) " + "coroutine.resume(co) return coroutine.close(co)",
      std::string("local f = coroutine.wrap(function() local c <close> = ") +
          "setmetatable({}, {__close = " + spin + "}) " + "table.sort({1, 2, 3}, " + spin +
          ") end) " + "return pcall(f)",
  };
  for (const auto& code : codes) CHECK_THAT(run(code), Catch::StartsWith("failed: cpu_limit"));
}

TEST_CASE("alc.match_enum over words too long to compare in time ends with cpu_limit",
          "[runaway]") {
  CHECK_THAT(run("return alc.match_enum(string.rep('a b ', 1 << 18), "
                 "{string.rep('b', 1 << 20), string.rep('c', 1 << 19)})"),
             Catch::StartsWith("failed: cpu_limit"));
}

TEST_CASE("alc.math.kendall_tau over arrays too long to compare pairwise ends with cpu_limit",
          "[runaway]") {
  CHECK_THAT(
      run("local xs, ys = {}, {} for i = 1, 60000 do xs[i] = i ys[i] = (i * 7919) % 60000 end "
          "return alc.math.kendall_tau(xs, ys)"),
      Catch::StartsWith("failed: cpu_limit"));
}

TEST_CASE("a long C loop within the grace period completes past its slice", "[runaway]") {
  // About 10 ms of copying, over many 2 ms slices: no yield is possible
  // inside, and none is needed.
  CHECK(run("local t = {} for i = 1, 300000 do t[i] = i end "
            "local u = table.move(t, 1, #t, 1, {}) return #u") == "done: 300000");
}
