#include "cli/text_file.hpp"

#include <fstream>
#include <sstream>

namespace alc::cli {

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace alc::cli
