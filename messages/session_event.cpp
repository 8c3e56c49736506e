#include "messages/session_event.hpp"

namespace alc {

namespace {

std::string_view kind_of(const snapshot_event&) {
  return "snapshot";
}
std::string_view kind_of(const state_transition_event&) {
  return "state_transition";
}
std::string_view kind_of(const pause_requested_event&) {
  return "pause_requested";
}
std::string_view kind_of(const resume_accepted_event&) {
  return "resume_accepted";
}
std::string_view kind_of(const progress_event&) {
  return "progress";
}
std::string_view kind_of(const log_event&) {
  return "log";
}
std::string_view kind_of(const llm_call_begin_event&) {
  return "llm_call_begin";
}
std::string_view kind_of(const llm_call_end_event&) {
  return "llm_call_end";
}
std::string_view kind_of(const closed_event&) {
  return "closed";
}

}  // namespace

std::string_view to_string(log_level level) {
  switch (level) {
    case log_level::error:
      return "error";
    case log_level::warn:
      return "warn";
    case log_level::info:
      return "info";
    case log_level::debug:
      return "debug";
  }
  return "info";  // out-of-range values degrade like unknown names do
}

log_level parse_log_level(std::string_view text) {
  for (auto level : {log_level::error, log_level::warn, log_level::debug}) {
    if (to_string(level) == text) return level;
  }
  return log_level::info;
}

std::string_view event_kind_name(const event_body& body) {
  return std::visit([](const auto& e) { return kind_of(e); }, body);
}

}  // namespace alc
