#include "messages/session_spec.hpp"

#include <string_view>

namespace alc {

namespace {

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos;
}

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// `[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*`: a Lua module name that cannot climb out of
// the package path (no `/`, no `..`, no empty segment).
bool is_module_name(std::string_view name) {
  bool segment_empty = true;
  for (char c : name) {
    if (c == '.') {
      if (segment_empty) return false;
      segment_empty = true;
    } else if (is_name_char(c)) {
      segment_empty = false;
    } else {
      return false;
    }
  }
  return !segment_empty;
}

std::optional<std::string> validate_kind(const run_spec& run) {
  if (is_blank(run.code)) return std::string{"run spec: code is empty"};
  return std::nullopt;
}

std::optional<std::string> validate_kind(const advice_spec& advice) {
  if (advice.strategy.empty()) return std::string{"advice spec: strategy is empty"};
  if (!is_module_name(advice.strategy)) {
    return "advice spec: strategy '" + advice.strategy +
           "' is not a module name (expected dot-separated [A-Za-z0-9_] segments, e.g. 'cot')";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> validate(const session_spec& spec) {
  if (auto problem = std::visit([](const auto& kind) { return validate_kind(kind); }, spec.kind)) {
    return problem;
  }
  if (!spec.ctx.is_object()) return std::string{"ctx must be a JSON object"};
  return std::nullopt;
}

}  // namespace alc
