#include <thread>

#include <caf/all.hpp>

#include "tests/actors/runtime_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

/// Sends an await for `id` from `awaiter` and returns once the session holds
/// it: the registry forwards in order, so when the state request sent after
/// it is answered, the session has taken the await before.
auto await_registered(caf::scoped_actor& awaiter, const registry_handle& registry,
                      const std::string& id) {
  auto awaited = awaiter->request(registry, 10s, await_atom_v, id);
  awaiter->request(registry, 10s, state_atom_v, id)
      .receive([](execution_state&) {}, [](caf::error& e) { FAIL(describe(e)); });
  return awaited;
}

}  // namespace

TEST_CASE("spawn answers at once and the session starts running or paused", "[session]") {
  test_runtime rt;
  const auto started = std::chrono::steady_clock::now();
  const auto spinner = spawn_ok(rt.client(), "while true do end");
  const auto pauser = spawn_ok(rt.client(), "return alc.llm('hi')");
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  REQUIRE(spinner.rfind("ses-", 0) == 0);
  CHECK(spinner.size() == 4 + 32);
  CHECK(spinner != pauser);
  for (const auto& id : {spinner, pauser}) {
    auto state = rt.client().state(id);
    REQUIRE(state);
    CHECK((std::holds_alternative<running_state>(*state) ||
           std::holds_alternative<paused_state>(*state)));
  }
}

TEST_CASE("await gives the script's result", "[session]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return 40 + 2");
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  REQUIRE(std::holds_alternative<done_state>(*outcome));
  CHECK(std::get<done_state>(*outcome).value == json(42));
  CHECK_FALSE(std::get<done_state>(*outcome).usage.has_value());
}

TEST_CASE("every concurrent awaiter receives the outcome", "[session]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return alc.llm('q')");
  const auto paused = wait_until_paused(rt.client(), id);
  caf::scoped_actor first{rt.system()};
  caf::scoped_actor second{rt.system()};
  auto first_await = await_registered(first, rt.runtime().registry(), id);
  auto second_await = await_registered(second, rt.runtime().registry(), id);
  REQUIRE(rt.client().resume(id, single_answer(paused.info.prompts.at(0).query_id, "A")));
  for (auto* awaited : {&first_await, &second_await}) {
    bool delivered = false;
    awaited->receive(
        [&](terminal_outcome& outcome) {
          delivered = true;
          REQUIRE(std::holds_alternative<done_state>(outcome));
          CHECK(std::get<done_state>(outcome).value == json("A"));
        },
        [](caf::error& e) { FAIL(describe(e)); });
    CHECK(delivered);
  }
}

TEST_CASE("a llm round trip through the registry with host-reported usage", "[session]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return alc.llm('question?', {system = 'sys'})");
  const auto paused = wait_until_paused(rt.client(), id);
  REQUIRE(paused.info.kind == pause_kind::single);
  REQUIRE(paused.info.prompts.size() == 1);
  CHECK(paused.info.prompts[0].prompt == "question?");
  CHECK(paused.info.prompts[0].system == std::optional<std::string>("sys"));
  auto outcome = rt.client().resume(
      id, single_answer(paused.info.prompts[0].query_id, "answer!", token_usage{10, 5}));
  REQUIRE(outcome);
  CHECK(std::holds_alternative<resume_continued>(*outcome));
  auto done = rt.client().await(id, 10s);
  REQUIRE(done);
  const auto& result = std::get<done_state>(*done);
  CHECK(result.value == json("answer!"));
  CHECK(result.usage == std::optional<token_usage>(token_usage{10, 5}));
}

TEST_CASE("without host usage the usage is estimated and non-zero", "[session]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return alc.llm('hello world')");
  const auto paused = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().resume(id, single_answer(paused.info.prompts[0].query_id, "abcdefgh")));
  auto done = rt.client().await(id, 10s);
  REQUIRE(done);
  const auto usage = std::get<done_state>(*done).usage;
  REQUIRE(usage);
  CHECK(usage->prompt_tokens == 3);
  CHECK(usage->completion_tokens == 2);
}

TEST_CASE("a host may report one token count alone; the other is estimated", "[session]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return alc.llm('hello world', {system = 'be brief'})");
  const auto paused = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().resume(id, single_answer(paused.info.prompts[0].query_id, "abcdefgh",
                                               reported_usage{std::nullopt, 40})));
  auto done = rt.client().await(id, 10s);
  REQUIRE(done);
  const auto usage = std::get<done_state>(*done).usage;
  REQUIRE(usage);
  CHECK(usage->prompt_tokens == 3 + 2);   // estimated: prompt and system text
  CHECK(usage->completion_tokens == 40);  // as reported
}

TEST_CASE("usage sums saturate: a host reporting INT64_MAX twice overflows nothing",
          "[session][isolation]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "alc.llm('a') alc.llm('b') return 1",
                           {{"budget", {{"max_tokens", 1000}}}});
  const token_usage huge{INT64_MAX, INT64_MAX};
  auto paused = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().resume(id, single_answer(paused.info.prompts[0].query_id, "x", huge)));
  // The budget is spent (not wrapped negative): the second call is refused.
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  REQUIRE(std::holds_alternative<failed_state>(*outcome));
  CHECK_THAT(std::get<failed_state>(*outcome).message, Catch::Contains("max_tokens"));
  const auto sessions = rt.client().list();
  REQUIRE(sessions);
  REQUIRE(sessions->size() == 1);
  CHECK(sessions->front().metrics.usage == huge);
}

TEST_CASE("prompt_chars counts the bytes of prompt and system text, as the original", "[session]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return alc.llm('hello', {system = 'sys!'})");
  wait_until_paused(rt.client(), id);
  const auto sessions = rt.client().list();
  REQUIRE(sessions);
  REQUIRE(sessions->size() == 1);
  CHECK(sessions->front().metrics.prompt_chars == 5 + 4);
}

TEST_CASE("cancel is idempotent and a cancelled session refuses answers", "[session][cancel]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return alc.llm('q')");
  const auto paused = wait_until_paused(rt.client(), id);
  const cancel_reason reason{cancel_code::user, "changed my mind", 1234};
  REQUIRE_FALSE(rt.client().cancel(id, reason));
  REQUIRE_FALSE(rt.client().cancel(id, cancel_reason{cancel_code::internal, "again", 0}));
  auto state = rt.client().state(id);
  REQUIRE(state);
  REQUIRE(std::holds_alternative<cancelled_state>(*state));
  const auto& cancelled = std::get<cancelled_state>(*state);
  CHECK(cancelled.reason == reason);  // the first caller's reason, kept
  REQUIRE(std::holds_alternative<paused_state>(cancelled.state_before));
  CHECK(std::get<paused_state>(cancelled.state_before).info == paused.info);
  const auto refused =
      verb_error_of(rt.client().resume(id, single_answer(paused.info.prompts[0].query_id, "late")));
  CHECK(refused.code == error_code::already_cancelled);
}

TEST_CASE("cancelling a spinning script ends it within a few slices", "[session][cancel]") {
  test_runtime rt;
  event_log log;
  auto spawned = rt.client().spawn_subscribed(run_spec_of("print('spinning') while true do end"),
                                              log.callback());
  REQUIRE(spawned);
  const auto id = spawned->first.id;
  // The script has passed its print: it is in the loop now.
  log.wait_for([](const session_event& e) { return std::holds_alternative<log_event>(e.body); });
  const auto asked = std::chrono::steady_clock::now();
  REQUIRE_FALSE(rt.client().cancel(id, cancel_reason{cancel_code::user, "stop spinning", 0}));
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  CHECK(std::chrono::steady_clock::now() - asked < 1s);
  REQUIRE(std::holds_alternative<cancelled_state>(*outcome));
  const auto& cancelled = std::get<cancelled_state>(*outcome);
  CHECK(cancelled.reason.code == cancel_code::user);
  CHECK(cancelled.reason.detail == "stop spinning");
  CHECK(std::holds_alternative<running_state>(cancelled.state_before));
}

TEST_CASE("resume errors are typed and leave the session unaffected", "[session][resume]") {
  test_runtime rt;
  SECTION("not paused carries the actual state") {
    const auto id = spawn_ok(rt.client(), "return 1");
    REQUIRE(rt.client().await(id, 10s));
    const auto error = verb_error_of(rt.client().resume(id, single_answer("q-0", "x")));
    CHECK(error.code == error_code::not_paused);
    CHECK(error.actual == std::optional<std::string>("done"));
  }
  SECTION("unknown query id, repeated answers, wrong payload kind") {
    const auto id = spawn_ok(rt.client(),
                             "local a = alc.llm('one') "
                             "local b = alc.llm_batch({{prompt='x'},{prompt='y'}}) "
                             "return {a, b}");
    const auto first = wait_until_paused(rt.client(), id);
    CHECK(verb_error_of(rt.client().resume(id, single_answer("q-99", "x"))).code ==
          error_code::unknown_query);
    CHECK(verb_error_of(
              rt.client().resume(id, batch_payload{{query_response{"q-0", "x", std::nullopt}}}))
              .code == error_code::payload_kind_mismatch);
    auto still = rt.client().state(id);
    REQUIRE(still);
    CHECK(*still == execution_state{first});  // unaffected

    REQUIRE(rt.client().resume(id, single_answer("q-0", "A")));
    const auto batch = wait_until_paused(rt.client(), id);
    REQUIRE(batch.info.kind == pause_kind::batch);
    CHECK(verb_error_of(rt.client().resume(id, single_answer("q-1", "x"))).code ==
          error_code::payload_kind_mismatch);
    CHECK(verb_error_of(
              rt.client().resume(id, batch_payload{{query_response{"q-1", "x", std::nullopt},
                                                    query_response{"q-1", "y", std::nullopt}}}))
              .code == error_code::duplicate_response);

    auto partial =
        rt.client().resume(id, batch_payload{{query_response{"q-2", "Y", std::nullopt}}});
    REQUIRE(partial);
    REQUIRE(std::holds_alternative<resume_accepted>(*partial));
    CHECK(std::get<resume_accepted>(*partial).remaining == 1);
    auto waiting = rt.client().state(id);
    REQUIRE(waiting);
    CHECK(std::holds_alternative<paused_state>(*waiting));
    CHECK(verb_error_of(
              rt.client().resume(id, batch_payload{{query_response{"q-2", "again", std::nullopt}}}))
              .code == error_code::duplicate_response);

    auto rest = rt.client().resume(id, batch_payload{{query_response{"q-1", "X", std::nullopt}}});
    REQUIRE(rest);
    CHECK(std::holds_alternative<resume_continued>(*rest));
    auto done = rt.client().await(id, 10s);
    REQUIRE(done);
    CHECK(std::get<done_state>(*done).value == json::array({"A", {"X", "Y"}}));
  }
}

TEST_CASE("a script that pauses again right after a resume is never seen running",
          "[session][resume]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "for i = 1, 20 do alc.llm('q' .. i) end return 'ok'");
  for (int i = 0; i < 20; ++i) {
    const auto paused = wait_until_paused(rt.client(), id);
    REQUIRE(rt.client().resume(id, single_answer(paused.info.prompts[0].query_id, "a")));
    auto state = rt.client().state(id);  // right after the resume
    REQUIRE(state);
    CHECK_FALSE(std::holds_alternative<running_state>(*state));
  }
  auto done = rt.client().await(id, 10s);
  REQUIRE(done);
  CHECK(std::get<done_state>(*done).value == json("ok"));
}

TEST_CASE("unknown ids and invalid specs get typed errors", "[registry]") {
  test_runtime rt;
  CHECK(verb_error_of(rt.client().state("ses-nope")).code == error_code::not_found);
  CHECK(verb_error_of(rt.client().await("ses-nope", 1s)).code == error_code::not_found);
  CHECK(verb_error_of(rt.client().cancel("ses-nope", {})).code == error_code::not_found);
  CHECK(verb_error_of(rt.client().spawn(run_spec_of("   "))).code == error_code::invalid_spec);
  CHECK(verb_error_of(rt.client().spawn(run_spec_of("return 1", json::array()))).code ==
        error_code::invalid_spec);
  session_spec unknown_kind;
  unknown_kind.kind = unsupported_spec{"exec"};
  const auto unknown = verb_error_of(rt.client().spawn(unknown_kind));
  CHECK(unknown.code == error_code::invalid_spec);
  CHECK_THAT(unknown.message, Catch::Contains("unknown spec kind 'exec'"));
}

TEST_CASE("a script that does not compile fails its session, not the spawn", "[session]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "local = 1");
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  REQUIRE(std::holds_alternative<failed_state>(*outcome));
  CHECK(std::get<failed_state>(*outcome).kind == failure_kind::lua_error);
  CHECK_THAT(std::get<failed_state>(*outcome).message, Catch::StartsWith("script:1:"));
}

TEST_CASE("budgets from ctx.budget stop further queries", "[session]") {
  test_runtime rt;
  const auto id =
      spawn_ok(rt.client(), "alc.llm('one') local ok, err = pcall(alc.llm, 'two') return err",
               {{"budget", {{"max_llm_calls", 1}}}});
  const auto paused = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().resume(id, single_answer(paused.info.prompts[0].query_id, "a")));
  auto done = rt.client().await(id, 10s);
  REQUIRE(done);
  CHECK_THAT(std::get<done_state>(*done).value.get<std::string>(),
             Catch::Contains("budget_exceeded: max_llm_calls (1) reached (1 used)"));
}

TEST_CASE("max-sessions refuses spawns beyond the limit", "[registry]") {
  auto options = fast_options();
  options.max_sessions = 2;
  test_runtime rt(options);
  spawn_ok(rt.client(), "return alc.llm('a')");
  spawn_ok(rt.client(), "return alc.llm('b')");
  CHECK(verb_error_of(rt.client().spawn(run_spec_of("return 1"))).code == error_code::capacity);
  auto stats = rt.client().stats();
  REQUIRE(stats);
  CHECK(stats->rejected == 1);
  CHECK(stats->spawned == 2);
}

TEST_CASE("a session that dies unexpectedly is recorded failed with engine_error", "[registry]") {
  test_runtime rt;
  auto spawned = rt.client().spawn(run_spec_of("return alc.llm('q')"));
  REQUIRE(spawned);
  wait_until_paused(rt.client(), spawned->id);
  caf::scoped_actor watcher{rt.system()};
  watcher->monitor(spawned->session);
  caf::anon_send_exit(spawned->session, caf::exit_reason::kill);
  bool down = false;
  watcher->receive([&](const caf::down_msg&) { down = true; }, caf::after(10s) >> [] {});
  REQUIRE(down);
  // The registry hears of the death through its own down message, which
  // nothing announces: a short bounded poll until its tombstone answers.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  execution_state state;
  for (;;) {
    auto current = rt.client().state(spawned->id);
    if (current && std::holds_alternative<failed_state>(*current)) {
      state = *current;
      break;
    }
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(1ms);
  }
  CHECK(std::get<failed_state>(state).kind == failure_kind::engine_error);
  auto stats = rt.client().stats();
  REQUIRE(stats);
  CHECK(stats->engine_failures == 1);
  auto outcome = rt.client().await(spawned->id, 10s);
  REQUIRE(outcome);
  CHECK(std::get<failed_state>(*outcome).kind == failure_kind::engine_error);
}

TEST_CASE(
    "a session killed while awaited and subscribed ends failed for its awaiter and subscriber",
    "[registry]") {
  test_runtime rt;
  event_log events;
  auto spawned =
      rt.client().spawn_subscribed(run_spec_of("return alc.llm('q')"), events.callback());
  REQUIRE(spawned);
  const std::string id = spawned->first.id;
  wait_until_paused(rt.client(), id);
  caf::scoped_actor awaiter{rt.system()};
  awaiter->send(rt.runtime().registry(), await_atom_v, id);
  // The registry passes both on to the session in order: once the state is
  // answered, the await is registered there.
  REQUIRE(rt.client().state(id));
  caf::anon_send_exit(spawned->first.session, caf::exit_reason::kill);

  std::optional<terminal_outcome> outcome;
  awaiter->receive([&](terminal_outcome& got) { outcome = std::move(got); },
                   caf::after(10s) >> [] {});
  REQUIRE(outcome);
  REQUIRE(std::holds_alternative<failed_state>(*outcome));
  CHECK(std::get<failed_state>(*outcome).kind == failure_kind::engine_error);
  CHECK_THAT(std::get<failed_state>(*outcome).message,
             Catch::StartsWith("session actor terminated unexpectedly"));

  const auto seen = events.wait_closed();
  REQUIRE(seen.size() >= 2);
  const auto& last_change = seen[seen.size() - 2].body;
  REQUIRE(std::holds_alternative<state_transition_event>(last_change));
  CHECK(std::get<state_transition_event>(last_change).to == "failed");
}

TEST_CASE("shutting down cancels live sessions with system_shutdown", "[registry]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return alc.llm('q')");
  wait_until_paused(rt.client(), id);
  caf::scoped_actor awaiter{rt.system()};
  auto awaited = await_registered(awaiter, rt.runtime().registry(), id);
  const auto asked = std::chrono::steady_clock::now();
  rt.runtime().shutdown();
  bool delivered = false;
  awaited.receive(
      [&](terminal_outcome& outcome) {
        delivered = true;
        CHECK(std::chrono::steady_clock::now() - asked < 2s);
        REQUIRE(std::holds_alternative<cancelled_state>(outcome));
        CHECK(std::get<cancelled_state>(outcome).reason.code == cancel_code::system_shutdown);
      },
      [](caf::error& e) { FAIL(describe(e)); });
  CHECK(delivered);
}

TEST_CASE("list summarises every session", "[registry]") {
  test_runtime rt;
  const auto a = spawn_ok(rt.client(), "return 1");
  const auto b = spawn_ok(rt.client(), "return alc.llm('x')");
  REQUIRE(rt.client().await(a, 10s));
  wait_until_paused(rt.client(), b);
  auto list = rt.client().list();
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  for (const auto& summary : *list) {
    if (summary.id == a) CHECK(summary.state == "done");
    if (summary.id == b) {
      CHECK(summary.state == "paused");
      CHECK(summary.metrics.llm_calls == 1);
    }
  }
}
