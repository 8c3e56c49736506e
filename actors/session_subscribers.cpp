#include "actors/session_subscribers.hpp"

#include <algorithm>

#include <caf/event_based_actor.hpp>

#include "messages/timestamp.hpp"
#include "messages/wire.hpp"

namespace alc {

bool session_subscribers::add(const caf::actor& subscriber) {
  if (!subscriber || std::find(actors_.begin(), actors_.end(), subscriber) != actors_.end()) {
    return false;
  }
  actors_.push_back(subscriber);
  return true;
}

void session_subscribers::remove(const caf::actor_addr& subscriber) {
  actors_.erase(std::remove_if(actors_.begin(), actors_.end(),
                               [&](const caf::actor& s) { return s.address() == subscriber; }),
                actors_.end());
}

void session_subscribers::emit(caf::event_based_actor* self, const std::string& session_id,
                               event_body body) const {
  if (actors_.empty()) return;
  const session_event event{std::move(body), unix_millis_now()};
  for (const auto& subscriber : actors_) self->send(subscriber, event_atom_v, session_id, event);
}

void session_subscribers::greet(caf::event_based_actor* self, const caf::actor& subscriber,
                                const std::string& session_id, const execution_state& state) {
  const auto now = unix_millis_now();
  self->send(subscriber, event_atom_v, session_id, session_event{snapshot_event{state}, now});
  if (is_terminal(state)) {
    self->send(subscriber, event_atom_v, session_id, session_event{closed_event{}, now});
  }
}

}  // namespace alc
