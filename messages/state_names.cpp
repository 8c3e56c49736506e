#include "messages/state_names.hpp"

namespace alc {

const char* invalid_state_namespace_reason(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.find('\0') != std::string_view::npos) return "contains a NUL byte";
  if (name.find('/') != std::string_view::npos) return "contains '/'";
  if (name.find('\\') != std::string_view::npos) return "contains '\\'";
  if (name.find("..") != std::string_view::npos) return "contains '..'";
  return nullptr;
}

}  // namespace alc
