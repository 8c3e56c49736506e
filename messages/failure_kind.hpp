#pragma once

#include <string_view>

#include "messages/name_table.hpp"

namespace alc {

/// Why a session ended `failed`.
enum class failure_kind {
  lua_error,     ///< the script raised an error it did not catch
  memory_limit,  ///< the VM reached its memory cap
  cpu_limit,     ///< the script used more CPU time than allowed
  timeout,       ///< wall-clock limit; in the design's wire vocabulary, nothing raises it yet
  engine_error,  ///< the runtime itself failed (bug, dead actor)
};

inline constexpr auto failure_kind_names =
    make_name_table<failure_kind>({{failure_kind::lua_error, "lua_error"},
                                   {failure_kind::memory_limit, "memory_limit"},
                                   {failure_kind::cpu_limit, "cpu_limit"},
                                   {failure_kind::timeout, "timeout"},
                                   {failure_kind::engine_error, "engine_error"}});

inline std::string_view to_string(failure_kind kind) {
  return failure_kind_names.name(kind);
}

}  // namespace alc
