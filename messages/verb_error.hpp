#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "messages/name_table.hpp"

namespace alc {

/// Typed failures of the registry verbs (docs/protocol.md, "Errors").
enum class error_code : uint8_t {
  not_found = 1,
  not_paused,
  already_cancelled,
  unknown_query,
  duplicate_response,
  payload_kind_mismatch,
  invalid_spec,
  capacity,
};

inline constexpr auto error_code_names =
    make_name_table<error_code>({{error_code::not_found, "not_found"},
                                 {error_code::not_paused, "not_paused"},
                                 {error_code::already_cancelled, "already_cancelled"},
                                 {error_code::unknown_query, "unknown_query"},
                                 {error_code::duplicate_response, "duplicate_response"},
                                 {error_code::payload_kind_mismatch, "payload_kind_mismatch"},
                                 {error_code::invalid_spec, "invalid_spec"},
                                 {error_code::capacity, "capacity"}});

/// "unknown" for a value outside the table: error_code crosses the CAF wire
/// as a uint8_t.
inline std::string_view to_string(error_code code) {
  return error_code_names.name(code);
}

/// A verb's error as a value: code, a message a user can act on, and for
/// `not_paused` the state the session was actually in.
struct verb_error {
  error_code code = error_code::not_found;
  std::string message;
  std::optional<std::string> actual;

  friend bool operator==(const verb_error& a, const verb_error& b) {
    return a.code == b.code && a.message == b.message && a.actual == b.actual;
  }
};

}  // namespace alc
