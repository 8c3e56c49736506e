#pragma once

#include <string_view>

namespace alc {

/// Why `name` cannot name a Lua module (`require`, an advice strategy, an
/// `alc.fork` strategy), or null when it can: segments of [A-Za-z0-9_]
/// separated by single dots, at most max_module_name_chars (limits.hpp).
/// A valid name cannot climb out of the package path (no `/`, no `..`).
const char* invalid_module_name_reason(std::string_view name);

}  // namespace alc
