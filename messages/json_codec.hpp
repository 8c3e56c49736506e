#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "messages/cancel_reason.hpp"
#include "messages/decoded.hpp"
#include "messages/execution_state.hpp"
#include "messages/json_text.hpp"
#include "messages/limits.hpp"
#include "messages/llm_query.hpp"
#include "messages/resume_payload.hpp"
#include "messages/session_event.hpp"
#include "messages/session_spec.hpp"
#include "messages/session_summary.hpp"
#include "messages/token_usage.hpp"
#include "messages/verb_error.hpp"

namespace alc {

// Encoders: exactly the JSON shapes of docs/protocol.md. Each type's codec
// lives beside the type (messages/<type>_codec.cpp); all decode through
// messages/json_reader.hpp.
nlohmann::json to_json_value(const token_usage& usage);
nlohmann::json to_json_value(const llm_query& query);
nlohmann::json to_json_value(const pause_info& info);
nlohmann::json to_json_value(const cancel_reason& reason);
nlohmann::json to_json_value(const execution_state& state);
nlohmann::json to_json_value(const terminal_outcome& outcome);
nlohmann::json to_json_value(const session_spec& spec);
nlohmann::json to_json_value(const query_response& response);
nlohmann::json to_json_value(const resume_payload& payload);
nlohmann::json to_json_value(const resume_outcome& outcome);
nlohmann::json to_json_value(const session_event& event);
nlohmann::json to_json_value(const verb_error& error);
nlohmann::json to_json_value(const session_metrics& metrics);
nlohmann::json to_json_value(const session_summary& summary);
nlohmann::json to_json_value(const registry_stats& stats);

/// Decoders never throw; a malformed document (or one nesting deeper than
/// max_json_depth, messages/limits.hpp) yields a decode_error naming the
/// offending path. Specialised for every type above but session_metrics.
template <class T>
decoded<T> from_json_value(const nlohmann::json& json);

template <>
decoded<token_usage> from_json_value<token_usage>(const nlohmann::json& json);
/// Either count may be missing; null decodes as an error (no usage object).
template <>
decoded<reported_usage> from_json_value<reported_usage>(const nlohmann::json& json);
template <>
decoded<llm_query> from_json_value<llm_query>(const nlohmann::json& json);
template <>
decoded<pause_info> from_json_value<pause_info>(const nlohmann::json& json);
template <>
decoded<cancel_reason> from_json_value<cancel_reason>(const nlohmann::json& json);
template <>
decoded<execution_state> from_json_value<execution_state>(const nlohmann::json& json);
template <>
decoded<terminal_outcome> from_json_value<terminal_outcome>(const nlohmann::json& json);
template <>
decoded<session_spec> from_json_value<session_spec>(const nlohmann::json& json);
template <>
decoded<query_response> from_json_value<query_response>(const nlohmann::json& json);
template <>
decoded<resume_payload> from_json_value<resume_payload>(const nlohmann::json& json);
template <>
decoded<resume_outcome> from_json_value<resume_outcome>(const nlohmann::json& json);
template <>
decoded<session_event> from_json_value<session_event>(const nlohmann::json& json);
template <>
decoded<verb_error> from_json_value<verb_error>(const nlohmann::json& json);
template <>
decoded<session_summary> from_json_value<session_summary>(const nlohmann::json& json);
template <>
decoded<registry_stats> from_json_value<registry_stats>(const nlohmann::json& json);

/// A caller's cancel reason (`alc serve`'s `cancel`, `alc mcp`'s
/// alc_v2_cancel): every field optional — `code` user, `detail` null,
/// `requested_at` 0, which the session reads as now; null is all defaults.
decoded<cancel_reason> cancel_reason_from_request(const nlohmann::json& given);

/// Parses `text` as JSON and decodes it; syntax errors are decode_errors too.
template <class T>
decoded<T> from_json_text(std::string_view text) {
  decoded<nlohmann::json> json = parse_json_text(text);
  if (!json) return json.error();
  return from_json_value<T>(json.value());
}

}  // namespace alc
