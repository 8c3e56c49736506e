#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>

#include "messages/execution_state.hpp"
#include "messages/session_event.hpp"

namespace alc {

/// The actors a session sends its events to, as (event_atom, id, session_event).
/// The owner monitors them and drops those that go down.
class session_subscribers {
 public:
  bool empty() const { return actors_.empty(); }
  std::size_t size() const { return actors_.size(); }

  /// Adds `subscriber` unless known; true when it is new.
  bool add(const caf::actor& subscriber);
  void remove(const caf::actor_addr& subscriber);

  /// Sends one event to every subscriber (nothing is built without any).
  void emit(caf::event_based_actor* self, const std::string& session_id, event_body body) const;
  /// What a new subscriber hears first: the state now, and `closed` after
  /// it when the session has ended.
  static void greet(caf::event_based_actor* self, const caf::actor& subscriber,
                    const std::string& session_id, const execution_state& state);

 private:
  std::vector<caf::actor> actors_;
};

}  // namespace alc
