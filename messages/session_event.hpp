#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "messages/execution_state.hpp"
#include "messages/name_table.hpp"
#include "messages/token_usage.hpp"

namespace alc {

enum class log_level { error, warn, info, debug };

inline constexpr auto log_level_names = make_name_table<log_level>({{log_level::error, "error"},
                                                                    {log_level::warn, "warn"},
                                                                    {log_level::info, "info"},
                                                                    {log_level::debug, "debug"}});

/// An out-of-range value reads `info`, as an unknown name does.
inline std::string_view to_string(log_level level) {
  return log_level_names.name(level, "info");
}
/// Unknown level names map to `info` (lua-api.md).
inline log_level parse_log_level(std::string_view text) {
  return log_level_names.parse(text).value_or(log_level::info);
}

/// Which alternative an event body is; its name is the JSON `"kind"` tag.
enum class event_kind {
  snapshot,
  state_transition,
  pause_requested,
  resume_accepted,
  progress,
  log,
  llm_call_begin,
  llm_call_end,
  closed,
};

inline constexpr auto event_kind_names =
    make_name_table<event_kind>({{event_kind::snapshot, "snapshot"},
                                 {event_kind::state_transition, "state_transition"},
                                 {event_kind::pause_requested, "pause_requested"},
                                 {event_kind::resume_accepted, "resume_accepted"},
                                 {event_kind::progress, "progress"},
                                 {event_kind::log, "log"},
                                 {event_kind::llm_call_begin, "llm_call_begin"},
                                 {event_kind::llm_call_end, "llm_call_end"},
                                 {event_kind::closed, "closed"}});

/// First event every new subscriber receives: the state at subscription time.
struct snapshot_event {
  static constexpr event_kind kind_tag = event_kind::snapshot;
  execution_state state;
  friend bool operator==(const snapshot_event& a, const snapshot_event& b) {
    return a.state == b.state;
  }
};

struct state_transition_event {
  static constexpr event_kind kind_tag = event_kind::state_transition;
  std::string from;  ///< state names (`running`, `paused`, ...)
  std::string to;
  friend bool operator==(const state_transition_event& a, const state_transition_event& b) {
    return a.from == b.from && a.to == b.to;
  }
};

struct pause_requested_event {
  static constexpr event_kind kind_tag = event_kind::pause_requested;
  pause_info info;
  friend bool operator==(const pause_requested_event& a, const pause_requested_event& b) {
    return a.info == b.info;
  }
};

struct resume_accepted_event {
  static constexpr event_kind kind_tag = event_kind::resume_accepted;
  pause_kind payload_kind = pause_kind::single;
  friend bool operator==(const resume_accepted_event& a, const resume_accepted_event& b) {
    return a.payload_kind == b.payload_kind;
  }
};

struct progress_event {
  static constexpr event_kind kind_tag = event_kind::progress;
  int64_t step = 0;
  int64_t total = 0;
  std::optional<std::string> message;
  friend bool operator==(const progress_event& a, const progress_event& b) {
    return a.step == b.step && a.total == b.total && a.message == b.message;
  }
};

/// `alc.log(level, msg)` and `print`. The level is kept as the script gave
/// it (as the original does): a name outside error/warn/info/debug, or a
/// number's text, is not rewritten; `severity()` reads it, unknown as info.
struct log_event {
  static constexpr event_kind kind_tag = event_kind::log;
  std::string level{"info"};
  std::string message;
  log_level severity() const { return parse_log_level(level); }
  friend bool operator==(const log_event& a, const log_event& b) {
    return a.level == b.level && a.message == b.message;
  }
};

struct llm_call_begin_event {
  static constexpr event_kind kind_tag = event_kind::llm_call_begin;
  std::string query_id;
  friend bool operator==(const llm_call_begin_event& a, const llm_call_begin_event& b) {
    return a.query_id == b.query_id;
  }
};

struct llm_call_end_event {
  static constexpr event_kind kind_tag = event_kind::llm_call_end;
  std::string query_id;
  std::optional<token_usage> usage;
  friend bool operator==(const llm_call_end_event& a, const llm_call_end_event& b) {
    return a.query_id == b.query_id && a.usage == b.usage;
  }
};

/// Last event of a subscription, after the terminal transition.
struct closed_event {
  static constexpr event_kind kind_tag = event_kind::closed;
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

event_kind kind_of(const event_body& body);

/// The JSON `"kind"` tag of an event (`state_transition`, `closed`, ...).
std::string_view event_kind_name(const event_body& body);

}  // namespace alc
