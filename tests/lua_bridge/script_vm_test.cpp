#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

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
      {"alc.llm({})", "alc.llm: prompt must be a string, got table"},
      {"alc.llm()", "alc.llm: prompt must be a string, got nil"},
      {"alc.llm('p', 'x')", "alc.llm: opts must be a table, got string"},
      {"alc.llm_batch({})", "alc.llm_batch: empty items array"},
      {"alc.llm_batch({{prompt = 'a'}, {system = 'x'}})",
       "alc.llm_batch: item 2: prompt must be a string, got nil"},
      {"alc.llm_batch({{prompt = true}})",
       "alc.llm_batch: item 1: prompt must be a string, got boolean"},
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

TEST_CASE("alc.llm reads its options as the original: text, max_tokens and flags", "[vm][llm]") {
  vm_harness harness;
  auto vm = harness.make(R"(
    local function ask(opts) return alc.llm("p", opts) end
    ask({system = 7, role = 2.5, cache_breakpoint = 3})     -- numbers become text
    ask({system = {}, role = true, cache_breakpoint = print})  -- other types are ignored
    ask({max_tokens = 99.9})                                  -- truncated
    ask({max_tokens = "300"})                                 -- a numeric string converted
    ask({max_tokens = -5})                                    -- negative: the default
    ask({max_tokens = 0})                                     -- zero: the default
    ask({max_tokens = 2^32})                                  -- past 2^32 - 1: the default
    ask({max_tokens = 0/0})                                   -- NaN: the default
    ask({max_tokens = "many"})                                -- not a number: the default
    ask({max_tokens = 4294967295, grounded = 1, underspecified = ""})  -- truthy flags
    ask({grounded = false, underspecified = nil})
    return alc.llm(42))");
  std::vector<llm_query> seen;
  for (;;) {
    auto result = run_until_blocked(*vm);
    if (std::holds_alternative<step_done>(result)) {
      CHECK(std::get<step_done>(result).value == json("last"));
      break;
    }
    seen.push_back(require_llm_call(result).queries.at(0));
    vm->answer_llm_single(seen.size() == 12 ? "last" : "ok");
  }
  REQUIRE(seen.size() == 12);
  CHECK(seen[0].system == std::optional<std::string>("7"));
  CHECK(seen[0].role == std::optional<std::string>("2.5"));
  CHECK(seen[0].cache_breakpoint == std::optional<std::string>("3"));
  CHECK_FALSE(seen[1].system.has_value());
  CHECK_FALSE(seen[1].role.has_value());
  CHECK_FALSE(seen[1].cache_breakpoint.has_value());
  const int64_t expected_tokens[] = {99, 300, 1024, 1024, 1024, 1024, 1024, 4294967295};
  for (std::size_t i = 0; i < std::size(expected_tokens); ++i) {
    INFO("call " << i + 3);
    CHECK(seen[i + 2].max_tokens == expected_tokens[i]);
  }
  CHECK(seen[9].grounded);
  CHECK(seen[9].underspecified);
  CHECK_FALSE(seen[10].grounded);
  CHECK_FALSE(seen[10].underspecified);
  CHECK(seen[11].prompt == "42");  // a number prompt is its text
}

TEST_CASE("alc.llm_batch takes an item's text options only when they are real strings",
          "[vm][llm]") {
  vm_harness harness;
  auto vm = harness.make(R"(
    return alc.llm_batch({
      {prompt = "a", system = "sys", role = "critic", cache_breakpoint = "c1", max_tokens = 12.7},
      {prompt = 5, system = 5, role = 6, cache_breakpoint = 7, max_tokens = -1},
    }))");
  const auto call = require_llm_call(run_until_blocked(*vm));
  REQUIRE(call.queries.size() == 2);
  CHECK(call.queries[0].system == std::optional<std::string>("sys"));
  CHECK(call.queries[0].role == std::optional<std::string>("critic"));
  CHECK(call.queries[0].cache_breakpoint == std::optional<std::string>("c1"));
  CHECK(call.queries[0].max_tokens == 12);
  CHECK(call.queries[1].prompt == "5");
  CHECK_FALSE(call.queries[1].system.has_value());
  CHECK_FALSE(call.queries[1].role.has_value());
  CHECK_FALSE(call.queries[1].cache_breakpoint.has_value());
  CHECK(call.queries[1].max_tokens == 1024);
  vm->answer_llm({"x", "y"});
  CHECK(require_done(run_until_blocked(*vm)) == json::array({"x", "y"}));
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

TEST_CASE("the alc table's lazy __index refuses what is not a table instead of crashing",
          "[vm][isolation]") {
  vm_harness harness;
  CHECK(run_value(harness, R"(
    local index = getmetatable(alc).__index
    local ok1, e1 = pcall(index, 0, "x")
    local ok2 = pcall(index, nil, nil)
    local ok3 = pcall(index)
    local _ = alc.state  -- opens the extensions: alc.state has the same __index
    local state_mt = getmetatable(alc.state)
    local ok4 = state_mt == nil or not pcall(state_mt.__index, "s", 1)
    return {ok1, e1:match("bad argument #1") ~= nil, ok2, ok3, ok4})") ==
        json::array({false, true, false, false, true}));
}

TEST_CASE("a coroutine whose host call was abandoned never gets a made-up answer",
          "[vm][isolation]") {
  vm_harness harness;
  // The coroutine pauses inside alc.llm while a gsub callback resumes it,
  // where nothing can pause: the call is refused. Resumed again later, it
  // must fail, not read a stale or forged answer. Once with an earlier
  // answered call (whose answer must not come back), and for each kind of call.
  for (const char* call : {"alc.llm('q')", "alc.llm_batch({{prompt = 'q'}})",
                           "alc.state.get('k', 'forged default')"}) {
    INFO(call);
    const std::string code = std::string(R"(
      local first = alc.llm("warm up")
      local co = coroutine.create(function() return )") +
                             call + R"( end)
      local inside = pcall(string.gsub, "a", "a", function() coroutine.resume(co) return "x" end)
      local ok, value = coroutine.resume(co)
      return {first, inside, ok, type(value) == "string" and value:match("abandoned") ~= nil,
              coroutine.status(co)})";
    auto vm = harness.make(code);
    require_llm_call(run_until_blocked(*vm));
    vm->answer_llm({"first answer"});
    CHECK(require_done(run_until_blocked(*vm)) ==
          json::array({"first answer", false, false, true, "dead"}));
  }
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
  CHECK(*harness.log_levels == std::vector<std::string>{"warn", "shout", "error", "debug", "info"});
}

TEST_CASE("alc.log keeps a string or number level verbatim and logs any message via tostring",
          "[vm]") {
  vm_harness harness;
  CHECK(run_value(harness, R"(
    alc.log("trace", "a")
    alc.log(3, "b")
    alc.log(2.5, 7)
    alc.log(nil, "no level")
    alc.log({}, "table level")
    alc.log("warn")
    alc.log.warn(setmetatable({}, {__tostring = function() return "shown" end}))
    alc.log("info", {})
    return type(alc.log) == "table" and type(alc.log.warn) == "function")") == json(true));
  CHECK(*harness.log_levels ==
        std::vector<std::string>{"trace", "3", "2.5", "info", "info", "warn", "warn", "info"});
  REQUIRE(harness.logs->size() == 8);
  CHECK(harness.logs->at(0) == std::make_pair(log_level::info, std::string("a")));  // unknown
  CHECK(harness.logs->at(1) == std::make_pair(log_level::info, std::string("b")));
  CHECK(harness.logs->at(2).second == "7");
  CHECK(harness.logs->at(3).second == "no level");
  CHECK(harness.logs->at(5) == std::make_pair(log_level::warn, std::string("nil")));
  CHECK(harness.logs->at(6).second == "shown");
  CHECK_THAT(harness.logs->at(7).second, Catch::Matches("table: 0x[0-9a-f]+"));
}

TEST_CASE("alc.progress truncates float counts and refuses negative or non-numeric ones", "[vm]") {
  vm_harness harness;
  auto seen = std::make_shared<std::vector<std::tuple<int64_t, int64_t, std::string>>>();
  auto options = harness.options();
  options.progress = [seen](int64_t step, int64_t total, std::optional<std::string_view> text) {
    seen->emplace_back(step, total, text ? std::string(*text) : std::string("<none>"));
  };
  auto vm = harness.make(R"(
    alc.progress(2.9, 10.0, "m")
    alc.progress("3", 4)
    alc.progress(-0.5, 1, 5)
    local errors = {}
    for _, args in ipairs({{-1, 2}, {1, 0/0}, {1}, {{}, 1}, {1, "x"}}) do
      local ok, e = pcall(alc.progress, table.unpack(args, 1, 2))
      errors[#errors + 1] = not ok and e or "accepted"
    end
    return errors)",
                         json::object(), options);
  const auto errors = require_done(run_until_blocked(*vm));
  using entry = std::tuple<int64_t, int64_t, std::string>;
  CHECK(*seen == std::vector<entry>{{2, 10, "m"}, {3, 4, "<none>"}, {0, 1, "5"}});
  REQUIRE(errors.size() == 5);
  CHECK_THAT(errors[0].get<std::string>(),
             Catch::Contains("alc.progress: step must be a non-negative integer, got -1"));
  CHECK_THAT(errors[1].get<std::string>(),
             Catch::Contains("alc.progress: total must be a non-negative integer, got "));
  CHECK_THAT(errors[2].get<std::string>(), Catch::Contains("total must be a non-negative integer, "
                                                           "got nil"));
  CHECK_THAT(errors[3].get<std::string>(), Catch::Contains("step must be a non-negative integer, "
                                                           "got table"));
  CHECK_THAT(errors[4].get<std::string>(), Catch::Contains("total must be a non-negative integer, "
                                                           "got string"));
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

TEST_CASE("alc.state keys are any string (numbers as text); the namespace is still checked",
          "[vm][state]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    alc.state.get("a/b")
    alc.state.set("..", 1)
    alc.state.has("")
    alc.state.delete("x\0y")
    alc.state.get(12)
    alc.state.incr("n", "2", "0.5")
    local ok, e = pcall(alc.state.incr, "n", "lots")
    return e)lua");
  const std::string keys[] = {"a/b", "..", "", std::string("x\0y", 3), "12"};
  for (const auto& key : keys) {
    INFO(key);
    CHECK(require_call<state_call>(run_until_blocked(*vm)).key == key);
    vm->answer_value(nullptr);
  }
  const auto incr = require_call<state_call>(run_until_blocked(*vm));
  CHECK(incr.delta == json(2));  // numeric strings reach the store as numbers
  CHECK(incr.delta.is_number_integer());
  CHECK(incr.initial == json(0.5));
  vm->answer_value(2.5);
  CHECK_THAT(require_done(run_until_blocked(*vm)).get<std::string>(),
             Catch::Contains("number expected, got string"));

  auto options = harness.options();
  options.state_namespace = "a/b";
  auto bad_ns = harness.make("return alc.state.get('k')", json::object(), options);
  CHECK_THAT(require_failed(run_until_blocked(*bad_ns)).message,
             Catch::Contains("alc.state.get: namespace 'a/b' contains '/'"));
  const auto invalid_utf8 =
      require_failed(run_until_blocked(*harness.make("alc.state.get('\255')")));
  CHECK_THAT(invalid_utf8.message, Catch::Contains("alc.state.get.key: invalid UTF-8"));
}

TEST_CASE("a state value without a JSON form fails in the script, naming its path", "[vm][state]") {
  vm_harness harness;
  const auto failed =
      require_failed(run_until_blocked(*harness.make("alc.state.set('k', {f = print})")));
  CHECK_THAT(failed.message, Catch::Contains("alc.state.set.value.f: cannot encode function"));
}

TEST_CASE("alc.fork refuses more strategies than the fan-out limit, before any child starts",
          "[vm][fork][isolation]") {
  vm_harness harness;
  auto opts = harness.options();
  opts.max_fork_children = 3;
  auto vm = harness.make(R"lua(
    local ok, e = pcall(alc.fork, {"a", "b", "c", "d"})
    return {ok, e})lua",
                         json::object(), opts);
  const json out = require_done(run_until_blocked(*vm));
  CHECK(out[0] == false);
  CHECK_THAT(out[1].get<std::string>(),
             Catch::Contains("4 strategies exceed the fan-out limit of 3 child sessions "
                             "(alc.max-fork-children)"));
  // At the limit, the call is made.
  auto at_limit = harness.make("return alc.fork({'a', 'b', 'c'})", json::object(), opts);
  CHECK(require_call<fork_call>(run_until_blocked(*at_limit)).strategies.size() == 3);
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
