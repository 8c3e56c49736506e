#pragma once

#include <string_view>

namespace alc {

/// Why `name` cannot be an `alc.state` namespace or key (they become file
/// names and JSON keys, so nothing may escape the store), or null when it can:
/// empty, a NUL byte, '/', '\' or "..".
const char* invalid_state_name_reason(std::string_view name);

}  // namespace alc
