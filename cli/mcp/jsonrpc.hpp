#pragma once
// JSON-RPC 2.0 as MCP uses it: one message per line (stdio) or per HTTP
// body, decoded and encoded without CAF so it can be tested and fuzzed on
// its own. MCP narrows JSON-RPC: ids are strings or integers (never null),
// params are objects, and batches are gone since revision 2025-06-18.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <alc/values.hpp>

namespace alc::cli::mcp {

using json = nlohmann::json;

/// The error codes of JSON-RPC 2.0 that MCP uses.
namespace rpc_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
}  // namespace rpc_code

struct rpc_error {
  int code = rpc_code::internal_error;
  std::string message;
  json data;  ///< null: no `data` member
};

/// A call that wants an answer. `params` is an object (empty when absent).
struct rpc_request {
  json id;
  std::string method;
  json params = json::object();
};

/// A call that wants none.
struct rpc_notification {
  std::string method;
  json params = json::object();
};

/// The peer's answer to a request of ours: `result`, or `error`.
struct rpc_response {
  json id;
  json result;
  std::optional<rpc_error> error;
};

/// A message that is not valid JSON-RPC; answered with `error` under `id`
/// (null when the message has no usable id).
struct rpc_rejection {
  json id;
  rpc_error error;
};

using rpc_message = std::variant<rpc_request, rpc_notification, rpc_response, rpc_rejection>;

/// Decodes one message. Never throws but std::bad_alloc.
rpc_message read_rpc_message(std::string_view text);

/// Whether a stdio line holds nothing (blank lines are skipped, not refused).
bool is_blank(std::string_view line);

// The encoders write compact JSON on one line, `jsonrpc` and `id` first.
std::string result_message(const json& id, const json& result);
std::string error_message(const json& id, const rpc_error& error);
std::string notification_message(std::string_view method, const json& params);
std::string request_message(const json& id, std::string_view method, const json& params);

}  // namespace alc::cli::mcp
