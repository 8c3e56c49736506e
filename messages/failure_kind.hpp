#pragma once

#include <optional>
#include <string_view>

namespace alc {

/// Why a session ended `failed`.
enum class failure_kind {
  lua_error,     ///< the script raised an error it did not catch
  memory_limit,  ///< the VM reached its memory cap
  cpu_limit,     ///< the script used more CPU time than allowed
  timeout,       ///< the session exceeded its wall-clock limit
  engine_error,  ///< the runtime itself failed (bug, dead actor)
};

std::string_view to_string(failure_kind kind);
std::optional<failure_kind> parse_failure_kind(std::string_view text);

}  // namespace alc
