#pragma once

#include <string_view>

namespace alc {

/// Why `name` cannot be an `alc.state` namespace, or null when it can. A
/// namespace names a file of the store (`<dir>/<namespace>.json`), so it may
/// not be empty or hold a NUL byte, '/', '\' or "..". Keys are any string:
/// they only name entries inside that file's JSON object.
const char* invalid_state_namespace_reason(std::string_view name);

}  // namespace alc
