#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "messages/execution_state.hpp"
#include "messages/token_usage.hpp"

namespace alc {

enum class log_level { error, warn, info, debug };

std::string_view to_string(log_level level);
/// Unknown level names map to `info` (lua-api.md).
log_level parse_log_level(std::string_view text);

/// First event every new subscriber receives: the state at subscription time.
struct snapshot_event {
  execution_state state;
  friend bool operator==(const snapshot_event& a, const snapshot_event& b) {
    return a.state == b.state;
  }
};

struct state_transition_event {
  std::string from;  ///< state names (`running`, `paused`, ...)
  std::string to;
  friend bool operator==(const state_transition_event& a, const state_transition_event& b) {
    return a.from == b.from && a.to == b.to;
  }
};

struct pause_requested_event {
  pause_info info;
  friend bool operator==(const pause_requested_event& a, const pause_requested_event& b) {
    return a.info == b.info;
  }
};

struct resume_accepted_event {
  pause_kind payload_kind = pause_kind::single;
  friend bool operator==(const resume_accepted_event& a, const resume_accepted_event& b) {
    return a.payload_kind == b.payload_kind;
  }
};

struct progress_event {
  int64_t step = 0;
  int64_t total = 0;
  std::optional<std::string> message;
  friend bool operator==(const progress_event& a, const progress_event& b) {
    return a.step == b.step && a.total == b.total && a.message == b.message;
  }
};

struct log_event {
  log_level level = log_level::info;
  std::string message;
  friend bool operator==(const log_event& a, const log_event& b) {
    return a.level == b.level && a.message == b.message;
  }
};

struct llm_call_begin_event {
  std::string query_id;
  friend bool operator==(const llm_call_begin_event& a, const llm_call_begin_event& b) {
    return a.query_id == b.query_id;
  }
};

struct llm_call_end_event {
  std::string query_id;
  std::optional<token_usage> usage;
  friend bool operator==(const llm_call_end_event& a, const llm_call_end_event& b) {
    return a.query_id == b.query_id && a.usage == b.usage;
  }
};

/// Last event of a subscription, after the terminal transition.
struct closed_event {
  friend bool operator==(const closed_event&, const closed_event&) { return true; }
};

using event_body = std::variant<snapshot_event, state_transition_event, pause_requested_event,
                                resume_accepted_event, progress_event, log_event,
                                llm_call_begin_event, llm_call_end_event, closed_event>;

/// One event pushed to subscribers; `at` is unix ms.
struct session_event {
  event_body body;
  int64_t at = 0;
  friend bool operator==(const session_event& a, const session_event& b) {
    return a.body == b.body && a.at == b.at;
  }
};

/// The JSON `"kind"` tag of an event (`state_transition`, `closed`, ...).
std::string_view event_kind_name(const event_body& body);

}  // namespace alc
