#include "messages/verb_error.hpp"

namespace alc {

std::string_view to_string(error_code code) {
  switch (code) {
    case error_code::not_found:
      return "not_found";
    case error_code::not_paused:
      return "not_paused";
    case error_code::already_cancelled:
      return "already_cancelled";
    case error_code::unknown_query:
      return "unknown_query";
    case error_code::duplicate_response:
      return "duplicate_response";
    case error_code::payload_kind_mismatch:
      return "payload_kind_mismatch";
    case error_code::invalid_spec:
      return "invalid_spec";
    case error_code::capacity:
      return "capacity";
  }
  // error_code crosses the CAF wire as a uint8_t, so an out-of-range value is possible.
  return "unknown";
}

std::optional<error_code> parse_error_code(std::string_view text) {
  for (auto code :
       {error_code::not_found, error_code::not_paused, error_code::already_cancelled,
        error_code::unknown_query, error_code::duplicate_response,
        error_code::payload_kind_mismatch, error_code::invalid_spec, error_code::capacity}) {
    if (to_string(code) == text) return code;
  }
  return std::nullopt;
}

}  // namespace alc
