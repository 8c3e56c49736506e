#pragma once
// The result texts of algocline's legacy session tools (alc_run,
// alc_advice, alc_continue): needs_response, accepted, completed, error,
// cancelled, and the stats they carry. Pure: built from alc's values.

#include <cstdint>
#include <string>

#include <alc/values.hpp>

#include "cli/mcp/jsonrpc.hpp"

namespace alc::cli::mcp {

/// Where a session's token counts came from, weakest first.
enum class token_source { estimated, provided, definite };
std::string_view to_string(token_source source);

/// `stats.auto` of a finished session; `budget` is ctx.budget as given
/// (null: none). `elapsed_ms` is the session's wall time.
json auto_stats(const session_metrics& metrics, int64_t elapsed_ms, token_source source,
                const json& budget);

/// needs_response: one query flat (`query_id`, `prompt`, ...), several as `queries`.
json needs_response(const std::string& session_id, const pause_info& pause);
json accepted_result(std::size_t remaining);
/// completed / error / cancelled for a session that ended with `outcome`.
json ended_result(const terminal_outcome& outcome, const json& stats);
/// A failed session's message as the original words it (`lua error: ...`).
std::string error_text(const failed_state& failed);

}  // namespace alc::cli::mcp
