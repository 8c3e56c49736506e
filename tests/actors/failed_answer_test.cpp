// A host that cannot answer a query resumes it with an error: the script's
// alc.llm / alc.llm_batch raises it (pcall sees it), uncaught it fails the
// session, and a fork child hears its own query's error.
#include <string>

#include "tests/actors/runtime_test_support.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using namespace alc::test;
using Catch::Contains;
using nlohmann::json;

namespace {

query_response failed_answer(std::string id, std::string error,
                             std::optional<reported_usage> usage = std::nullopt) {
  return query_response{std::move(id), "", usage, std::move(error)};
}

json done_value(const caf::expected<terminal_outcome>& outcome) {
  REQUIRE(outcome);
  INFO("outcome: " << wire_text(*outcome));
  REQUIRE(std::holds_alternative<done_state>(*outcome));
  return std::get<done_state>(*outcome).value;
}

}  // namespace

TEST_CASE("a failed answer raises from alc.llm and pcall catches it", "[failed_answer]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(),
                           "local ok, err = pcall(alc.llm, 'q') "
                           "return {ok = ok, err = err, after = alc.llm('again')}");
  auto paused = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().resume(
      id, single_payload{failed_answer(paused.info.prompts[0].query_id, "endpoint E: HTTP 503")}));
  paused = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().resume(id, single_answer(paused.info.prompts[0].query_id, "fine")));
  const auto value = done_value(rt.client().await(id, 10s));
  CHECK(value["ok"] == json(false));
  // pcall called alc.llm, so Lua has no line to put in front (as for any C function).
  CHECK(value["err"] == json("alc.llm: endpoint E: HTTP 503"));
  CHECK(value["after"] == json("fine"));
}

TEST_CASE("an uncaught failed answer fails the session with its message", "[failed_answer]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return alc.llm('q')");
  const auto paused = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().resume(
      id, single_payload{failed_answer(paused.info.prompts[0].query_id,
                                       "openai endpoint http://h/v1: HTTP 500 after 3 attempts")}));
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  REQUIRE(std::holds_alternative<failed_state>(*outcome));
  const auto& failed = std::get<failed_state>(*outcome);
  CHECK(failed.kind == failure_kind::lua_error);
  CHECK_THAT(failed.message, Catch::StartsWith("script:1: alc.llm: openai endpoint http://h/v1: "
                                               "HTTP 500 after 3 attempts"));
}

TEST_CASE("a batch with one failed answer raises naming the item, after every answer is in",
          "[failed_answer]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(),
                           "local ok, err = pcall(alc.llm_batch, {{prompt = 'a'}, {prompt = 'b'}, "
                           "{prompt = 'c'}}) return {ok, err}");
  const auto paused = wait_until_paused(rt.client(), id);
  const auto& q = paused.info.prompts;
  REQUIRE(q.size() == 3);
  // Answers arrive in parts: the session waits for all of them before raising.
  auto partial = rt.client().resume(id, batch_payload{{failed_answer(q[1].query_id, "boom")}});
  REQUIRE(partial);
  CHECK(std::holds_alternative<resume_accepted>(*partial));
  REQUIRE(rt.client().resume(
      id, batch_payload{{{q[0].query_id, "A", std::nullopt}, {q[2].query_id, "C", std::nullopt}}}));
  const auto value = done_value(rt.client().await(id, 10s));
  CHECK(value[0] == json(false));
  CHECK(value[1] == json("alc.llm_batch: item 2 (" + q[1].query_id + "): boom"));
}

TEST_CASE("a failed answer counts only the usage the host reported", "[failed_answer]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "pcall(alc.llm, 'a long prompt of many words') return 1");
  const auto paused = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().resume(
      id, single_payload{failed_answer(paused.info.prompts[0].query_id, "x",
                                       reported_usage{std::optional<int64_t>{7}, std::nullopt})}));
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  REQUIRE(std::holds_alternative<done_state>(*outcome));
  const auto& usage = std::get<done_state>(*outcome).usage;
  REQUIRE(usage);
  CHECK(*usage == token_usage{7, 0});
}

TEST_CASE("a fork child's failed answer raises in the child, not in its siblings",
          "[failed_answer][fork]") {
  temp_dir packages;
  packages.write("ask/init.lua", "return {run = function(ctx) return alc.llm('ask') end}");
  auto opts = fast_options();
  opts.package_paths = {packages.path().string()};
  test_runtime rt(opts);
  const auto id = spawn_ok(rt.client(),
                           "local r = alc.fork({'ask', 'ask'}) "
                           "return {r[1].ok, r[1].result, r[2].ok, r[2].error}");
  const auto merged = wait_until_paused(rt.client(), id);
  REQUIRE(merged.info.prompts.size() == 2);
  REQUIRE(rt.client().resume(
      id, batch_payload{{{merged.info.prompts[0].query_id, "yes", std::nullopt},
                         failed_answer(merged.info.prompts[1].query_id, "HTTP 429")}}));
  const auto value = done_value(rt.client().await(id, 10s));
  CHECK(value[0] == json(true));
  CHECK(value[1] == json("yes"));
  CHECK(value[2] == json(false));
  CHECK_THAT(value[3].get<std::string>(), Contains("alc.llm: HTTP 429"));
}
