#pragma once

#include <string_view>

namespace alc {

/// Why `name` cannot name a Lua module (`require`, an advice strategy, an
/// `alc.fork` strategy), or null when it can: non-empty segments separated
/// by single dots, of any characters a directory name may hold (so
/// `my-strategy` works, as in the original) but `/`, `\` and control
/// characters; at most max_module_name_chars (limits.hpp). A valid name
/// cannot climb out of a package root (no `/`, no `..`).
const char* invalid_module_name_reason(std::string_view name);

}  // namespace alc
