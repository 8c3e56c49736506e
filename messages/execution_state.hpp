#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/cancel_reason.hpp"
#include "messages/failure_kind.hpp"
#include "messages/llm_query.hpp"
#include "messages/name_table.hpp"
#include "messages/token_usage.hpp"

namespace alc {

/// Which alternative a state is; its name is the JSON `"state"` tag.
enum class state_kind { running, paused, done, failed, cancelled };

inline constexpr auto state_kind_names =
    make_name_table<state_kind>({{state_kind::running, "running"},
                                 {state_kind::paused, "paused"},
                                 {state_kind::done, "done"},
                                 {state_kind::failed, "failed"},
                                 {state_kind::cancelled, "cancelled"}});

/// `single` for one `alc.llm` query, `batch` for an `alc.llm_batch` of two or more.
enum class pause_kind { single, batch };

inline constexpr auto pause_kind_names =
    make_name_table<pause_kind>({{pause_kind::single, "single"}, {pause_kind::batch, "batch"}});

inline std::string_view to_string(pause_kind kind) {
  return pause_kind_names.name(kind);
}

/// What a paused session waits for.
struct pause_info {
  pause_kind kind = pause_kind::single;
  std::vector<llm_query> prompts;

  friend bool operator==(const pause_info& a, const pause_info& b) {
    return a.kind == b.kind && a.prompts == b.prompts;
  }
};

struct running_state {
  static constexpr state_kind kind_tag = state_kind::running;
  friend bool operator==(const running_state&, const running_state&) { return true; }
};

struct paused_state {
  static constexpr state_kind kind_tag = state_kind::paused;
  pause_info info;
  int64_t paused_at = 0;  ///< unix ms

  friend bool operator==(const paused_state& a, const paused_state& b) {
    return a.info == b.info && a.paused_at == b.paused_at;
  }
};

struct done_state {
  static constexpr state_kind kind_tag = state_kind::done;
  nlohmann::json value;              ///< the script's first return value (null if none)
  std::optional<token_usage> usage;  ///< absent (JSON null) when no LLM call happened
  int64_t finished_at = 0;

  friend bool operator==(const done_state& a, const done_state& b) {
    return a.value == b.value && a.usage == b.usage && a.finished_at == b.finished_at;
  }
};

struct failed_state {
  static constexpr state_kind kind_tag = state_kind::failed;
  std::string message;
  failure_kind kind = failure_kind::lua_error;
  int64_t occurred_at = 0;

  friend bool operator==(const failed_state& a, const failed_state& b) {
    return a.message == b.message && a.kind == b.kind && a.occurred_at == b.occurred_at;
  }
};

/// The non-terminal state a cancelled session was in.
using live_state = std::variant<running_state, paused_state>;

struct cancelled_state {
  static constexpr state_kind kind_tag = state_kind::cancelled;
  cancel_reason reason;
  int64_t observed_at = 0;
  live_state state_before;

  friend bool operator==(const cancelled_state& a, const cancelled_state& b) {
    return a.reason == b.reason && a.observed_at == b.observed_at &&
           a.state_before == b.state_before;
  }
};

using execution_state =
    std::variant<running_state, paused_state, done_state, failed_state, cancelled_state>;

/// How a session ended; every awaiter receives it.
using terminal_outcome = std::variant<done_state, failed_state, cancelled_state>;

state_kind kind_of(const execution_state& state);
state_kind kind_of(const terminal_outcome& outcome);

/// `running`, `paused`, `done`, `failed` or `cancelled`.
std::string_view state_name(const execution_state& state);
std::string_view state_name(const terminal_outcome& outcome);
bool is_terminal(const execution_state& state);
execution_state to_execution_state(const terminal_outcome& outcome);
/// The terminal outcome held by `state`, if it is terminal.
std::optional<terminal_outcome> to_terminal_outcome(const execution_state& state);

/// A failure for people: `kind: message`, the kind once even when the
/// message already starts with it (`memory_limit: the script exceeded ...`).
std::string describe(const failed_state& failed);

}  // namespace alc
