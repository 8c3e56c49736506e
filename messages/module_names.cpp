#include "messages/module_names.hpp"

#include "messages/limits.hpp"

namespace alc {

namespace {

// Anything a directory name may hold, except what could leave the root
// (`/`, a backslash; `..` is an empty segment) or hide in a listing (control
// characters, NUL among them).
bool is_name_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return c != '/' && c != '\\' && byte >= 0x20 && byte != 0x7f;
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
      return "has a character that cannot be in a module name (/, \\ or a control character)";
    }
  }
  if (segment_empty) return "has an empty segment";
  return nullptr;
}

}  // namespace alc
