#pragma once
// A registry in an actor system run by CAF's test coordinator: no worker
// threads, and timers (the sweep, delayed messages) fire only when the test
// advances the clock. For tests about what happens (or not) as time passes,
// without sleeping through real intervals.
//
// The TTL itself is still measured on the wall clock by the sessions
// (unix_millis_now), so such tests use a TTL of 0 (always idle enough) or
// one far longer than the test (never idle enough).

#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "actors/registry_actor.hpp"
#include "alc/runtime.hpp"
#include "messages/wire.hpp"

namespace alc::test {

class coordinated_registry {
 public:
  explicit coordinated_registry(runtime_options options)
      : system_(configured(config_)),
        self_(system_, true),
        sched_(dynamic_cast<caf::scheduler::test_coordinator&>(system_.scheduler())),
        registry_(spawn_registry(system_, std::move(options))) {
    run();
  }
  ~coordinated_registry() {
    self_->send(registry_, shutdown_atom_v);
    run();
  }
  coordinated_registry(const coordinated_registry&) = delete;
  coordinated_registry& operator=(const coordinated_registry&) = delete;

  /// Delivers every message, including delayed ones already due, without
  /// moving the clock.
  void run() {
    do {
      sched_.run();
    } while (sched_.advance_time(caf::timespan{0}) > 0);
  }

  /// Moves the clock on by `span`, fires the timers due by then, and runs.
  void advance(caf::timespan span) {
    sched_.advance_time(span);
    run();
  }

  /// Sends `xs` to the registry and returns its `T` answer.
  template <class T, class... Ts>
  T ask(Ts&&... xs) {
    // No timeout: it would be one more timer on the test clock.
    auto answer = self_->request(registry_, caf::infinite, std::forward<Ts>(xs)...);
    run();
    T result{};
    bool answered = false;
    answer.receive(
        [&](T& value) {
          result = std::move(value);
          answered = true;
        },
        [&](caf::error& error) { FAIL("registry error: " << describe(error)); });
    REQUIRE(answered);
    return result;
  }

  std::string spawn(std::string code) {
    session_spec spec;
    spec.kind = run_spec{std::move(code)};
    auto answer = self_->request(registry_, caf::infinite, spawn_atom_v, std::move(spec));
    run();
    std::string id;
    answer.receive([&](std::string& spawned, session_handle&) { id = std::move(spawned); },
                   [&](caf::error& error) { FAIL("spawn: " << describe(error)); });
    REQUIRE_FALSE(id.empty());
    return id;
  }

  /// Whether the registry still knows `id` (asked without touching the session).
  bool known(const std::string& id) {
    const auto sessions = ask<std::vector<session_summary>>(list_atom_v);
    for (const auto& s : sessions)
      if (s.id == id) return true;
    return false;
  }

  registry_stats stats() { return ask<registry_stats>(stats_atom_v); }

  /// Timers waiting on the test clock (delayed messages, request timeouts).
  std::size_t pending_timers() const { return sched_.clock().schedule().size(); }

  /// The test's own actor, as a subscriber that stays until it unsubscribes.
  caf::actor self() { return caf::actor{self_}; }

 private:
  static caf::actor_system_config& configured(caf::actor_system_config& cfg) {
    configure(cfg);
    cfg.set("scheduler.policy", caf::atom("testing"));
    return cfg;
  }

  caf::actor_system_config config_;
  caf::actor_system system_;
  caf::scoped_actor self_;
  caf::scheduler::test_coordinator& sched_;
  registry_handle registry_;
};

}  // namespace alc::test
