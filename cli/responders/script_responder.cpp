#include "cli/responders/script_responder.hpp"

#include <istream>

namespace alc::cli {

script_responder::script_responder(std::string path) : path_(std::move(path)), file_(path_) {}

std::optional<query_response> script_responder::answer(const llm_query& query, std::string& error) {
  std::string line;
  while (std::getline(file_, line)) {
    ++line_;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines
    auto parsed = parse_json_text(line);
    if (!parsed || !parsed.value().is_object() || !parsed.value().contains("response") ||
        !parsed.value()["response"].is_string()) {
      error = path_ + ":" + std::to_string(line_) +
              ": expected {\"response\": \"...\", \"usage\": {...}}" +
              (parsed ? "" : " (" + parsed.error().message + ")");
      return std::nullopt;
    }
    query_response answer{query.query_id, parsed.value()["response"].get<std::string>(),
                          std::nullopt};
    if (parsed.value().contains("usage") && !parsed.value()["usage"].is_null()) {
      auto usage = from_json_value<reported_usage>(parsed.value()["usage"]);
      if (!usage) {
        error = path_ + ":" + std::to_string(line_) + ": usage: " + usage.error().message;
        return std::nullopt;
      }
      answer.usage = usage.value();
    }
    return answer;
  }
  error = "script responder " + path_ + " ran out of answers after " + std::to_string(line_) +
          " lines (query " + query.query_id + " has none)";
  return std::nullopt;
}

}  // namespace alc::cli
