#include "cli/serve/response_lines.hpp"

namespace alc::cli {

using json = nlohmann::json;

std::string ok_line(const json& id, const json& value) {
  return "{\"id\":" + to_json_text(id) + ",\"ok\":" + to_json_text(value) + "}";
}

std::string error_line(const json& id, const json& error) {
  return "{\"id\":" + to_json_text(id) + ",\"error\":" + to_json_text(error) + "}";
}

std::string event_line(const std::string& session_id, const session_event& event) {
  return "{\"event\":" + to_json_text(to_json_value(event)) +
         ",\"session_id\":" + to_json_text(session_id) + "}";
}

json error_value(const std::string& code, const std::string& message) {
  return {{"code", code}, {"message", message}};
}

json error_value(const caf::error& error) {
  if (auto verb = to_verb_error(error)) return to_json_value(*verb);
  return error_value("internal", describe(error));
}

}  // namespace alc::cli
