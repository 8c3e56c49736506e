#include "actors/session_subscribers.hpp"

#include <algorithm>

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

}  // namespace alc
