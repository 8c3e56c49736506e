#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "messages/cancel_reason.hpp"
#include "messages/decoded.hpp"
#include "messages/execution_state.hpp"
#include "messages/llm_query.hpp"
#include "messages/resume_payload.hpp"
#include "messages/session_event.hpp"
#include "messages/session_spec.hpp"
#include "messages/token_usage.hpp"
#include "messages/verb_error.hpp"

namespace alc {

// Encoders: exactly the JSON shapes of design.md.
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

/// Decoders never throw; a malformed document yields a decode_error naming
/// the offending path. Specialised for every type above.
template <class T>
decoded<T> from_json_value(const nlohmann::json& json);

/// Parses `text` as JSON and decodes it; syntax errors are decode_errors too.
template <class T>
decoded<T> from_json_text(std::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return decode_error{"invalid JSON syntax"};
  return from_json_value<T>(json);
}

}  // namespace alc
