#pragma once
// Internal to messages/: the readers and encoders one type's codec borrows
// from another's (a paused state holds queries, an event holds a state).

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "messages/json_codec.hpp"
#include "messages/json_reader.hpp"

namespace alc::codec {

/// An absent optional encodes as JSON null.
inline nlohmann::json optional_json(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}
inline nlohmann::json optional_json(const std::optional<token_usage>& usage) {
  return usage ? to_json_value(*usage) : nlohmann::json(nullptr);
}
/// Only the counts the host reported.
nlohmann::json optional_json(const std::optional<reported_usage>& usage);

// Each reader expects its type's JSON object at `r` (token_usage_codec.cpp, ...).
token_usage read_token_usage(const json_reader& r);
/// null or missing reads as no usage.
std::optional<token_usage> read_optional_usage(const json_reader& r);
/// A host's usage: either count may be missing (or null); null or missing
/// as a whole reads as no usage.
std::optional<reported_usage> read_reported_usage(const json_reader& r);
llm_query read_llm_query(const json_reader& r);
cancel_reason read_cancel_reason(const json_reader& r);
pause_info read_pause_info(const json_reader& r);
execution_state read_execution_state(const json_reader& r);

}  // namespace alc::codec
