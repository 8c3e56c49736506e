#include <caf/all.hpp>

#include "tests/actors/runtime_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

TEST_CASE("a subscriber gets a snapshot, every event in order, then closed", "[subscribe]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(),
                           "alc.log('info', 'before') "
                           "local a = alc.llm('q') print('after', a) return a");
  const auto paused = wait_until_paused(rt.client(), id);
  event_log log;
  auto sub = rt.client().subscribe(id, log.callback());
  REQUIRE(sub);
  REQUIRE(rt.client().resume(
      id, single_answer(paused.info.prompts[0].query_id, "A", token_usage{3, 1})));
  const auto events = log.wait_closed();
  CHECK(kinds_of(events) == std::vector<std::string>{"snapshot", "resume_accepted", "llm_call_end",
                                                     "state_transition", "log", "state_transition",
                                                     "closed"});
  CHECK(std::get<snapshot_event>(events[0].body).state == execution_state{paused});
  CHECK(std::get<llm_call_end_event>(events[2].body).usage ==
        std::optional<token_usage>(token_usage{3, 1}));
  CHECK(std::get<state_transition_event>(events[3].body) ==
        state_transition_event{"paused", "running"});
  CHECK(std::get<log_event>(events[4].body).message == "after\tA");
  CHECK(std::get<state_transition_event>(events[5].body) ==
        state_transition_event{"running", "done"});
}

TEST_CASE("pausing publishes the transition, the pause and each query", "[subscribe]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(),
                           "local go = alc.llm('gate') "
                           "return alc.llm_batch({{prompt='a'},{prompt='b'}})");
  const auto gate = wait_until_paused(rt.client(), id);
  event_log log;
  auto sub = rt.client().subscribe(id, log.callback());
  REQUIRE(sub);
  REQUIRE(rt.client().resume(id, single_answer(gate.info.prompts[0].query_id, "go")));
  const auto batch = wait_until_paused(rt.client(), id);
  REQUIRE(rt.client().cancel(id, cancel_reason{cancel_code::user, "enough", 0}) == caf::none);
  const auto events = log.wait_closed();
  CHECK(kinds_of(events) ==
        std::vector<std::string>{"snapshot", "resume_accepted", "llm_call_end", "state_transition",
                                 "state_transition", "pause_requested", "llm_call_begin",
                                 "llm_call_begin", "state_transition", "closed"});
  CHECK(std::get<pause_requested_event>(events[5].body).info == batch.info);
  CHECK(std::get<state_transition_event>(events[8].body) ==
        state_transition_event{"paused", "cancelled"});
}

TEST_CASE("three subscribers each receive the state transitions", "[subscribe]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return alc.llm('q')");
  const auto paused = wait_until_paused(rt.client(), id);
  event_log logs[3];
  std::vector<subscription> subs;
  for (auto& log : logs) {
    auto sub = rt.client().subscribe(id, log.callback());
    REQUIRE(sub);
    subs.push_back(std::move(*sub));
  }
  REQUIRE(rt.client().resume(id, single_answer(paused.info.prompts[0].query_id, "x")));
  for (auto& log : logs) {
    std::vector<state_transition_event> transitions;
    for (const auto& event : log.wait_closed()) {
      if (const auto* t = std::get_if<state_transition_event>(&event.body))
        transitions.push_back(*t);
    }
    CHECK(transitions ==
          std::vector<state_transition_event>{{"paused", "running"}, {"running", "done"}});
  }
}

TEST_CASE("subscribing to a finished session gives its snapshot and closed", "[subscribe]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return 7");
  REQUIRE(rt.client().await(id, 10s));
  event_log log;
  auto sub = rt.client().subscribe(id, log.callback());
  REQUIRE(sub);
  const auto events = log.wait_closed();
  REQUIRE(kinds_of(events) == std::vector<std::string>{"snapshot", "closed"});
  const auto& state = std::get<snapshot_event>(events[0].body).state;
  REQUIRE(std::holds_alternative<done_state>(state));
  CHECK(std::get<done_state>(state).value == json(7));
}

TEST_CASE("a subscriber that dies is dropped from the session", "[subscribe]") {
  test_runtime rt;
  const auto id = spawn_ok(rt.client(), "return alc.llm('q')");
  wait_until_paused(rt.client(), id);
  auto subscribers_now = [&] {
    auto list = rt.client().list();
    REQUIRE(list);
    REQUIRE(list->size() == 1);
    return list->front().subscribers;
  };
  {
    caf::scoped_actor mortal{rt.system()};
    mortal
        ->request(rt.runtime().registry(), caf::infinite, subscribe_atom_v, id, caf::actor{mortal})
        .receive([](caf::ok_atom) {}, [](caf::error& e) { FAIL(describe(e)); });
    CHECK(subscribers_now() == 1);
  }  // the scoped actor terminates here, and its down message is sent on the way
  // That down message reaches the session before the summary request that
  // list() makes it send later, so the count is settled without waiting.
  CHECK(subscribers_now() == 0);
}

TEST_CASE("spawning with a subscriber delivers every event from the first", "[subscribe]") {
  test_runtime rt;
  event_log log;
  auto spawned =
      rt.client().spawn_subscribed(run_spec_of("print('hello') return 1"), log.callback());
  REQUIRE(spawned);
  const auto events = log.wait_closed();
  CHECK(kinds_of(events) ==
        std::vector<std::string>{"snapshot", "log", "state_transition", "closed"});
  CHECK(std::holds_alternative<running_state>(std::get<snapshot_event>(events[0].body).state));
}
