#pragma once
// One `alc serve` request line decoded: the envelope (`id`, `op`) and the
// fields of its op, free of CAF so it can be tested and fuzzed on its own.

#include <string>
#include <string_view>
#include <variant>

#include <alc/values.hpp>

namespace alc::cli {

/// Error code of the protocol itself; the others are alc's verb error codes.
inline constexpr const char* bad_request = "bad_request";

struct spawn_request {
  session_spec spec;
  bool subscribe = false;
};

struct resume_request {
  std::string session_id;
  resume_payload payload;
};

struct cancel_request {
  std::string session_id;
  cancel_reason reason;  ///< `requested_at` 0 when the client gave none: the session fills it in
};

/// The ops that name a session and nothing else.
enum class session_query { state, await, subscribe, unsubscribe };
struct session_request {
  session_query query = session_query::state;
  std::string session_id;
};

enum class registry_query { list, stats };
struct registry_request {
  registry_query query = registry_query::list;
};

using operation =
    std::variant<spawn_request, resume_request, cancel_request, session_request, registry_request>;

/// A request whose envelope and fields are sound.
struct request {
  nlohmann::json id;
  operation op;
};

/// A problem in a request line, answered with `bad_request`.
struct rejection {
  nlohmann::json id;  ///< null when the line has no usable id
  std::string message;
};

/// Whether the line asks nothing (blank lines get no response).
bool is_blank_line(std::string_view line);

/// Parses and checks one request line: the JSON text, the envelope, the
/// fields of its op (docs/protocol.md). Never throws but std::bad_alloc.
std::variant<request, rejection> read_request(std::string_view line);

}  // namespace alc::cli
