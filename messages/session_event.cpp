#include "messages/session_event.hpp"

namespace alc {

event_kind kind_of(const event_body& body) {
  return std::visit([](const auto& e) { return e.kind_tag; }, body);
}

std::string_view event_kind_name(const event_body& body) {
  return event_kind_names.name(kind_of(body));
}

}  // namespace alc
