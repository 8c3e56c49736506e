#include "cli/serve/request_envelope.hpp"

#include <optional>
#include <utility>

namespace alc::cli {
namespace {
using json = nlohmann::json;

using decoded_request = std::variant<request, rejection>;

std::optional<session_query> session_query_named(const std::string& op) {
  if (op == "state") return session_query::state;
  if (op == "await") return session_query::await;
  if (op == "subscribe") return session_query::subscribe;
  if (op == "unsubscribe") return session_query::unsubscribe;
  return std::nullopt;
}

decoded_request read_spawn(const json& id, const json& body) {
  const auto spec_field = body.find("spec");
  if (spec_field == body.end()) return rejection{id, "'spawn' needs a field 'spec'"};
  auto spec = from_json_value<session_spec>(*spec_field);
  if (!spec) return rejection{id, "invalid spec: " + spec.error().message};
  bool subscribe = false;
  if (const auto flag = body.find("subscribe"); flag != body.end()) {
    if (!flag->is_boolean()) return rejection{id, "'subscribe' must be a boolean"};
    subscribe = flag->get<bool>();
  }
  return request{id, spawn_request{std::move(spec).value(), subscribe}};
}

decoded_request read_resume(const json& id, std::string session_id, const json& body) {
  const auto field = body.find("payload");
  if (field == body.end()) return rejection{id, "'resume' needs a field 'payload'"};
  auto payload = from_json_value<resume_payload>(*field);
  if (!payload) return rejection{id, "invalid payload: " + payload.error().message};
  return request{id, resume_request{std::move(session_id), std::move(payload).value()}};
}

decoded_request read_cancel(const json& id, std::string session_id, const json& body) {
  const auto field = body.find("reason");
  if (field != body.end() && !field->is_null() && !field->is_object()) {
    return rejection{id, "'reason' must be an object"};
  }
  auto reason = cancel_reason_from_request(field == body.end() ? json(nullptr) : *field);
  if (!reason) return rejection{id, "invalid reason: " + reason.error().message};
  return request{id, cancel_request{std::move(session_id), std::move(reason).value()}};
}

/// The fields of `op`, the envelope already checked.
decoded_request read_operation(const json& id, const std::string& op, const json& body) {
  if (op == "spawn") return read_spawn(id, body);
  if (op == "list") return request{id, registry_request{registry_query::list}};
  if (op == "stats") return request{id, registry_request{registry_query::stats}};
  const auto query = session_query_named(op);
  if (!query && op != "resume" && op != "cancel") {
    return rejection{id, "unknown op '" + op +
                             "' (expected spawn, state, resume, cancel, subscribe, "
                             "unsubscribe, await, list or stats)"};
  }
  const auto session_id = body.find("session_id");
  if (session_id == body.end() || !session_id->is_string()) {
    return rejection{id, "'" + op + "' needs a string field 'session_id'"};
  }
  std::string sid = session_id->get<std::string>();
  if (op == "resume") return read_resume(id, std::move(sid), body);
  if (op == "cancel") return read_cancel(id, std::move(sid), body);
  return request{id, session_request{*query, std::move(sid)}};
}

decoded_request read_envelope(const json& doc) {
  if (!doc.is_object()) return rejection{nullptr, "a request must be a JSON object"};
  // The id first: finding a top-level key does not recurse, and a valid id
  // is a scalar, so even a request refused as too deep is answered by id.
  const auto id = doc.find("id");
  const bool id_valid = id != doc.end() && (id->is_number_integer() || id->is_string());
  // Copying or comparing a JSON value recurses: reject deep requests before either.
  if (nests_deeper_than(doc, max_json_depth)) {
    return rejection{id_valid ? *id : json(nullptr),
                     "request nests deeper than " + std::to_string(max_json_depth) + " levels"};
  }
  if (id == doc.end()) return rejection{nullptr, "missing field 'id'"};
  if (!id_valid) return rejection{nullptr, "'id' must be an integer or a string"};
  const auto op = doc.find("op");
  if (op == doc.end()) return rejection{*id, "missing field 'op'"};
  if (!op->is_string()) return rejection{*id, "'op' must be a string"};
  return read_operation(*id, op->get_ref<const std::string&>(), doc);
}

}  // namespace

bool is_blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::variant<request, rejection> read_request(std::string_view line) {
  auto doc = parse_json_text(line);
  if (!doc) return rejection{nullptr, doc.error().message};
  return read_envelope(doc.value());
}

}  // namespace alc::cli
