#pragma once

#include <optional>
#include <string>

namespace alc::cli {

/// The whole content of the file at `path`; nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::string& path);

}  // namespace alc::cli
