#include "messages/module_names.hpp"

#include "messages/limits.hpp"

namespace alc {

namespace {

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

const char* invalid_module_name_reason(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > max_module_name_chars) return "is longer than 200 characters";
  static_assert(max_module_name_chars == 200, "update the message above");
  bool segment_empty = true;
  for (const char c : name) {
    if (c == '.') {
      if (segment_empty) return "has an empty segment";
      segment_empty = true;
    } else if (is_name_char(c)) {
      segment_empty = false;
    } else {
      return "has a character outside [A-Za-z0-9_.]";
    }
  }
  if (segment_empty) return "has an empty segment";
  return nullptr;
}

}  // namespace alc
