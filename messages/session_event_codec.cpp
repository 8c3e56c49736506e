// JSON codec of session_event (messages/session_event.hpp): `kind` and `at`
// next to the body's fields.
#include "messages/codec_parts.hpp"

namespace alc {

namespace {

using json = nlohmann::json;

void add_fields(json& out, const snapshot_event& e) {
  out["state"] = to_json_value(e.state);
}
void add_fields(json& out, const state_transition_event& e) {
  out["from"] = e.from;
  out["to"] = e.to;
}
void add_fields(json& out, const pause_requested_event& e) {
  out["info"] = to_json_value(e.info);
}
void add_fields(json& out, const resume_accepted_event& e) {
  out["payload_kind"] = to_string(e.payload_kind);
}
void add_fields(json& out, const progress_event& e) {
  out["step"] = e.step;
  out["total"] = e.total;
  out["message"] = codec::optional_json(e.message);
}
void add_fields(json& out, const log_event& e) {
  out["level"] = e.level;
  out["message"] = e.message;
}
void add_fields(json& out, const llm_call_begin_event& e) {
  out["query_id"] = e.query_id;
}
void add_fields(json& out, const llm_call_end_event& e) {
  out["query_id"] = e.query_id;
  out["usage"] = codec::optional_json(e.usage);
}
void add_fields(json&, const closed_event&) {}

// A transition names its states as strings; they must still be state names.
std::string read_state_name(const json_reader& r) {
  const auto kind = r.name_in(state_kind_names, "state");
  return kind ? std::string{state_kind_names.name(*kind)} : std::string{};
}

event_body read_event_body(const json_reader& r, event_kind kind) {
  switch (kind) {
    case event_kind::snapshot:
      return snapshot_event{codec::read_execution_state(r.field("state"))};
    case event_kind::state_transition:
      return state_transition_event{read_state_name(r.field("from")),
                                    read_state_name(r.field("to"))};
    case event_kind::pause_requested:
      return pause_requested_event{codec::read_pause_info(r.field("info"))};
    case event_kind::resume_accepted:
      return resume_accepted_event{r.field("payload_kind").one_of(pause_kind_names, "pause kind")};
    case event_kind::progress:
      return progress_event{r.field("step").integer(), r.field("total").integer(),
                            r.field("message").optional_string()};
    case event_kind::log:
      // The level as the script gave it; log_event::severity() reads it.
      return log_event{r.field("level").string(), r.field("message").string()};
    case event_kind::llm_call_begin:
      return llm_call_begin_event{r.field("query_id").string()};
    case event_kind::llm_call_end:
      return llm_call_end_event{r.field("query_id").string(),
                                codec::read_optional_usage(r.field("usage"))};
    case event_kind::closed:
      return closed_event{};
  }
  return closed_event{};
}

session_event read_session_event(const json_reader& r) {
  session_event event;
  if (!r.object()) return event;
  const json_reader tag = r.field("kind");
  const std::string name = tag.string();
  event.at = r.field("at").integer();
  if (!r.ok()) return event;
  const auto kind = event_kind_names.parse(name);
  if (!kind) {
    tag.unknown_name("event kind", name, event_kind_names.joined());
    return event;
  }
  event.body = read_event_body(r, *kind);
  return event;
}

}  // namespace

json to_json_value(const session_event& event) {
  json out = {{"kind", event_kind_name(event.body)}, {"at", event.at}};
  std::visit([&out](const auto& body) { add_fields(out, body); }, event.body);
  return out;
}

template <>
decoded<session_event> from_json_value<session_event>(const json& document) {
  return read_json<session_event>(document, read_session_event);
}

}  // namespace alc
