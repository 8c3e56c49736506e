#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

#include "messages/execution_state.hpp"
#include "messages/session_event.hpp"
#include "messages/timestamp.hpp"
#include "messages/wire.hpp"

namespace alc {

/// The actors a session sends its events to, as (event_atom, id, session_event).
/// The owner monitors them and drops those that go down. Subscribers are
/// dynamically typed, so typed senders reach them with `anon_send` (which in
/// an actor still names the sender).
class session_subscribers {
 public:
  bool empty() const { return actors_.empty(); }
  std::size_t size() const { return actors_.size(); }

  /// Adds `subscriber` unless known; true when it is new.
  bool add(const caf::actor& subscriber);
  void remove(const caf::actor_addr& subscriber);

  /// Sends one event to every subscriber (nothing is built without any).
  template <class Self>
  void emit(Self* self, const std::string& session_id, event_body body) const {
    if (actors_.empty()) return;
    const session_event event{std::move(body), unix_millis_now()};
    for (const auto& subscriber : actors_) {
      self->anon_send(subscriber, event_atom_v, session_id, event);
    }
  }

  /// What a new subscriber hears first: the state now, and `closed` after
  /// it when the session has ended.
  template <class Self>
  static void greet(Self* self, const caf::actor& subscriber, const std::string& session_id,
                    const execution_state& state) {
    const auto now = unix_millis_now();
    self->anon_send(subscriber, event_atom_v, session_id,
                    session_event{snapshot_event{state}, now});
    if (is_terminal(state)) {
      self->anon_send(subscriber, event_atom_v, session_id, session_event{closed_event{}, now});
    }
  }

 private:
  std::vector<caf::actor> actors_;
};

}  // namespace alc
