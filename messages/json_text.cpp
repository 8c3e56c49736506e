#include "messages/json_text.hpp"

#include <exception>

namespace alc {

namespace {

// nlohmann quotes the raw bytes it read, which may be invalid UTF-8; escaping
// every non-ASCII byte keeps the message safe to embed in a JSON answer.
std::string escape_non_ascii(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out += c;
    } else {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0x0F];
    }
  }
  return out;
}

// "[json.exception.parse_error.101] parse error at line 1, column 7: syntax ..."
// → "invalid JSON at line 1, column 7: syntax ..."
std::string describe_parse_failure(std::string_view what) {
  constexpr std::string_view position_prefix = "parse error at ";
  constexpr std::string_view plain_prefix = "parse error: ";
  std::string message;
  if (auto at = what.find(position_prefix); at != std::string_view::npos) {
    message = "invalid JSON at " + std::string{what.substr(at + position_prefix.size())};
  } else if (auto at = what.find(plain_prefix); at != std::string_view::npos) {
    message = "invalid JSON: " + std::string{what.substr(at + plain_prefix.size())};
  } else if (auto at = what.find("] "); at != std::string_view::npos) {
    message = "invalid JSON: " + std::string{what.substr(at + 2)};
  } else {
    message = "invalid JSON: " + std::string{what};
  }
  return escape_non_ascii(message);
}

}  // namespace

decoded<nlohmann::json> parse_json_text(std::string_view text) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    return decode_error{describe_parse_failure(e.what())};
  }
}

std::string to_json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace alc
