#include <cstdlib>

#include "tests/actors/runtime_test_support.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

runtime_options with_dirs(const temp_dir& state, const temp_dir& packages) {
  auto opts = fast_options();
  opts.state_dir = (state.path() / "state").string();
  opts.package_paths = {packages.path().string()};
  return opts;
}

json run_to_done(const client& c, std::string code, json ctx = json::object()) {
  const auto id = spawn_ok(c, std::move(code), std::move(ctx));
  auto outcome = c.await(id, 10s);
  REQUIRE(outcome);
  if (const auto* failed = std::get_if<failed_state>(&*outcome)) FAIL(failed->message);
  REQUIRE(std::holds_alternative<done_state>(*outcome));
  return std::get<done_state>(*outcome).value;
}

}  // namespace

TEST_CASE("alc.state persists across sessions and runtimes, per namespace", "[stdlib][state]") {
  temp_dir state;
  temp_dir packages;
  {
    test_runtime rt(with_dirs(state, packages));
    CHECK(run_to_done(rt.client(), R"(
      alc.state.set("greeting", {text = "hi", n = 1})
      local fresh = alc.state.set_nx("once", true)
      local again = alc.state.set_nx("once", false)
      return {fresh, again, alc.state.incr("count"), alc.state.incr("count", 5)})") ==
          json::array({true, false, 1, 6}));
    CHECK(run_to_done(rt.client(), "alc.state.set('greeting', 'other ns') return 1",
                      {{"_ns", "second"}}) == json(1));
  }
  test_runtime rt(with_dirs(state, packages));
  CHECK(run_to_done(rt.client(), R"(
    local keys = alc.state.keys()
    table.sort(keys)
    return {alc.state.get("greeting").text, alc.state.get("missing", "dflt"),
            alc.state.has("count"), alc.state.delete("count"), alc.state.has("count"), keys})") ==
        json::array({"hi", "dflt", true, true, false, {"count", "greeting", "once"}}));
  CHECK(run_to_done(rt.client(), "return alc.state.get('greeting')", {{"_ns", "second"}}) ==
        json("other ns"));
}

TEST_CASE("any string is a state key; bad values and namespaces are Lua errors",
          "[stdlib][state]") {
  temp_dir state;
  temp_dir packages;
  test_runtime rt(with_dirs(state, packages));
  // Keys as real packages build them: from ctx, with ':' and '/'.
  CHECK(run_to_done(rt.client(), R"(
    local keys = {"flow:" .. ctx.id, "optimize_" .. ctx.name, "..", "", "a\\b"}
    for i, k in ipairs(keys) do alc.state.set(k, i) end
    local back = {}
    for i, k in ipairs(keys) do back[i] = alc.state.get(k) end
    return {back, alc.state.incr(7), alc.state.get("7")})",
                    {{"id", "x/1"}, {"name", "../run"}}) == json::array({{1, 2, 3, 4, 5}, 1, 1}));
  const auto errors = run_to_done(rt.client(), R"(
    local _, e1 = pcall(alc.state.set, "f", print)
    alc.state.set("text", "abc")
    local _, e2 = pcall(alc.state.incr, "text")
    local _, e3 = pcall(alc.state.get, nil)
    return {e1, e2, e3})");
  CHECK_THAT(errors[0].get<std::string>(), Catch::Contains("cannot encode function"));
  CHECK_THAT(errors[1].get<std::string>(), Catch::Contains("non-number"));
  CHECK_THAT(errors[2].get<std::string>(), Catch::Contains("string expected, got nil"));
  const auto id = spawn_ok(rt.client(), "return alc.state.get('k')", {{"_ns", "a/b"}});
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  REQUIRE(std::holds_alternative<failed_state>(*outcome));
  CHECK_THAT(std::get<failed_state>(*outcome).message, Catch::Contains("namespace 'a/b'"));
}

TEST_CASE("require loads packages from the package paths, once per session", "[stdlib][packages]") {
  temp_dir state;
  temp_dir packages;
  packages.write("greeter/init.lua", R"(
    local util = require("greeter.util")
    local M = {}
    function M.run(ctx) return util.shout(ctx.task or "nothing") end
    return M)");
  packages.write("greeter/util.lua", "return {shout = function(s) return s:upper() .. '!' end}");
  packages.write("broken/init.lua", "local x = \nreturn x");
  packages.write("flat.lua", "return {form = 'flat file'}");
  packages.write("nested/ir/init.lua",
                 "return {form = 'sub-package init', args = select('#', ...)}");
  packages.write("both.lua", "return 'both.lua wins'");
  packages.write("both/init.lua", "return 'both/init.lua loses'");
  packages.write("my-strategy/init.lua", "return 'dashes work'");
  packages.write("selfset/init.lua", "package.loaded['selfset'] = 'set by the module'");
  packages.write("failing/init.lua", "error('cannot start')");
  test_runtime rt(with_dirs(state, packages));
  CHECK(run_to_done(rt.client(),
                    "local a = require('greeter') local b = require('greeter') "
                    "return {a == b, a.run({task = 'hi'})}") == json::array({true, "HI!"}));
  // Both file forms for every name, N.lua first; a module file gets no arguments.
  CHECK(run_to_done(rt.client(),
                    "return {require('flat').form, require('nested.ir').form, "
                    "require('nested.ir').args, require('both'), require('my-strategy'), "
                    "require('selfset')}") ==
        json::array({"flat file", "sub-package init", 0, "both.lua wins", "dashes work",
                     "set by the module"}));
  // package.preload comes before the files; package.loaded is the module cache.
  CHECK(run_to_done(rt.client(),
                    "package.preload['flat'] = function(name, extra) return name .. extra end "
                    "local first = require('flat') "
                    "package.loaded['flat'] = nil package.preload['flat'] = nil "
                    "return {first, require('flat').form, package.loaded['flat'].form}") ==
        json::array({"flat:preload:", "flat file", "flat file"}));
  const auto errors = run_to_done(rt.client(), R"(
    local _, e1 = pcall(require, "missing")
    local _, e2 = pcall(require, "../etc/passwd")
    local _, e3 = pcall(require, "broken")
    local _, e4 = pcall(require, "failing")
    local _, e5 = pcall(require, "failing")
    return {e1, e2, e3, e4, e5})");
  CHECK_THAT(errors[0].get<std::string>(), Catch::Contains("module 'missing' not found"));
  CHECK_THAT(errors[0].get<std::string>(), Catch::Contains("missing.lua"));
  CHECK_THAT(errors[0].get<std::string>(), Catch::Contains("missing/init.lua"));
  CHECK_THAT(errors[1].get<std::string>(), Catch::Contains("invalid module name"));
  CHECK_THAT(errors[2].get<std::string>(), Catch::Contains("broken/init.lua:2:"));
  CHECK_THAT(errors[3].get<std::string>(), Catch::Contains("failing/init.lua:1: cannot start"));
  CHECK_THAT(errors[4].get<std::string>(), Catch::Contains("cannot start"));  // tried again
}

TEST_CASE("an advice spec runs require(strategy).run(ctx) with opts and the task in ctx",
          "[stdlib][packages]") {
  temp_dir state;
  temp_dir packages;
  packages.write("echo_task/init.lua", R"(
    return {run = function(ctx)
      local answer = alc.llm("Task: " .. ctx.task)
      return {task = ctx.task, answer = answer, depth = ctx.depth, opts = ctx.opts}
    end})");
  test_runtime rt(with_dirs(state, packages));
  session_spec spec;
  spec.kind = advice_spec{"echo_task", std::string("write a haiku"), {{"depth", 2}}};
  auto spawned = rt.client().spawn(spec);
  REQUIRE(spawned);
  const auto paused = wait_until_paused(rt.client(), spawned->id);
  CHECK(paused.info.prompts.at(0).prompt == "Task: write a haiku");
  REQUIRE(rt.client().resume(spawned->id, single_answer(paused.info.prompts[0].query_id, "ok")));
  auto outcome = rt.client().await(spawned->id, 10s);
  REQUIRE(outcome);
  // The opts' keys sit at the top of ctx, as in the original (no ctx.opts).
  CHECK(std::get<done_state>(*outcome).value ==
        json({{"task", "write a haiku"}, {"answer", "ok"}, {"depth", 2}}));
}

TEST_CASE("os.getenv reads the ALC_* variables of the runtime's start, nothing else",
          "[stdlib][sandbox]") {
  ::setenv("ALC_TEST_GETENV", "visible", 1);
  ::setenv("NOT_ALC_TEST_GETENV", "hidden", 1);
  test_runtime rt;
  ::setenv("ALC_TEST_GETENV", "changed later", 1);  // the runtime read it at start
  CHECK(
      run_to_done(rt.client(),
                  "return {os.getenv('ALC_TEST_GETENV'), os.getenv('NOT_ALC_TEST_GETENV') == nil, "
                  "os.getenv('HOME') == nil}") == json::array({"visible", true, true}));
  ::unsetenv("ALC_TEST_GETENV");
  ::unsetenv("NOT_ALC_TEST_GETENV");
}

TEST_CASE("progress, time and stats reach the script and the subscribers", "[stdlib]") {
  temp_dir state;
  temp_dir packages;
  test_runtime rt(with_dirs(state, packages));
  const auto id = spawn_ok(rt.client(), R"(
    alc.llm("gate")
    alc.progress(1, 3, "first")
    alc.progress(2, 3)
    alc.stats.record("score", 9)
    local t = alc.time()
    return {alc.stats.get("score"), alc.stats.llm_calls(), type(t), t > 1.7e9,
            alc.budget_remaining() == nil})");
  const auto paused = wait_until_paused(rt.client(), id);
  event_log log;
  auto sub = rt.client().subscribe(id, log.callback());
  REQUIRE(sub);
  REQUIRE(rt.client().resume(id, single_answer(paused.info.prompts[0].query_id, "go")));
  std::vector<progress_event> progress;
  for (const auto& event : log.wait_closed()) {
    if (const auto* p = std::get_if<progress_event>(&event.body)) progress.push_back(*p);
  }
  CHECK(progress ==
        std::vector<progress_event>{{1, 3, std::string("first")}, {2, 3, std::nullopt}});
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  CHECK(std::get<done_state>(*outcome).value == json::array({9, 1, "number", true, true}));
}

TEST_CASE("budget_remaining reports what is left of ctx.budget", "[stdlib]") {
  temp_dir state;
  temp_dir packages;
  test_runtime rt(with_dirs(state, packages));
  const auto id = spawn_ok(rt.client(),
                           "alc.llm('one') local r = alc.budget_remaining() "
                           "return {r.llm_calls, r.tokens, r.elapsed_ms}",
                           {{"budget", {{"max_llm_calls", 5}, {"max_tokens", 100}}}});
  const auto paused = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().resume(
      id, single_answer(paused.info.prompts[0].query_id, "x", token_usage{10, 20})));
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  CHECK(std::get<done_state>(*outcome).value == json::array({4, 70}));
}

TEST_CASE("tokens counted against max_tokens include the system text of the prompt",
          "[stdlib][budget]") {
  temp_dir state;
  temp_dir packages;
  test_runtime rt(with_dirs(state, packages));
  // Estimates: "abcd" 1, "abcdefghijkl" (the system text) 3, the answer "" 0.
  const auto id = spawn_ok(rt.client(),
                           "alc.llm('abcd', {system = 'abcdefghijkl'}) "
                           "return alc.budget_remaining().tokens",
                           {{"budget", {{"max_tokens", 100}}}});
  const auto paused = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().resume(id, single_answer(paused.info.prompts[0].query_id, "")));
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  CHECK(std::get<done_state>(*outcome).value == json(96));
}
