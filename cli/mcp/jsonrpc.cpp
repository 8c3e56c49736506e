#include "cli/mcp/jsonrpc.hpp"

#include <utility>

namespace alc::cli::mcp {
namespace {

bool valid_id(const json& id) {
  return id.is_string() || id.is_number_integer();
}

rpc_rejection invalid(json id, std::string message) {
  return rpc_rejection{std::move(id), rpc_error{rpc_code::invalid_request, std::move(message), {}}};
}

/// `params` must be an object when present: MCP has no positional params.
std::optional<rpc_rejection> read_params(const json& doc, const json& id, json& params) {
  const auto field = doc.find("params");
  if (field == doc.end() || field->is_null()) return std::nullopt;
  if (!field->is_object()) {
    return rpc_rejection{id, rpc_error{rpc_code::invalid_params, "params must be an object", {}}};
  }
  params = *field;
  return std::nullopt;
}

rpc_message read_response(const json& doc, const json& id) {
  const auto result = doc.find("result");
  const auto error = doc.find("error");
  if ((result == doc.end()) == (error == doc.end())) {
    return invalid(id, "a response has exactly one of 'result' and 'error'");
  }
  rpc_response response{id, nullptr, std::nullopt};
  if (result != doc.end()) {
    response.result = *result;
    return response;
  }
  if (!error->is_object() || !error->contains("code") || !(*error)["code"].is_number_integer() ||
      !error->contains("message") || !(*error)["message"].is_string()) {
    return invalid(id, "'error' must be an object with an integer 'code' and a string 'message'");
  }
  rpc_error failure{(*error)["code"].get<int>(), (*error)["message"].get<std::string>(), {}};
  if (const auto data = error->find("data"); data != error->end()) failure.data = *data;
  response.error = std::move(failure);
  return response;
}

rpc_message read_object(const json& doc) {
  // The id first, so that every later refusal can name it.
  const auto id_field = doc.find("id");
  const bool has_id = id_field != doc.end();
  const json id = has_id && valid_id(*id_field) ? *id_field : json(nullptr);
  if (nests_deeper_than(doc, max_json_depth)) {
    return invalid(id, "message nests deeper than " + std::to_string(max_json_depth) + " levels");
  }
  const auto version = doc.find("jsonrpc");
  if (version == doc.end() || !version->is_string() ||
      version->get_ref<const std::string&>() != "2.0") {
    return invalid(id, "'jsonrpc' must be \"2.0\"");
  }
  if (has_id && !valid_id(*id_field)) {
    return invalid(nullptr, "'id' must be a string or an integer");
  }
  const auto method = doc.find("method");
  if (method == doc.end()) {
    if (!has_id) return invalid(nullptr, "a message needs a 'method' or an 'id'");
    return read_response(doc, id);
  }
  if (!method->is_string()) return invalid(id, "'method' must be a string");
  json params = json::object();
  if (auto problem = read_params(doc, id, params)) return std::move(*problem);
  if (!has_id) return rpc_notification{method->get<std::string>(), std::move(params)};
  return rpc_request{id, method->get<std::string>(), std::move(params)};
}

std::string with_version(const std::string& rest) {
  return "{\"jsonrpc\":\"2.0\"," + rest + "}";
}

}  // namespace

rpc_message read_rpc_message(std::string_view text) {
  auto doc = parse_json_text(text);
  if (!doc) {
    return rpc_rejection{nullptr, rpc_error{rpc_code::parse_error, doc.error().message, {}}};
  }
  const json& value = doc.value();
  if (value.is_array()) {
    return invalid(nullptr, "batches are not supported (MCP removed them in 2025-06-18)");
  }
  if (!value.is_object()) return invalid(nullptr, "a message must be a JSON object");
  return read_object(value);
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::string result_message(const json& id, const json& result) {
  return with_version("\"id\":" + to_json_text(id) + ",\"result\":" + to_json_text(result));
}

std::string error_message(const json& id, const rpc_error& error) {
  json body = {{"code", error.code}, {"message", error.message}};
  if (!error.data.is_null()) body["data"] = error.data;
  return with_version("\"id\":" + to_json_text(id) + ",\"error\":" + to_json_text(body));
}

std::string notification_message(std::string_view method, const json& params) {
  return with_version("\"method\":" + to_json_text(std::string(method)) +
                      ",\"params\":" + to_json_text(params));
}

std::string request_message(const json& id, std::string_view method, const json& params) {
  return with_version("\"id\":" + to_json_text(id) + ",\"method\":" +
                      to_json_text(std::string(method)) + ",\"params\":" + to_json_text(params));
}

}  // namespace alc::cli::mcp
