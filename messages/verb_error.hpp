#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace alc {

/// Typed failures of the registry verbs (design.md, "Verbs").
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

std::string_view to_string(error_code code);
std::optional<error_code> parse_error_code(std::string_view text);

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
