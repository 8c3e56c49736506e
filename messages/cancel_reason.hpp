#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace alc {

/// Who or what asked for a cancellation.
enum class cancel_code { user, timeout, parent_dropped, system_shutdown, internal };

std::string_view to_string(cancel_code code);
std::optional<cancel_code> parse_cancel_code(std::string_view text);

/// The caller's reason, recorded verbatim in the `cancelled` state.
struct cancel_reason {
  cancel_code code = cancel_code::user;
  std::string detail;
  int64_t requested_at = 0;  ///< unix ms

  friend bool operator==(const cancel_reason& a, const cancel_reason& b) {
    return a.code == b.code && a.detail == b.detail && a.requested_at == b.requested_at;
  }
};

}  // namespace alc
