#include "actors/llm/providers.hpp"

#include <utility>

#include <nlohmann/json.hpp>

#include "actors/llm/http_status.hpp"
#include "messages/json_reader.hpp"
#include "messages/json_text.hpp"

namespace alc::llm {
namespace {

using json = nlohmann::json;

std::vector<std::string> json_headers() {
  // An empty Expect stops libcurl from waiting for `100 Continue` on large bodies.
  return {"Content-Type: application/json", "Accept: application/json", "Expect:"};
}

/// A count the server reported, if it is one.
std::optional<int64_t> reported_count(const json& usage, const char* key) {
  const auto it = usage.find(key);
  if (it == usage.end() || !it->is_number_integer()) return std::nullopt;
  const auto value = it->get<int64_t>();
  if (value < 0) return std::nullopt;
  return value;
}

std::optional<reported_usage> usage_of(const json& body, const char* prompt_key,
                                       const char* completion_key) {
  const auto it = body.find("usage");
  if (it == body.end() || !it->is_object()) return std::nullopt;
  reported_usage usage{reported_count(*it, prompt_key), reported_count(*it, completion_key)};
  if (!usage.prompt_tokens && !usage.completion_tokens) return std::nullopt;
  return usage;
}

/// The body of a 2xx response as a JSON object, or the failure it is.
std::variant<json, failure> json_body(const http_reply& reply) {
  auto parsed = parse_json_text(reply.body);
  if (!parsed) return malformed_body("not JSON (" + parsed.error().message + ")");
  if (!parsed.value().is_object()) return malformed_body("expected a JSON object");
  return std::move(parsed).value();
}

/// Reads `read(root) -> std::string` with json_reader, so a missing or
/// mistyped field is named by its path.
template <class Read>
std::variant<std::string, failure> read_text(const json& body, Read read) {
  auto text = read_json<std::string>(body, read);
  if (!text) return malformed_body(text.error().message);
  return std::move(text).value();
}

class openai_provider final : public http_provider {
 public:
  openai_provider(llm_endpoint endpoint, std::string key)
      : endpoint_(std::move(endpoint)), key_(std::move(key)) {}
  http_request request(const llm_query& query) const override {
    return openai_request(endpoint_, key_, query);
  }
  attempt_outcome answer(const http_reply& reply, std::time_t now) const override {
    return openai_answer(reply, now);
  }

 private:
  llm_endpoint endpoint_;
  std::string key_;
};

class anthropic_provider final : public http_provider {
 public:
  anthropic_provider(llm_endpoint endpoint, std::string key)
      : endpoint_(std::move(endpoint)), key_(std::move(key)) {}
  http_request request(const llm_query& query) const override {
    return anthropic_request(endpoint_, key_, query);
  }
  attempt_outcome answer(const http_reply& reply, std::time_t now) const override {
    return anthropic_answer(reply, now);
  }

 private:
  llm_endpoint endpoint_;
  std::string key_;
};

}  // namespace

http_request openai_request(const llm_endpoint& endpoint, const std::string& api_key,
                            const llm_query& query) {
  json messages = json::array();
  if (query.system) messages.push_back({{"role", "system"}, {"content", *query.system}});
  messages.push_back({{"role", "user"}, {"content", query.prompt}});
  json body = {{"messages", std::move(messages)}, {"max_tokens", query.max_tokens}};
  if (!endpoint.model.empty()) body["model"] = endpoint.model;
  if (endpoint.temperature) body["temperature"] = *endpoint.temperature;
  http_request out{with_defaults(endpoint).base_url + "/chat/completions", json_headers(),
                   to_json_text(body)};
  if (!api_key.empty()) out.headers.push_back("Authorization: Bearer " + api_key);
  return out;
}

attempt_outcome openai_answer(const http_reply& reply, std::time_t now) {
  if (auto failed = status_failure(reply, now)) return *failed;
  auto body = json_body(reply);
  if (auto* failed = std::get_if<failure>(&body)) return *failed;
  const auto& root = std::get<json>(body);
  auto text = read_text(root, [](const json_reader& r) {
    const auto choices = r.field("choices");
    // json_reader reads arrays element by element; the first choice is the answer.
    std::string content;
    bool first = true;
    choices.array<int>([&](const json_reader& choice) {
      if (first) content = choice.field("message").field("content").string();
      first = false;
      return 0;
    });
    if (first && r.ok()) choices.fail("expected at least one choice");
    return content;
  });
  if (auto* failed = std::get_if<failure>(&text)) return *failed;
  return answer{std::move(std::get<std::string>(text)),
                usage_of(root, "prompt_tokens", "completion_tokens")};
}

http_request anthropic_request(const llm_endpoint& endpoint, const std::string& api_key,
                               const llm_query& query) {
  json body = {{"model", endpoint.model},
               {"max_tokens", query.max_tokens},
               {"messages", json::array({{{"role", "user"}, {"content", query.prompt}}})}};
  if (query.system) body["system"] = *query.system;
  if (endpoint.temperature) body["temperature"] = *endpoint.temperature;
  http_request out{with_defaults(endpoint).base_url + "/v1/messages", json_headers(),
                   to_json_text(body)};
  out.headers.push_back("anthropic-version: " + endpoint.anthropic_version);
  if (!api_key.empty()) out.headers.push_back("x-api-key: " + api_key);
  return out;
}

attempt_outcome anthropic_answer(const http_reply& reply, std::time_t now) {
  if (auto failed = status_failure(reply, now)) return *failed;
  auto body = json_body(reply);
  if (auto* failed = std::get_if<failure>(&body)) return *failed;
  const auto& root = std::get<json>(body);
  auto text = read_text(root, [](const json_reader& r) {
    std::string joined;
    bool any = false;
    r.field("content").array<int>([&](const json_reader& block) {
      if (block.field("type").string() == "text") {
        joined += block.field("text").string();
        any = true;
      }
      return 0;
    });
    if (!any && r.ok()) {
      const auto reason = r.field("stop_reason").optional_string();
      r.field("content").fail("no text block (stop_reason " + reason.value_or("null") + ")");
    }
    return joined;
  });
  if (auto* failed = std::get_if<failure>(&text)) return *failed;
  return answer{std::move(std::get<std::string>(text)),
                usage_of(root, "input_tokens", "output_tokens")};
}

std::unique_ptr<http_provider> make_http_provider(const llm_endpoint& endpoint,
                                                  std::string api_key) {
  if (endpoint.provider == llm_provider::anthropic) {
    return std::make_unique<anthropic_provider>(endpoint, std::move(api_key));
  }
  return std::make_unique<openai_provider>(endpoint, std::move(api_key));
}

}  // namespace alc::llm
