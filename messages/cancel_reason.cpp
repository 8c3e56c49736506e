#include "messages/cancel_reason.hpp"

namespace alc {

std::string_view to_string(cancel_code code) {
  switch (code) {
    case cancel_code::user:
      return "user";
    case cancel_code::timeout:
      return "timeout";
    case cancel_code::parent_dropped:
      return "parent_dropped";
    case cancel_code::system_shutdown:
      return "system_shutdown";
    case cancel_code::internal:
      return "internal";
  }
  return "unknown";  // only for out-of-range values, e.g. a corrupted wire message
}

std::optional<cancel_code> parse_cancel_code(std::string_view text) {
  for (auto code : {cancel_code::user, cancel_code::timeout, cancel_code::parent_dropped,
                    cancel_code::system_shutdown, cancel_code::internal}) {
    if (to_string(code) == text) return code;
  }
  return std::nullopt;
}

}  // namespace alc
