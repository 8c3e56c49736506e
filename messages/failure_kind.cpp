#include "messages/failure_kind.hpp"

namespace alc {

std::string_view to_string(failure_kind kind) {
  switch (kind) {
    case failure_kind::lua_error:
      return "lua_error";
    case failure_kind::memory_limit:
      return "memory_limit";
    case failure_kind::cpu_limit:
      return "cpu_limit";
    case failure_kind::timeout:
      return "timeout";
    case failure_kind::engine_error:
      return "engine_error";
  }
  return "unknown";  // only for out-of-range values, e.g. a corrupted wire message
}

std::optional<failure_kind> parse_failure_kind(std::string_view text) {
  for (auto kind : {failure_kind::lua_error, failure_kind::memory_limit, failure_kind::cpu_limit,
                    failure_kind::timeout, failure_kind::engine_error}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

}  // namespace alc
