#include "cli/mcp/protocol.hpp"

#include <algorithm>
#include <utility>

namespace alc::cli::mcp {
namespace {

constexpr std::array<std::pair<log_severity, std::string_view>, 8> severity_names = {{
    {log_severity::debug, "debug"},
    {log_severity::info, "info"},
    {log_severity::notice, "notice"},
    {log_severity::warning, "warning"},
    {log_severity::error, "error"},
    {log_severity::critical, "critical"},
    {log_severity::alert, "alert"},
    {log_severity::emergency, "emergency"},
}};

}  // namespace

bool is_supported_version(std::string_view version) {
  return std::find(protocol_versions.begin(), protocol_versions.end(), version) !=
         protocol_versions.end();
}

std::string negotiate_version(std::string_view requested) {
  return std::string(is_supported_version(requested) ? requested : latest_protocol_version);
}

bool has_tasks(std::string_view version) {
  // Revision names are dates: later revisions compare greater.
  return version >= std::string_view{"2025-11-25"};
}

std::variant<client_hello, std::string> read_initialize(const json& params) {
  const auto version = params.find("protocolVersion");
  if (version == params.end() || !version->is_string()) {
    return std::string{"initialize needs a string 'protocolVersion'"};
  }
  client_hello hello;
  hello.requested_version = version->get<std::string>();
  if (const auto caps = params.find("capabilities"); caps != params.end()) {
    if (!caps->is_object()) return std::string{"'capabilities' must be an object"};
    const auto sampling = caps->find("sampling");
    hello.sampling = sampling != caps->end() && sampling->is_object();
  }
  if (const auto info = params.find("clientInfo"); info != params.end() && info->is_object()) {
    hello.client_info = *info;
  }
  return hello;
}

json initialize_result(std::string_view version, const server_identity& server) {
  json capabilities = {{"tools", {{"listChanged", false}}}, {"logging", json::object()}};
  if (has_tasks(version)) {
    capabilities["tasks"] = {{"list", json::object()},
                             {"cancel", json::object()},
                             {"requests", {{"tools", {{"call", json::object()}}}}}};
  }
  json result = {{"protocolVersion", std::string(version)},
                 {"capabilities", std::move(capabilities)},
                 {"serverInfo", {{"name", server.name}, {"version", server.version}}}};
  if (!server.instructions.empty()) result["instructions"] = server.instructions;
  return result;
}

std::optional<log_severity> parse_log_severity(std::string_view name) {
  for (const auto& [severity, text] : severity_names) {
    if (text == name) return severity;
  }
  return std::nullopt;
}

std::string_view to_string(log_severity severity) {
  for (const auto& [value, text] : severity_names) {
    if (value == severity) return text;
  }
  return "info";
}

log_severity severity_of_session_level(std::string_view level) {
  if (level == "error") return log_severity::error;
  if (level == "warn" || level == "warning") return log_severity::warning;
  if (level == "debug") return log_severity::debug;
  return log_severity::info;
}

json progress_token(const json& params) {
  const auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return nullptr;
  const auto token = meta->find("progressToken");
  if (token == meta->end() || !(token->is_string() || token->is_number_integer())) return nullptr;
  return *token;
}

std::optional<std::variant<task_request, std::string>> read_task_request(const json& params) {
  const auto task = params.find("task");
  if (task == params.end() || task->is_null()) return std::nullopt;
  if (!task->is_object())
    return std::variant<task_request, std::string>{"'task' must be an object"};
  task_request request;
  if (const auto ttl = task->find("ttl"); ttl != task->end() && !ttl->is_null()) {
    if (!ttl->is_number_integer() || ttl->get<int64_t>() < 0) {
      return std::variant<task_request, std::string>{"'task.ttl' must be a non-negative integer"};
    }
    request.ttl = ttl->get<int64_t>();
  }
  return std::variant<task_request, std::string>{request};
}

std::optional<cancel_notice> read_cancel_notice(const json& params) {
  const auto id = params.find("requestId");
  if (id == params.end() || !(id->is_string() || id->is_number_integer())) return std::nullopt;
  cancel_notice notice{*id, std::nullopt};
  if (const auto reason = params.find("reason"); reason != params.end() && reason->is_string()) {
    notice.reason = reason->get<std::string>();
  }
  return notice;
}

json progress_params(const json& token, double progress, double total, std::string_view message) {
  json params = {{"progressToken", token}, {"progress", progress}};
  if (total > 0) params["total"] = total;
  if (!message.empty()) params["message"] = std::string(message);
  return params;
}

json tool_result(std::string text, bool is_error) {
  return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})},
          {"isError", is_error}};
}

}  // namespace alc::cli::mcp
