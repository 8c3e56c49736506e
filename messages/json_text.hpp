#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "messages/decoded.hpp"

namespace alc {

/// Parses `text` as one JSON document; a syntax error becomes a decode_error
/// carrying nlohmann's position, e.g. `invalid JSON at line 1, column 7: ...`.
decoded<nlohmann::json> parse_json_text(std::string_view text);

/// Serialises compactly without throwing: invalid UTF-8 (possible in strings
/// that came from Lua) is replaced by U+FFFD instead of raising type_error 316.
std::string to_json_text(const nlohmann::json& json);

}  // namespace alc
