#include "repl/responder.hpp"

#include <istream>
#include <ostream>

#include "messages/json_codec.hpp"

namespace alc::cli {

std::optional<query_response> echo_responder::answer(const llm_query& query, std::string&) {
  return query_response{query.query_id, query.prompt, std::nullopt};
}

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
      auto usage = from_json_value<token_usage>(parsed.value()["usage"]);
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

void show_query(std::ostream& out, const llm_query& query) {
  out << "── " << query.query_id << " (max_tokens " << query.max_tokens;
  if (query.role) out << ", role " << *query.role;
  out << ")\n";
  if (query.system) out << "system: " << *query.system << '\n';
  out << query.prompt << '\n';
}

std::optional<query_response> human_responder::answer(const llm_query& query, std::string& error) {
  show_query(out_, query);
  out_ << "answer (end with a line holding a single '.'):\n" << std::flush;
  std::string text;
  std::string line;
  bool any = false;
  while (std::getline(in_, line)) {
    if (line == ".") return query_response{query.query_id, text, std::nullopt};
    if (any) text += '\n';
    text += line;
    any = true;
  }
  if (any) return query_response{query.query_id, text, std::nullopt};
  error = "end of input while waiting for the answer to " + query.query_id;
  return std::nullopt;
}

std::unique_ptr<responder> make_responder(std::string_view mode, std::istream& in,
                                          std::ostream& out, std::string& error) {
  if (mode == "echo") return std::make_unique<echo_responder>();
  if (mode == "human") return std::make_unique<human_responder>(in, out);
  if (mode.rfind("script:", 0) == 0 && mode.size() > 7) {
    auto script = std::make_unique<script_responder>(std::string(mode.substr(7)));
    if (!script->ok()) {
      error = "cannot open the script responder's file '" + std::string(mode.substr(7)) + "'";
      return nullptr;
    }
    return script;
  }
  error = "unknown responder mode '" + std::string(mode) +
          "' (expected human, echo or script:FILE.jsonl)";
  return nullptr;
}

}  // namespace alc::cli
