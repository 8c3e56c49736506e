#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "alc/handles.hpp"
#include "messages/cancel_reason.hpp"
#include "messages/execution_state.hpp"
#include "messages/resume_payload.hpp"
#include "messages/session_event.hpp"
#include "messages/session_spec.hpp"
#include "messages/session_summary.hpp"

namespace alc {

/// A live subscription; destroying it unsubscribes. Once cancel() returns,
/// the callback is not running and will not run again (so do not cancel
/// from inside the callback itself).
class subscription {
 public:
  subscription() = default;
  subscription(caf::actor_system& system, registry_handle registry, std::string session_id,
               caf::actor listener);
  ~subscription();
  subscription(subscription&& other) noexcept = default;
  subscription& operator=(subscription&& other) noexcept;
  subscription(const subscription&) = delete;
  subscription& operator=(const subscription&) = delete;

  /// Stops the events now (also done by the destructor).
  void cancel();

 private:
  caf::actor_system* system_ = nullptr;
  registry_handle registry_;
  std::string session_id_;
  caf::actor listener_;
};

/// Blocking access to a runtime for code that is not an actor: the REPL,
/// tests, simple embedders. Each call waits for its answer (about 100 µs of
/// overhead: fine for people, not for hot paths — drive sessions from actors
/// there). Failures are CAF errors; `to_verb_error` turns an `alc` one into
/// its verb_error.
class client {
 public:
  struct spawned {
    std::string id;
    session_handle session;
  };
  /// Called on a CAF worker thread, in event order, once per event.
  using event_callback = std::function<void(const session_event&)>;

  client(caf::actor_system& system, registry_handle registry,
         std::chrono::milliseconds timeout = std::chrono::seconds{30});

  caf::expected<spawned> spawn(session_spec spec) const;
  /// Spawns with `callback` subscribed before the script starts: every
  /// event from the first one on, including a fast script's end.
  caf::expected<std::pair<spawned, subscription>> spawn_subscribed(session_spec spec,
                                                                   event_callback callback) const;
  caf::expected<execution_state> state(const std::string& id) const;
  caf::expected<resume_outcome> resume(const std::string& id, resume_payload payload) const;
  caf::error cancel(const std::string& id, cancel_reason reason) const;
  /// Waits at most `timeout` for the session's terminal outcome.
  caf::expected<terminal_outcome> await(const std::string& id,
                                        std::chrono::milliseconds timeout) const;
  caf::expected<subscription> subscribe(const std::string& id, event_callback callback) const;
  caf::expected<std::vector<session_summary>> list() const;
  caf::expected<registry_stats> stats() const;

  const registry_handle& registry() const { return registry_; }

 private:
  caf::actor_system* system_;
  registry_handle registry_;
  std::chrono::milliseconds timeout_;
};

}  // namespace alc
