#include "actors/llm/exec_provider.hpp"

#include "actors/llm/http_status.hpp"
#include "messages/json_codec.hpp"

namespace alc::llm {
namespace {

/// The last line or so of stderr, for an error message.
std::string stderr_tail(const std::string& err) {
  constexpr std::size_t keep = 300;
  std::string tail = err.size() > keep ? err.substr(err.size() - keep) : err;
  const auto last = tail.find_last_not_of(" \t\r\n");
  tail = last == std::string::npos ? std::string() : tail.substr(0, last + 1);
  return tail.empty() ? std::string() : ": " + error_text(tail);
}

}  // namespace

std::string exec_input(const llm_query& query) {
  return to_json_text(to_json_value(query)) + "\n";
}

attempt_outcome exec_answer(exit_status status, const std::string& out, const std::string& err) {
  if (!status.exited) {
    return failure{"killed by signal " + std::to_string(status.code) + stderr_tail(err), false,
                   std::nullopt};
  }
  if (status.code != 0) {
    return failure{"exited with status " + std::to_string(status.code) + stderr_tail(err),
                   status.code == exec_retry_status, std::nullopt};
  }
  auto parsed = parse_json_text(out);
  if (parsed && parsed.value().is_object() && parsed.value().contains("response")) {
    const auto& json = parsed.value();
    if (!json["response"].is_string()) {
      return malformed_body("response: expected a string, got " +
                            std::string(json["response"].type_name()));
    }
    answer result{json["response"].get<std::string>(), std::nullopt};
    if (json.contains("usage") && !json["usage"].is_null()) {
      auto usage = from_json_value<reported_usage>(json["usage"]);
      if (!usage) return malformed_body("usage: " + usage.error().message);
      result.usage = usage.value();
    }
    return result;
  }
  std::string text = out;
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
  }
  return answer{std::move(text), std::nullopt};
}

}  // namespace alc::llm
