#include <atomic>
#include <thread>

#include <caf/all.hpp>

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

/// Waits (with a generous bound) until the registry has evicted `count`
/// sessions. It watches the registry's stats, never the session: every verb
/// to a session refreshes its last activity and would keep it alive.
bool evictions_reach(const client& c, int64_t count, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    auto stats = c.stats();
    REQUIRE(stats);
    if (stats->evicted >= count) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

}  // namespace

TEST_CASE("nothing is evicted before the first sweep", "[sweep]") {
  test_runtime rt(sweep_options(0ms, 1h));
  const auto id = spawn_ok(rt.client(), "return 1");
  REQUIRE(rt.client().await(id, 10s));
  std::this_thread::sleep_for(200ms);
  CHECK_FALSE(gone(rt.client(), id));
}

TEST_CASE("the sweep evicts a finished, unsubscribed session after ttl + interval", "[sweep]") {
  test_runtime rt(sweep_options(100ms, 100ms));
  const auto id = spawn_ok(rt.client(), "return 1");
  const auto finished = std::chrono::steady_clock::now();
  REQUIRE(rt.client().await(id, 10s));
  REQUIRE(evictions_reach(rt.client(), 1, 10s));
  CHECK(std::chrono::steady_clock::now() - finished >= 100ms);
  CHECK(gone(rt.client(), id));
  auto stats = rt.client().stats();
  REQUIRE(stats);
  CHECK(stats->evicted == 1);
  CHECK(stats->live == 0);
}

TEST_CASE("a subscribed session is kept until its subscriber leaves", "[sweep]") {
  test_runtime rt(sweep_options(50ms, 50ms));
  const auto id = spawn_ok(rt.client(), "return 1");
  REQUIRE(rt.client().await(id, 10s));
  // A subscriber that stays (the client's listeners leave after `closed`).
  caf::scoped_actor watcher{rt.system()};
  const registry_handle registry = rt.runtime().registry();
  watcher->request(registry, caf::infinite, subscribe_atom_v, id, caf::actor{watcher})
      .receive([](caf::ok_atom) {}, [](caf::error& e) { FAIL(describe(e)); });
  std::this_thread::sleep_for(400ms);  // several sweeps pass
  auto stats = rt.client().stats();
  REQUIRE(stats);
  CHECK(stats->evicted == 0);
  watcher->request(registry, caf::infinite, unsubscribe_atom_v, id, caf::actor{watcher})
      .receive([](caf::ok_atom) {}, [](caf::error& e) { FAIL(describe(e)); });
  CHECK(evictions_reach(rt.client(), 1, 10s));
  CHECK(gone(rt.client(), id));
}

TEST_CASE("an idle paused session is cancelled with timeout and freed", "[sweep]") {
  test_runtime rt(sweep_options(100ms, 50ms));
  const auto id = spawn_ok(rt.client(),
                           "local big = string.rep('x', 1 << 20) "
                           "return alc.llm('never answered') .. #big");
  wait_until_paused(rt.client(), id);
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  REQUIRE(std::holds_alternative<cancelled_state>(*outcome));
  const auto& cancelled = std::get<cancelled_state>(*outcome);
  CHECK(cancelled.reason.code == cancel_code::timeout);
  CHECK(std::holds_alternative<paused_state>(cancelled.state_before));
  CHECK(evictions_reach(rt.client(), 1, 10s));
  CHECK(gone(rt.client(), id));
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
