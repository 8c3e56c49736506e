#pragma once
// The envelope of an `alc serve` request line: `id` and `op`.

#include <string>
#include <variant>

#include <alc/values.hpp>

namespace alc::cli {

/// Error code of the protocol itself; the others are alc's verb error codes.
inline constexpr const char* bad_request = "bad_request";

/// A request whose envelope (`id`, `op`) is sound; `body` is the whole object.
struct request {
  nlohmann::json id;
  std::string op;
  const nlohmann::json* body = nullptr;
};

/// A problem in a request line, answered with `bad_request`.
struct rejection {
  nlohmann::json id;  ///< null when the line has no usable id
  std::string message;
};

/// Checks the envelope of one parsed request line.
std::variant<request, rejection> read_envelope(const nlohmann::json& doc);

}  // namespace alc::cli
