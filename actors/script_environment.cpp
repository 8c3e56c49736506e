#include "actors/script_environment.hpp"

#include <string_view>

extern char** environ;

namespace alc {

bool environment_name_allowed(const std::vector<std::string>& patterns, std::string_view name) {
  for (const std::string& pattern : patterns) {
    const std::string_view p(pattern);
    if (!p.empty() && p.back() == '*') {
      if (name.substr(0, p.size() - 1) == p.substr(0, p.size() - 1)) return true;
    } else if (name == p) {
      return true;
    }
  }
  return false;
}

std::shared_ptr<const environment_variables> allowed_environment(
    const std::vector<std::string>& patterns) {
  auto variables = std::make_shared<environment_variables>();
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    const auto name = text.substr(0, equals);
    if (environment_name_allowed(patterns, name)) {
      variables->emplace(std::string(name), std::string(text.substr(equals + 1)));
    }
  }
  return variables;
}

}  // namespace alc
