#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

TEST_CASE("sandbox removes every door to the host", "[sandbox]") {
  vm_harness harness;
  const char* absent[] = {"io",       "debug",      "package",    "dofile",
                          "loadfile", "os.execute", "os.remove",  "os.rename",
                          "os.exit",  "os.getenv",  "os.tmpname", "string.dump"};
  for (const char* name : absent) {
    SECTION(name) {
      const std::string code = std::string("return ") + name + " == nil";
      CHECK(run_value(harness, code) == json(true));
    }
  }
}

TEST_CASE("sandbox keeps the safe libraries and the clock", "[sandbox]") {
  vm_harness harness;
  const auto value = run_value(harness, R"(
    return {
      type(os.time()), type(os.clock()), type(os.date("%Y")),
      string.upper("a"), table.concat({1, 2}, ","), math.floor(2.5),
      utf8.char(228), type(coroutine.create), select("#", 1, 2)
    })");
  CHECK(value == json::array({"number", "number", "string", "A", "1,2", 2, "ä", "function", 2}));
}

TEST_CASE("load accepts source text and refuses binary chunks", "[sandbox]") {
  vm_harness harness;
  CHECK(run_value(harness, "return load('return 1 + 1')()") == json(2));
  CHECK(run_value(harness, "return load('return x', 'chunk', 't', {x = 7})()") == json(7));
  const auto refused = run_value(harness, R"(
    local f, err = load("\27Lua\84\0\25\147\13\10\26\10\4\8\8", "bin", "b")
    local g, err2 = load("\27Lua\84\0\25\147\13\10\26\10\4\8\8")
    return {f == nil, err, g == nil, err2})");
  CHECK(refused[0] == json(true));
  CHECK(refused[1].get<std::string>().find("binary") != std::string::npos);
  CHECK(refused[2] == json(true));
  CHECK(refused[3].get<std::string>().find("binary") != std::string::npos);
}

TEST_CASE("setmetatable refuses finalizers that would run outside any slice", "[sandbox]") {
  vm_harness harness;
  auto vm = harness.make("setmetatable({}, {__gc = function() while true do end end})");
  const auto& failed = require_failed(run_until_blocked(*vm));
  CHECK(failed.kind == failure_kind::lua_error);
  CHECK_THAT(failed.message, Catch::Contains("__gc metamethods are not available"));
  CHECK(
      run_value(harness, "return getmetatable(setmetatable({}, {__index = {a = 1}})).__index.a") ==
      json(1));
}

TEST_CASE("a memory bomb fails its own VM with memory_limit and spares another", "[sandbox]") {
  vm_harness harness;
  auto bystander = harness.make(
      "local t = {} for i = 1, 1000 do t[i] = i end "
      "return alc.llm('still here?') .. #t");
  require_llm_call(run_until_blocked(*bystander));

  auto opts = harness.options();
  opts.memory_limit = 8 << 20;
  SECTION("one huge string") {
    auto bomb = harness.make("return string.rep('x', 1e9)", json::object(), opts);
    const auto& failed = require_failed(run_until_blocked(*bomb));
    CHECK(failed.kind == failure_kind::memory_limit);
    CHECK_THAT(failed.message, Catch::Contains("8 MiB"));
  }
  SECTION("a string beyond Lua's own size limit") {
    auto bomb = harness.make("return string.rep('x', 1e12)", json::object(), opts);
    CHECK_THAT(require_failed(run_until_blocked(*bomb)).message,
               Catch::Contains("resulting string too large"));
  }
  SECTION("a growing table") {
    auto bomb = harness.make("local t = {} for i = 1, 1e9 do t[i] = {i} end", json::object(), opts);
    CHECK(require_failed(run_until_blocked(*bomb)).kind == failure_kind::memory_limit);
  }
  SECTION("an error the script catches still ends it") {
    auto bomb = harness.make(R"(
      local ok = pcall(string.rep, 'x', 1e9)
      return ok)",
                             json::object(), opts);
    CHECK(require_failed(run_until_blocked(*bomb)).kind == failure_kind::memory_limit);
  }
  SECTION("a huge ctx cannot be set up") {
    vm_error error;
    json big = json::object();
    big["blob"] = std::string(9 << 20, 'x');
    CHECK(script_vm::create("return 1", big, opts, error) == nullptr);
    CHECK(error.kind == failure_kind::memory_limit);
  }
  bystander->answer_llm({"yes "});
  CHECK(require_done(run_until_blocked(*bystander)) == json("yes 1000"));
}
