#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "messages/name_table.hpp"

namespace alc {

/// Who or what asked for a cancellation.
enum class cancel_code { user, timeout, parent_dropped, system_shutdown, internal };

inline constexpr auto cancel_code_names =
    make_name_table<cancel_code>({{cancel_code::user, "user"},
                                  {cancel_code::timeout, "timeout"},
                                  {cancel_code::parent_dropped, "parent_dropped"},
                                  {cancel_code::system_shutdown, "system_shutdown"},
                                  {cancel_code::internal, "internal"}});

inline std::string_view to_string(cancel_code code) {
  return cancel_code_names.name(code);
}

/// The caller's reason, recorded verbatim in the `cancelled` state.
struct cancel_reason {
  cancel_code code = cancel_code::user;
  /// The caller's words; null when it gave none (not "").
  std::optional<std::string> detail;
  int64_t requested_at = 0;  ///< unix ms

  friend bool operator==(const cancel_reason& a, const cancel_reason& b) {
    return a.code == b.code && a.detail == b.detail && a.requested_at == b.requested_at;
  }
};

}  // namespace alc
