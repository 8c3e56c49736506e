#pragma once
// A real actor system with one alc runtime, and helpers to drive sessions
// through the blocking client, as an application would.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <catch2/catch.hpp>

#include "alc/runtime.hpp"
#include "messages/wire.hpp"

namespace alc::test {

using namespace std::chrono_literals;

inline runtime_options fast_options() {
  runtime_options opts;
  opts.slice = 2ms;
  opts.ttl = 1h;
  opts.sweep_interval = 1h;
  return opts;
}

class test_runtime {
 public:
  explicit test_runtime(runtime_options options = fast_options())
      : system_(configured(config_)), runtime_(system_, std::move(options)) {}

  const alc::client& client() const { return runtime_.client(); }
  caf::actor_system& system() { return system_; }
  alc::runtime& runtime() { return runtime_; }

 private:
  static caf::actor_system_config& configured(caf::actor_system_config& cfg) {
    configure(cfg);
    return cfg;
  }

  caf::actor_system_config config_;
  caf::actor_system system_;
  alc::runtime runtime_;
};

inline session_spec run_spec_of(std::string code, nlohmann::json ctx = nlohmann::json::object()) {
  session_spec spec;
  spec.kind = run_spec{std::move(code)};
  spec.ctx = std::move(ctx);
  return spec;
}

inline std::string spawn_ok(const client& c, std::string code,
                            nlohmann::json ctx = nlohmann::json::object()) {
  auto spawned = c.spawn(run_spec_of(std::move(code), std::move(ctx)));
  INFO("spawn failed: " << (spawned ? "" : describe(spawned.error())));
  REQUIRE(spawned);
  return spawned->id;
}

/// The verb error of a failed call, or a test failure.
template <class T>
verb_error verb_error_of(const caf::expected<T>& result) {
  REQUIRE_FALSE(result);
  auto verb = to_verb_error(result.error());
  INFO("not an alc error: " << describe(result.error()));
  REQUIRE(verb);
  return *verb;
}

inline verb_error verb_error_of(const caf::error& error) {
  auto verb = to_verb_error(error);
  INFO("not an alc error: " << describe(error));
  REQUIRE(verb);
  return *verb;
}

/// Waits until `id` is paused (or terminal); generous bound. Subscribes
/// first, then looks at the state again after each event, so no transition
/// is missed and no time is spent polling.
inline execution_state wait_until_settled(const client& c, const std::string& id,
                                          std::chrono::milliseconds bound = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t events = 0;
  // Declared after what its callback touches: it unsubscribes first.
  auto sub = c.subscribe(id, [&](const session_event&) {
    std::lock_guard<std::mutex> lock(mutex);
    ++events;
    changed.notify_all();
  });
  REQUIRE(sub);
  for (;;) {
    std::size_t seen = 0;
    {
      std::lock_guard<std::mutex> lock(mutex);
      seen = events;
    }
    auto state = c.state(id);
    REQUIRE(state);
    if (!std::holds_alternative<running_state>(*state)) return *state;
    std::unique_lock<std::mutex> lock(mutex);
    if (!changed.wait_until(lock, deadline, [&] { return events != seen; }))
      FAIL("session stayed running");
  }
}

inline paused_state wait_until_paused(const client& c, const std::string& id) {
  auto state = wait_until_settled(c, id);
  INFO("state: " << wire_text(state));
  REQUIRE(std::holds_alternative<paused_state>(state));
  return std::get<paused_state>(state);
}

inline resume_payload single_answer(std::string query_id, std::string response,
                                    std::optional<reported_usage> usage = std::nullopt) {
  return single_payload{query_response{std::move(query_id), std::move(response), usage}};
}

/// Collects a subscription's events; wait_closed() blocks until `closed`.
class event_log {
 public:
  client::event_callback callback() {
    return [this](const session_event& event) {
      std::lock_guard<std::mutex> lock(mutex_);
      events_.push_back(event);
      changed_.notify_all();
    };
  }

  std::vector<session_event> wait_closed(std::chrono::milliseconds bound = 10s) {
    std::unique_lock<std::mutex> lock(mutex_);
    const bool closed = changed_.wait_for(lock, bound, [this] {
      return !events_.empty() && std::holds_alternative<closed_event>(events_.back().body);
    });
    if (!closed) FAIL("no closed event within the bound");
    return events_;
  }

  /// Blocks until an event satisfies `wanted`; returns the events so far.
  template <class Predicate>
  std::vector<session_event> wait_for(Predicate wanted, std::chrono::milliseconds bound = 10s) {
    std::unique_lock<std::mutex> lock(mutex_);
    const bool seen = changed_.wait_for(
        lock, bound, [&] { return std::any_of(events_.begin(), events_.end(), wanted); });
    if (!seen) FAIL("the awaited event did not come within the bound");
    return events_;
  }

  std::vector<session_event> snapshot() {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<session_event> events_;
};

inline std::vector<std::string> kinds_of(const std::vector<session_event>& events) {
  std::vector<std::string> kinds;
  for (const auto& e : events) kinds.emplace_back(event_kind_name(e.body));
  return kinds;
}

}  // namespace alc::test
