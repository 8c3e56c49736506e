#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

TEST_CASE("the script is a function body: top-level return ends it", "[vm]") {
  vm_harness harness;
  CHECK(run_value(harness, "return 42") == json(42));
  CHECK(run_value(harness, "local x = 1") == json(nullptr));
  CHECK(run_value(harness, "return 1, 2") == json(1));
  CHECK(run_value(harness, "return select('#', ...)") == json(0));
}

TEST_CASE("errors carry the script's own line numbers and a traceback", "[vm]") {
  vm_harness harness;
  auto vm = harness.make("local x = 1\nlocal y = 2\nerror('boom')");
  const auto& failed = require_failed(run_until_blocked(*vm));
  CHECK(failed.kind == failure_kind::lua_error);
  CHECK_THAT(failed.message, Catch::StartsWith("script:3: boom"));
  CHECK_THAT(failed.message, Catch::Contains("stack traceback:"));
}

TEST_CASE("a non-string error object is described without running script code", "[vm]") {
  vm_harness harness;
  auto vm =
      harness.make("error(setmetatable({}, {__tostring = function() while true do end end}))");
  CHECK_THAT(require_failed(run_until_blocked(*vm)).message,
             Catch::StartsWith("(error object is a table value)"));
}

TEST_CASE("a syntax error is reported at creation with its line", "[vm]") {
  vm_harness harness;
  vm_error error;
  auto vm = script_vm::create("local a = 1\n\nlocal = 3", json::object(), harness.options(), error);
  CHECK(vm == nullptr);
  CHECK(error.kind == failure_kind::lua_error);
  CHECK_THAT(error.message, Catch::StartsWith("script:3:"));
}

TEST_CASE("ctx is injected from JSON with null as nil", "[vm]") {
  vm_harness harness;
  const json ctx = {{"a", 1}, {"b", {{"c", 2.5}}}, {"n", nullptr}, {"list", {1, nullptr, 3}}};
  CHECK(run_value(harness, "return ctx.a + ctx.b.c", ctx) == json(3.5));
  CHECK(run_value(harness, "return ctx.n == nil and ctx.list[2] == nil and ctx.list[3] == 3",
                  ctx) == json(true));
  CHECK(run_value(harness, "return next(ctx) == nil", json(nullptr)) == json(true));
}

TEST_CASE("alc.llm pauses with its query and resumes with the answer", "[vm][llm]") {
  vm_harness harness;
  auto vm = harness.make(R"(
    local a = alc.llm("first?", {system = "be brief", max_tokens = 64, grounded = true,
                                 role = "critic", cache_breakpoint = "p1", unknown = 1})
    local b = alc.llm("second?")
    return a .. "+" .. b)");
  const auto& first = require_llm_call(run_until_blocked(*vm));
  REQUIRE(first.queries.size() == 1);
  CHECK(first.kind == pause_kind::single);
  const llm_query& q = first.queries[0];
  CHECK(q.query_id == "q-0");
  CHECK(q.prompt == "first?");
  CHECK(q.system == std::optional<std::string>("be brief"));
  CHECK(q.max_tokens == 64);
  CHECK(q.grounded);
  CHECK_FALSE(q.underspecified);
  CHECK(q.role == std::optional<std::string>("critic"));
  CHECK(q.cache_breakpoint == std::optional<std::string>("p1"));
  vm->answer_llm({"A"});
  const auto& second = require_llm_call(run_until_blocked(*vm));
  CHECK(second.queries.at(0).query_id == "q-1");
  CHECK(second.queries.at(0).max_tokens == 1024);
  CHECK_FALSE(second.queries.at(0).system.has_value());
  vm->answer_llm({"B"});
  CHECK(require_done(run_until_blocked(*vm)) == json("A+B"));
}

TEST_CASE("alc.llm validates its arguments with clear errors", "[vm][llm]") {
  vm_harness harness;
  const std::pair<const char*, const char*> cases[] = {
      {"alc.llm(42)", "alc.llm: prompt must be a string, got number"},
      {"alc.llm('p', 'x')", "alc.llm: opts must be a table, got string"},
      {"alc.llm('p', {system = 1})", "alc.llm: system must be a string, got number"},
      {"alc.llm('p', {max_tokens = -1})", "alc.llm: max_tokens must be a positive integer"},
      {"alc.llm_batch({})", "alc.llm_batch: empty items array"},
      {"alc.llm_batch({{system = 'x'}})", "alc.llm_batch: prompt must be a string, got nil"},
      {"alc.llm_batch({'p'})", "alc.llm_batch: item 1 must be a table with a prompt, got string"},
      {"table.sort({2, 1}, function(a, b) alc.llm('p') return a < b end)",
       "alc.llm: the session cannot pause here"},
  };
  for (const auto& [code, expected] : cases) {
    INFO(code);
    auto vm = harness.make(code);
    CHECK_THAT(require_failed(run_until_blocked(*vm)).message, Catch::Contains(expected));
  }
}

TEST_CASE("alc.llm works inside pcall and the script's own coroutines", "[vm][llm]") {
  vm_harness harness;
  const char* scripts[] = {
      "local ok, v = pcall(alc.llm, 'p') return v",
      "local ok, v = pcall(function() return alc.llm('p') end) return v",
      "return coroutine.wrap(function() return alc.llm('p') end)()",
      "local co = coroutine.create(function() return alc.llm('p') end) "
      "local ok, v = coroutine.resume(co) return v",
      // two levels deep, with the script's own yields interleaved
      "local outer = coroutine.wrap(function() "
      "  local inner = coroutine.wrap(function() coroutine.yield('x') return alc.llm('p') end) "
      "  local first = inner() coroutine.yield(first) return inner() end) "
      "local a = outer() local b = outer() return (a == 'x' and b) or 'wrong'",
  };
  for (const char* code : scripts) {
    INFO(code);
    auto vm = harness.make(code);
    require_llm_call(run_until_blocked(*vm));
    vm->answer_llm({"answer"});
    CHECK(require_done(run_until_blocked(*vm)) == json("answer"));
  }
}

TEST_CASE("the script's own coroutines keep their ordinary semantics", "[vm]") {
  vm_harness harness;
  CHECK(run_value(harness, R"(
    local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
    local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
    local _, x = coroutine.resume(co, 1)
    local _, y = coroutine.resume(co, 10)
    local dead_ok, dead_msg = coroutine.resume(co)
    local err_ok, err = pcall(coroutine.wrap(function() error("inner", 0) end))
    return {gen(), gen(), gen(), x, y, dead_ok, dead_msg, err_ok, err}
  )") == json::array({1, 2, 3, 2, 20, false, "cannot resume dead coroutine", false, "inner"}));
}

TEST_CASE("a yield at the top level fails the session clearly", "[vm]") {
  vm_harness harness;
  auto vm = harness.make("coroutine.yield(1)");
  CHECK_THAT(require_failed(run_until_blocked(*vm)).message,
             Catch::Contains("outside any coroutine"));
}

TEST_CASE("alc.llm_batch pauses once and returns answers in input order", "[vm][llm]") {
  vm_harness harness;
  auto vm = harness.make(R"(
    local first = alc.llm("warm-up")
    local out = alc.llm_batch({{prompt = "a"}, {prompt = "b", system = "s"}, {prompt = "c"}})
    local one = alc.llm_batch({{prompt = "solo"}})
    return {first, out, one})");
  require_llm_call(run_until_blocked(*vm));
  vm->answer_llm({"w"});
  const auto& batch = require_llm_call(run_until_blocked(*vm));
  CHECK(batch.kind == pause_kind::batch);
  REQUIRE(batch.queries.size() == 3);
  CHECK(batch.queries[0].query_id == "q-1");
  CHECK(batch.queries[1].query_id == "q-2");
  CHECK(batch.queries[2].query_id == "q-3");
  CHECK(batch.queries[1].system == std::optional<std::string>("s"));
  vm->answer_llm({"A", "B", "C"});
  const auto& single = require_llm_call(run_until_blocked(*vm));
  CHECK(single.kind == pause_kind::single);
  CHECK(single.queries.at(0).query_id == "q-4");
  vm->answer_llm({"S"});
  CHECK(require_done(run_until_blocked(*vm)) == json::array({"w", {"A", "B", "C"}, {"S"}}));
}

TEST_CASE("a host error is a catchable Lua error at the calling line", "[vm][llm]") {
  vm_harness harness;
  auto vm = harness.make("\nlocal ok, err = pcall(alc.llm, 'p')\nreturn {ok, err, alc.llm('q')}");
  require_llm_call(run_until_blocked(*vm));
  vm->answer_error("provider unavailable");
  require_llm_call(run_until_blocked(*vm));
  vm->answer_llm({"fine"});
  const auto value = require_done(run_until_blocked(*vm));
  CHECK(value[0] == json(false));
  CHECK_THAT(value[1].get<std::string>(), Catch::Contains("provider unavailable"));
  CHECK(value[2] == json("fine"));
}

TEST_CASE("answering out of turn is a programming error, not a crash", "[vm][llm]") {
  vm_harness harness;
  auto vm = harness.make("return alc.llm_batch({{prompt = 'a'}, {prompt = 'b'}})");
  CHECK_THROWS_AS(vm->answer_llm({"early"}), std::logic_error);
  require_llm_call(run_until_blocked(*vm));
  CHECK_THROWS_AS(vm->step(1ms), std::logic_error);
  CHECK_THROWS_AS(vm->answer_llm({"only one"}), std::logic_error);
  CHECK_THROWS_AS(vm->answer_value(1), std::logic_error);
  vm->answer_llm({"a", "b"});
  CHECK(require_done(run_until_blocked(*vm)) == json::array({"a", "b"}));
  CHECK_THROWS_AS(vm->step(1ms), std::logic_error);
}

TEST_CASE("log and print go to the VM's log sink, never to stdout", "[vm]") {
  vm_harness harness;
  run_value(harness, R"(
    alc.log("warn", "careful")
    alc.log("shout", "unknown level")
    alc.log.error("bad")
    alc.log.debug(42)
    print("a", 1, nil, true))");
  const std::vector<std::pair<log_level, std::string>> expected = {
      {log_level::warn, "careful"}, {log_level::info, "unknown level"},   {log_level::error, "bad"},
      {log_level::debug, "42"},     {log_level::info, "a\t1\tnil\ttrue"},
  };
  CHECK(*harness.logs == expected);
}

TEST_CASE("identical script text is compiled once per cache", "[vm][cache]") {
  vm_harness harness;
  const char* code = "local x = 1\nerror('line two')";
  for (int i = 0; i < 3; ++i) {
    auto vm = harness.make(code);
    CHECK_THAT(require_failed(run_until_blocked(*vm)).message, Catch::StartsWith("script:2:"));
  }
  CHECK(harness.cache->entries() == 1);
  CHECK(harness.cache->misses() == 1);
  CHECK(harness.cache->hits() == 2);
}

TEST_CASE("a finished VM releases its Lua memory", "[vm]") {
  vm_harness harness;
  auto vm = harness.make("local t = {} for i = 1, 10000 do t[i] = i end return #t");
  CHECK(vm->memory_used() > 0);
  CHECK(require_done(run_until_blocked(*vm)) == json(10000));
  CHECK(vm->memory_used() == 0);
}

namespace {

template <class Call>
Call require_call(const step_result& result) {
  if (const auto* failed = std::get_if<step_failed>(&result)) {
    FAIL("expected a host call, the script failed: " << failed->message);
  }
  REQUIRE(std::holds_alternative<step_host_call>(result));
  const host_call* request = std::get<step_host_call>(result).request;
  REQUIRE(request != nullptr);
  REQUIRE(std::holds_alternative<Call>(*request));
  return std::get<Call>(*request);
}

}  // namespace

TEST_CASE("alc.state calls reach the host typed, with their defaults filled in", "[vm][state]") {
  vm_harness harness;
  auto options = harness.options();
  options.state_namespace = "team";
  auto vm = harness.make(R"lua(
    local t = {}
    t[1] = alc.state.get("a", "fallback")
    t[2] = alc.state.set("b", nil)
    t[3] = alc.state.set_nx("c", {1, 2})
    t[4] = alc.state.keys()
    t[5] = alc.state.delete("d")
    t[6] = alc.state.has("e")
    t[7] = alc.state.incr("f")
    t[8] = alc.state.incr("g", 0.5, 10)
    return t)lua",
                         json::object(), options);
  const auto get = require_call<state_call>(run_until_blocked(*vm));
  CHECK(get == state_call{state_op::get, "team", "a", nullptr, nullptr, nullptr});
  vm->answer_value(nullptr);  // absent: the script's default
  CHECK(require_call<state_call>(run_until_blocked(*vm)) ==
        state_call{state_op::set, "team", "b", nullptr, nullptr, nullptr});
  vm->answer_value("ignored");  // set returns nothing
  CHECK(require_call<state_call>(run_until_blocked(*vm)) ==
        state_call{state_op::set_nx, "team", "c", {1, 2}, nullptr, nullptr});
  vm->answer_value(true);
  CHECK(require_call<state_call>(run_until_blocked(*vm)) ==
        state_call{state_op::keys, "team", "", nullptr, nullptr, nullptr});
  vm->answer_value(json::array({"x"}));
  CHECK(require_call<state_call>(run_until_blocked(*vm)).op == state_op::erase);
  vm->answer_value(false);
  CHECK(require_call<state_call>(run_until_blocked(*vm)).op == state_op::has);
  CHECK_THROWS_AS(vm->answer_llm({"wrong kind"}), std::logic_error);
  vm->answer_value(true);
  CHECK(require_call<state_call>(run_until_blocked(*vm)) ==
        state_call{state_op::incr, "team", "f", nullptr, 1, 0});
  vm->answer_value(1);
  CHECK(require_call<state_call>(run_until_blocked(*vm)) ==
        state_call{state_op::incr, "team", "g", nullptr, 0.5, 10});
  vm->answer_value(10.5);
  CHECK(require_done(run_until_blocked(*vm)) == json({{"1", "fallback"},
                                                      {"3", true},
                                                      {"4", {"x"}},
                                                      {"5", false},
                                                      {"6", true},
                                                      {"7", 1},
                                                      {"8", 10.5}}));
}

TEST_CASE("a state value without a JSON form fails in the script, naming its path", "[vm][state]") {
  vm_harness harness;
  const auto failed =
      require_failed(run_until_blocked(*harness.make("alc.state.set('k', {f = print})")));
  CHECK_THAT(failed.message, Catch::Contains("alc.state.set.value.f: cannot encode function"));
}

TEST_CASE("alc.fork reaches the host as a fork_call", "[vm][fork]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local a = alc.fork({"cot", "tot"}, {task = "t"}, {on_error = "abort"})
    local b = alc.fork({"cot"})
    return {a, b})lua");
  const auto first = require_call<fork_call>(run_until_blocked(*vm));
  CHECK(first.strategies == std::vector<std::string>{"cot", "tot"});
  CHECK(first.ctx == json({{"task", "t"}}));
  CHECK(first.abort_on_error);
  CHECK_THROWS_AS(vm->answer_llm_single("wrong kind"), std::logic_error);
  vm->answer_value(json::array({1}));
  const auto second = require_call<fork_call>(run_until_blocked(*vm));
  CHECK(second.strategies == std::vector<std::string>{"cot"});
  CHECK(second.ctx == json::object());
  CHECK_FALSE(second.abort_on_error);
  vm->answer_value(json::array({2}));
  CHECK(require_done(run_until_blocked(*vm)) == json::array({{1}, {2}}));
}
