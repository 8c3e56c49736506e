#pragma once
// alc_status: a session's snapshot in algocline's shape, and the
// pending_filter that projects its pending prompts. Pure.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <alc/values.hpp>

#include "cli/mcp/jsonrpc.hpp"

namespace alc::cli::mcp {

/// Which keys of a pending query alc_status shows.
struct pending_filter {
  bool query_id = false;
  bool max_tokens = false;
  bool system = false;
  bool grounded = false;
  bool underspecified = false;
  bool role = false;
  bool cache_breakpoint = false;
  enum class prompt_mode { off, preview, full } prompt = prompt_mode::off;
  std::size_t preview_chars = 0;
};

/// A preset name or a custom object (null or absent: no filter);
/// `preview_chars` is N of the `preview` preset. A string: the error text.
std::variant<std::optional<pending_filter>, std::string> read_pending_filter(
    const std::optional<json>& value, std::size_t preview_chars);

json project_pending(const llm_query& query, const pending_filter& filter);

/// The first `chars` Unicode scalars of `text` (whole when shorter).
std::string utf8_prefix(const std::string& text, std::size_t chars);

/// What alc_status knows of one session.
struct session_view {
  session_summary summary;
  execution_state state;
  std::optional<std::string> strategy;
  std::vector<json> recent_logs;  ///< {ts, level, source, message}, oldest first
  std::optional<progress_event> progress;
  std::vector<json> history;  ///< {query_id, prompt, response, ...}, oldest first
};

json status_snapshot(const session_view& view, const std::optional<pending_filter>& filter,
                     bool include_history, int64_t now_ms);

}  // namespace alc::cli::mcp
