#include <atomic>
#include <thread>

#include <caf/all.hpp>

#include "tests/actors/coordinated_registry.hpp"
#include "tests/actors/runtime_test_support.hpp"

using namespace alc;
using namespace alc::test;

namespace {

runtime_options sweep_options(std::chrono::milliseconds ttl, std::chrono::milliseconds interval) {
  auto opts = fast_options();
  opts.ttl = ttl;
  opts.sweep_interval = interval;
  return opts;
}

bool gone(const client& c, const std::string& id) {
  auto state = c.state(id);
  if (state) return false;
  const auto error = verb_error_of(state);
  REQUIRE(error.code == error_code::not_found);
  return true;
}

/// Spawns `code` and returns the session's id and actor.
client::spawned spawn_watched(const client& c, std::string code) {
  auto spawned = c.spawn(run_spec_of(std::move(code)));
  REQUIRE(spawned);
  return *spawned;
}

/// Waits (with a generous bound) until `session` is gone: an evicted session
/// actor quits, and the registry drops it from the table before telling it
/// to. Watches the actor, never the session's verbs: every verb refreshes
/// its last activity and would keep it alive.
bool evicted_within(caf::actor_system& system, const session_handle& session,
                    std::chrono::milliseconds bound) {
  caf::scoped_actor watcher{system};
  watcher->monitor(session);
  bool down = false;
  watcher->receive([&](const caf::down_msg&) { down = true; }, caf::after(bound) >> [] {});
  return down;
}

}  // namespace

TEST_CASE("nothing is evicted before the first sweep", "[sweep]") {
  coordinated_registry registry(sweep_options(0ms, 1h));
  const auto id = registry.spawn("return 1");
  REQUIRE(std::holds_alternative<done_state>(registry.ask<terminal_outcome>(await_atom_v, id)));
  registry.advance(1h - 1ms);  // idle past the TTL of 0, but no sweep yet
  CHECK(registry.known(id));
  CHECK(registry.stats().evicted == 0);
  registry.advance(1ms);  // the first sweep
  CHECK_FALSE(registry.known(id));
  CHECK(registry.stats().evicted == 1);
}

TEST_CASE("a sweep keeps a session idle for less than the TTL", "[sweep]") {
  coordinated_registry registry(sweep_options(1h, 1min));
  const auto id = registry.spawn("return 1");
  REQUIRE(std::holds_alternative<done_state>(registry.ask<terminal_outcome>(await_atom_v, id)));
  for (int sweeps = 0; sweeps < 3; ++sweeps) registry.advance(1min);
  CHECK(registry.known(id));
  CHECK(registry.stats().evicted == 0);
}

TEST_CASE("frequent sweeps leave at most one pending timer per session", "[sweep]") {
  // An interval far shorter than a sweep request's timeout: timers of
  // answered requests must not pile up from one sweep to the next.
  coordinated_registry registry(sweep_options(1h, 100ms));
  constexpr std::size_t sessions = 20;
  for (std::size_t i = 0; i < sessions; ++i) {
    const auto id = registry.spawn("return 1");
    REQUIRE(std::holds_alternative<done_state>(registry.ask<terminal_outcome>(await_atom_v, id)));
  }
  const std::size_t before = registry.pending_timers();
  for (int sweeps = 0; sweeps < 50; ++sweeps) registry.advance(100ms);
  CHECK(registry.stats().live == static_cast<int64_t>(sessions));  // none is idle for 1h
  CHECK(registry.pending_timers() <= before + sessions);
}

TEST_CASE("the sweep evicts a finished, unsubscribed session after ttl + interval", "[sweep]") {
  test_runtime rt(sweep_options(100ms, 100ms));
  const auto session = spawn_watched(rt.client(), "return 1");
  const auto finished = std::chrono::steady_clock::now();
  REQUIRE(rt.client().await(session.id, 10s));
  REQUIRE(evicted_within(rt.system(), session.session, 10s));
  // Sessions measure idleness in whole milliseconds of the wall clock: the
  // truncation of both ends may make 99.x ms count as 100.
  CHECK(std::chrono::steady_clock::now() - finished >= 99ms);
  CHECK(gone(rt.client(), session.id));
  auto stats = rt.client().stats();
  REQUIRE(stats);
  CHECK(stats->evicted == 1);
  CHECK(stats->live == 0);
}

TEST_CASE("a subscribed session is kept until its subscriber leaves", "[sweep]") {
  coordinated_registry registry(sweep_options(0ms, 50ms));
  const auto id = registry.spawn("return 1");
  REQUIRE(std::holds_alternative<done_state>(registry.ask<terminal_outcome>(await_atom_v, id)));
  // A subscriber that stays (the client's listeners leave after `closed`).
  registry.ask<caf::ok_atom>(subscribe_atom_v, id, registry.self());
  for (int sweeps = 0; sweeps < 8; ++sweeps) registry.advance(50ms);
  CHECK(registry.stats().evicted == 0);
  CHECK(registry.known(id));
  registry.ask<caf::ok_atom>(unsubscribe_atom_v, id, registry.self());
  registry.advance(50ms);
  CHECK(registry.stats().evicted == 1);
  CHECK_FALSE(registry.known(id));
}

TEST_CASE("an idle paused session is cancelled with timeout and freed", "[sweep]") {
  test_runtime rt(sweep_options(100ms, 50ms));
  const auto session = spawn_watched(rt.client(),
                                     "local big = string.rep('x', 1 << 20) "
                                     "return alc.llm('never answered') .. #big");
  wait_until_paused(rt.client(), session.id);
  auto outcome = rt.client().await(session.id, 10s);
  REQUIRE(outcome);
  REQUIRE(std::holds_alternative<cancelled_state>(*outcome));
  const auto& cancelled = std::get<cancelled_state>(*outcome);
  CHECK(cancelled.reason.code == cancel_code::timeout);
  CHECK(std::holds_alternative<paused_state>(cancelled.state_before));
  CHECK(evicted_within(rt.system(), session.session, 10s));
  CHECK(gone(rt.client(), session.id));
  auto stats = rt.client().stats();
  REQUIRE(stats);
  CHECK(stats->evicted == 1);
}

TEST_CASE("state and subscribe during sweeps answer only ok or not_found", "[sweep]") {
  test_runtime rt(sweep_options(1ms, 5ms));
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(spawn_ok(rt.client(), "return 1"));
  std::atomic<int> unexpected{0};
  auto hammer = [&] {
    for (int round = 0; round < 10; ++round) {
      for (const auto& id : ids) {
        auto state = rt.client().state(id);
        if (!state) {
          auto verb = to_verb_error(state.error());
          if (!verb || verb->code != error_code::not_found) ++unexpected;
        }
        event_log log;
        auto sub = rt.client().subscribe(id, log.callback());
        if (!sub) {
          auto verb = to_verb_error(sub.error());
          if (!verb || verb->code != error_code::not_found) ++unexpected;
        }
      }
    }
  };
  std::thread a(hammer);
  std::thread b(hammer);
  a.join();
  b.join();
  CHECK(unexpected == 0);
}
