// The message decoders: every from_json_value<T> of messages/json_codec.hpp
// (and of state_call / card_call), and wire_read, on one input each run.
// Properties: decoding never throws or crashes; a decoded value re-encodes
// to JSON that decodes again to the same value (text and tree alike).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "messages/card_call_codec.hpp"
#include "messages/json_codec.hpp"
#include "messages/state_call_codec.hpp"
#include "messages/wire.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using alc::decoded;
using nlohmann::json;

template <class T>
void check_round_trip(const T& value, const char* type) {
  const json encoded = alc::to_json_value(value);
  const decoded<T> again = alc::from_json_value<T>(encoded);
  alc::fuzz::require(again.ok(), type,
                     "re-encoded value does not decode: " + encoded.dump() +
                         (again.ok() ? "" : "\n" + again.error().message));
  alc::fuzz::require(alc::to_json_value(again.value()) == encoded, type,
                     "round trip changed the value: " + encoded.dump());
  const decoded<T> from_text = alc::from_json_text<T>(alc::to_json_text(encoded));
  alc::fuzz::require(from_text.ok() && alc::to_json_value(from_text.value()) == encoded, type,
                     "text round trip changed the value: " + encoded.dump());
}

template <class T>
void decode_as(const json& document, const char* type) {
  const decoded<T> value = alc::from_json_value<T>(document);
  if (!value) {
    alc::fuzz::require(!value.error().message.empty(), type, "a decode error without a message");
    return;
  }
  check_round_trip(value.value(), type);
}

// reported_usage has no encoder of its own: decoding is the whole contract.
template <>
void decode_as<alc::reported_usage>(const json& document, const char*) {
  (void)alc::from_json_value<alc::reported_usage>(document);
}

template <class T>
void wire_read_as(const std::string& text, const char* type) {
  T value;
  const caf::error error = alc::wire_read(text, value);
  if (error) return;
  T again;
  alc::fuzz::require(!alc::wire_read(alc::wire_text(value), again), type,
                     "wire_text of a value wire_read accepted is refused");
  alc::fuzz::require(alc::to_json_value(again) == alc::to_json_value(value), type,
                     "the wire round trip changed the value");
}

void decode_everything(const json& document) {
  decode_as<alc::token_usage>(document, "token_usage");
  decode_as<alc::reported_usage>(document, "reported_usage");
  decode_as<alc::llm_query>(document, "llm_query");
  decode_as<alc::pause_info>(document, "pause_info");
  decode_as<alc::cancel_reason>(document, "cancel_reason");
  decode_as<alc::execution_state>(document, "execution_state");
  decode_as<alc::terminal_outcome>(document, "terminal_outcome");
  decode_as<alc::session_spec>(document, "session_spec");
  decode_as<alc::query_response>(document, "query_response");
  decode_as<alc::resume_payload>(document, "resume_payload");
  decode_as<alc::resume_outcome>(document, "resume_outcome");
  decode_as<alc::session_event>(document, "session_event");
  decode_as<alc::verb_error>(document, "verb_error");
  decode_as<alc::session_summary>(document, "session_summary");
  decode_as<alc::registry_stats>(document, "registry_stats");
  decode_as<alc::state_call>(document, "state_call");
  decode_as<alc::card_call>(document, "card_call");
}

void wire_read_everything(const std::string& text) {
  wire_read_as<alc::session_spec>(text, "session_spec");
  wire_read_as<alc::execution_state>(text, "execution_state");
  wire_read_as<alc::terminal_outcome>(text, "terminal_outcome");
  wire_read_as<alc::resume_payload>(text, "resume_payload");
  wire_read_as<alc::resume_outcome>(text, "resume_outcome");
  wire_read_as<alc::cancel_reason>(text, "cancel_reason");
  wire_read_as<alc::session_event>(text, "session_event");
  wire_read_as<alc::session_summary>(text, "session_summary");
  wire_read_as<alc::registry_stats>(text, "registry_stats");
  wire_read_as<alc::verb_error>(text, "verb_error");
  wire_read_as<alc::state_call>(text, "state_call");
  wire_read_as<alc::card_call>(text, "card_call");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The wire carries JSON text; wire_read parses it itself.
  wire_read_everything(text);
  const decoded<json> document = alc::parse_json_text(text);
  if (!document) {
    alc::fuzz::require(!document.error().message.empty(), "parse_json_text",
                       "a syntax error without a message");
    return 0;
  }
  decode_everything(document.value());
  return 0;
}
