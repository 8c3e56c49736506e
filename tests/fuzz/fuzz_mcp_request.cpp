// One message of `alc mcp` (JSON-RPC 2.0, docs/mcp.md) as the server reads
// it: the envelope, then the params every method decodes without a runtime
// (initialize, task metadata, progress tokens, cancellation, a tool's
// arguments and alc_status' pending_filter), and the error line of a
// rejection. No actor system: all of it is CAF-free.
// Properties: nothing throws or crashes; every rejection is answered with
// one line of JSON-RPC carrying a usable id (or null) and a JSON-RPC code.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "cli/mcp/jsonrpc.hpp"
#include "cli/mcp/protocol.hpp"
#include "cli/mcp/status_view.hpp"
#include "cli/mcp/tool_arguments.hpp"
#include "cli/mcp/tool_catalog.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace alc::cli::mcp;

void check_rejection(const rpc_rejection& problem) {
  alc::fuzz::require(!problem.error.message.empty(), "rejection", "no message");
  alc::fuzz::require(
      problem.id.is_null() || problem.id.is_string() || problem.id.is_number_integer(), "rejection",
      "unusable id");
  alc::fuzz::require(problem.error.code <= -32600 || problem.error.code == rpc_code::parse_error,
                     "rejection", "not a JSON-RPC code");
  const std::string line = error_message(problem.id, problem.error);
  alc::fuzz::require(line.find('\n') == std::string::npos, "error line", line);
  const auto parsed = alc::parse_json_text(line);
  alc::fuzz::require(parsed.ok(), "error line is not JSON", line);
  alc::fuzz::require(parsed.value().at("id") == problem.id, "error line lost the id", line);
}

/// Reads every field the way the tools do, whatever their names mean here.
void read_arguments(const json& arguments) {
  tool_arguments args(arguments);
  (void)args.required_string("session_id");
  (void)args.optional_string("code");
  (void)args.optional_bool("include_history");
  (void)args.optional_unsigned("limit");
  (void)args.optional_integer("depth");
  (void)args.optional_value("ctx");
  (void)args.optional_object_or_text("payload");
  (void)args.optional_array("responses");
  if (!args.ok()) alc::fuzz::require(!args.error().empty(), "tool_arguments", "no message");
  if (arguments.is_object()) {
    const auto filter = arguments.find("pending_filter");
    if (filter != arguments.end()) (void)read_pending_filter(*filter, 200);
  }
}

void read_request(const rpc_request& request) {
  alc::fuzz::require(request.id.is_string() || request.id.is_number_integer(), "request", "bad id");
  alc::fuzz::require(request.params.is_object(), "request", "params not an object");
  (void)progress_token(request.params);
  (void)read_task_request(request.params);
  if (request.method == "initialize") {
    const auto hello = read_initialize(request.params);
    if (const auto* ok = std::get_if<client_hello>(&hello)) {
      (void)initialize_result(negotiate_version(ok->requested_version), {"alc", "0", ""});
    }
  }
  if (request.method == "logging/setLevel") {
    const auto level = request.params.find("level");
    if (level != request.params.end() && level->is_string()) {
      (void)parse_log_severity(level->get_ref<const std::string&>());
    }
  }
  if (request.method == "tools/call") {
    const auto name = request.params.find("name");
    if (name != request.params.end() && name->is_string()) {
      (void)find_tool(name->get_ref<const std::string&>());
    }
    const auto arguments = request.params.find("arguments");
    read_arguments(arguments == request.params.end() ? json(nullptr) : *arguments);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find('\n') != std::string::npos) return -1;  // stdio: one message per line
  if (is_blank(text)) return 0;
  const auto message = read_rpc_message(text);
  if (const auto* problem = std::get_if<rpc_rejection>(&message)) {
    check_rejection(*problem);
  } else if (const auto* request = std::get_if<rpc_request>(&message)) {
    read_request(*request);
  } else if (const auto* notice = std::get_if<rpc_notification>(&message)) {
    if (notice->method == "notifications/cancelled") (void)read_cancel_notice(notice->params);
  }
  return 0;
}
