#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lua_bridge/environment_variables.hpp"

namespace alc {

/// The process environment variables scripts may read with `os.getenv`:
/// those matching one of `patterns` (`NAME`, or `PREFIX*` for every name
/// that starts with PREFIX). Read once, when a runtime starts, so every
/// session of the runtime sees the same values and no session reads the
/// environment while another thread may change it.
std::shared_ptr<const environment_variables> allowed_environment(
    const std::vector<std::string>& patterns);

/// Whether `name` matches one of `patterns` (the rule above).
bool environment_name_allowed(const std::vector<std::string>& patterns, std::string_view name);

}  // namespace alc
