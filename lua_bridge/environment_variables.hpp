#pragma once

#include <functional>
#include <map>
#include <string>

namespace alc {

/// The variables `os.getenv` may answer with, by name.
using environment_variables = std::map<std::string, std::string, std::less<>>;

}  // namespace alc
