#pragma once
// The MCP layer over JSON-RPC that needs no runtime: revision negotiation,
// the initialize exchange, logging levels, progress tokens, task metadata
// and cancellation notices. Pure functions, so unit tests and the fuzzer
// reach every branch.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "cli/mcp/jsonrpc.hpp"

namespace alc::cli::mcp {

/// The revisions alc speaks, newest first: the current one and the older
/// ones the official TypeScript SDK still offers.
inline constexpr std::array<std::string_view, 4> protocol_versions = {"2025-11-25", "2025-06-18",
                                                                      "2025-03-26", "2024-11-05"};
inline constexpr std::string_view latest_protocol_version = protocol_versions[0];

/// The client's revision when alc speaks it, else the latest (the client
/// then decides whether it can go on, as the lifecycle prescribes).
std::string negotiate_version(std::string_view requested);
bool is_supported_version(std::string_view version);
/// Whether `version` has MCP Tasks (2025-11-25 on).
bool has_tasks(std::string_view version);

/// What the client said about itself in `initialize`.
struct client_hello {
  std::string requested_version;
  bool sampling = false;  ///< it can answer sampling/createMessage
  json client_info = json::object();
};

/// `initialize` params, or the reason they are unusable (invalid params).
std::variant<client_hello, std::string> read_initialize(const json& params);

struct server_identity {
  std::string name;
  std::string version;
  std::string instructions;
};

/// The `initialize` result for the negotiated `version`.
json initialize_result(std::string_view version, const server_identity& server);

/// RFC 5424 severities, as `logging/setLevel` and `notifications/message` name them.
enum class log_severity { debug, info, notice, warning, error, critical, alert, emergency };
std::optional<log_severity> parse_log_severity(std::string_view name);
std::string_view to_string(log_severity severity);
/// The severity of a session's log level (`alc.log`, `print`): its text as
/// the script gave it, unknown names as info.
log_severity severity_of_session_level(std::string_view level);

/// `params._meta.progressToken` (a string or an integer), null when absent.
json progress_token(const json& params);

/// `params.task` of a task-augmented request.
struct task_request {
  std::optional<int64_t> ttl;  ///< ms the requestor would like the task kept
};
/// nullopt: no task asked; a string: a malformed `task` field.
std::optional<std::variant<task_request, std::string>> read_task_request(const json& params);

/// `notifications/cancelled`.
struct cancel_notice {
  json request_id;
  std::optional<std::string> reason;
};
std::optional<cancel_notice> read_cancel_notice(const json& params);

/// `notifications/progress` params; `total` 0 leaves it out.
json progress_params(const json& token, double progress, double total, std::string_view message);

/// A tool result: one text block, `isError` as given.
json tool_result(std::string text, bool is_error);

}  // namespace alc::cli::mcp
