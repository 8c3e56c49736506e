// The endpoint configuration: names, defaults, checks, the TOML form.
#include <string>
#include <utility>

#include "actors/card_toml.hpp"
#include "alc/llm_responder.hpp"
#include "messages/json_reader.hpp"
#include "messages/name_table.hpp"

namespace alc {
namespace {

constexpr auto provider_names =
    make_name_table<llm_provider>({{llm_provider::openai, "openai"},
                                   {llm_provider::anthropic, "anthropic"},
                                   {llm_provider::exec, "exec"}});

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The keys of the TOML form, in the order of llm_endpoint.
constexpr std::string_view endpoint_keys[] = {
    "provider",          "base_url",        "model",
    "command",           "api_key_env",     "temperature",
    "anthropic_version", "max_concurrency", "timeout_ms",
    "retries",           "backoff_ms",      "max_backoff_ms",
    "max_response_bytes"};

bool known_key(std::string_view key) {
  for (const auto known : endpoint_keys) {
    if (key == known) return true;
  }
  return false;
}

std::chrono::milliseconds millis(const json_reader& r, std::chrono::milliseconds fallback) {
  return r.absent() ? fallback : std::chrono::milliseconds{r.count()};
}

}  // namespace

std::string_view to_string(llm_provider provider) {
  return provider_names.name(provider);
}

std::optional<llm_provider> parse_llm_provider(std::string_view name) {
  return provider_names.parse(name);
}

llm_endpoint with_defaults(llm_endpoint endpoint) {
  switch (endpoint.provider) {
    case llm_provider::openai:
      if (endpoint.base_url.empty()) endpoint.base_url = "https://api.openai.com/v1";
      if (endpoint.api_key_env.empty()) endpoint.api_key_env = "OPENAI_API_KEY";
      break;
    case llm_provider::anthropic:
      if (endpoint.base_url.empty()) endpoint.base_url = "https://api.anthropic.com";
      if (endpoint.api_key_env.empty()) endpoint.api_key_env = "ANTHROPIC_API_KEY";
      break;
    case llm_provider::exec:
      break;
  }
  while (!endpoint.base_url.empty() && endpoint.base_url.back() == '/')
    endpoint.base_url.pop_back();
  return endpoint;
}

std::optional<std::string> check_endpoint(const llm_endpoint& endpoint) {
  if (endpoint.provider == llm_provider::exec) {
    if (endpoint.command.find_first_not_of(" \t") == std::string::npos) {
      return "the exec provider needs a command (exec:CMD)";
    }
  } else {
    const std::string url = with_defaults(endpoint).base_url;
    if (!starts_with(url, "http://") && !starts_with(url, "https://")) {
      return "base URL '" + url + "' is not an http:// or https:// URL";
    }
    if (endpoint.provider == llm_provider::anthropic && endpoint.model.empty()) {
      return "the anthropic provider needs a model (--model, e.g. claude-sonnet-4-5)";
    }
  }
  if (endpoint.max_concurrency == 0) return "max_concurrency must be at least 1";
  if (endpoint.timeout.count() <= 0) return "the timeout must be positive";
  if (endpoint.retries < 0) return "retries must not be negative";
  if (endpoint.backoff.count() < 0 || endpoint.max_backoff.count() < 0) {
    return "backoff times must not be negative";
  }
  if (endpoint.max_response_bytes == 0) return "max_response_bytes must be at least 1";
  if (endpoint.temperature && !(*endpoint.temperature >= 0 && *endpoint.temperature <= 2)) {
    return "the temperature must be between 0 and 2";
  }
  return std::nullopt;
}

std::string endpoint_label(const llm_endpoint& endpoint) {
  if (endpoint.provider == llm_provider::exec) return "exec endpoint '" + endpoint.command + "'";
  return std::string(to_string(endpoint.provider)) + " endpoint " +
         with_defaults(endpoint).base_url;
}

std::variant<llm_endpoint, std::string> read_llm_endpoint(std::string_view toml_text,
                                                          llm_endpoint base) {
  auto document = card_toml::read(toml_text);
  if (auto* error = std::get_if<std::string>(&document)) return "invalid TOML: " + *error;
  const auto& json = std::get<nlohmann::json>(document);
  for (const auto& item : json.items()) {
    if (!known_key(item.key())) return "unknown key '" + item.key() + "'";
  }
  llm_endpoint out = std::move(base);
  auto error = json_reader::read_document(json, [&out](const json_reader& r) {
    if (!r.field("provider").absent()) {
      out.provider = r.field("provider").one_of(provider_names, "provider");
    }
    auto text = [&r](const char* key, std::string& into) {
      if (auto value = r.field(key).optional_string()) into = std::move(*value);
    };
    text("base_url", out.base_url);
    text("model", out.model);
    text("command", out.command);
    text("api_key_env", out.api_key_env);
    text("anthropic_version", out.anthropic_version);
    const auto temperature = r.field("temperature");
    if (!temperature.absent()) {
      const auto value = temperature.any();
      if (value.is_number()) {
        out.temperature = value.get<double>();
      } else {
        temperature.fail("expected a number");
      }
    }
    if (!r.field("max_concurrency").absent()) {
      out.max_concurrency = static_cast<std::size_t>(r.field("max_concurrency").positive());
    }
    out.timeout = millis(r.field("timeout_ms"), out.timeout);
    if (!r.field("retries").absent()) out.retries = static_cast<int>(r.field("retries").count());
    out.backoff = millis(r.field("backoff_ms"), out.backoff);
    out.max_backoff = millis(r.field("max_backoff_ms"), out.max_backoff);
    if (!r.field("max_response_bytes").absent()) {
      out.max_response_bytes = static_cast<std::size_t>(r.field("max_response_bytes").positive());
    }
  });
  if (error) return *error;
  return out;
}

std::string describe(const llm_responder_stats& stats) {
  std::string out = std::to_string(stats.in_flight) + " in flight";
  if (stats.queued > 0) out += ", " + std::to_string(stats.queued) + " queued";
  if (stats.backing_off > 0) out += ", " + std::to_string(stats.backing_off) + " backing off";
  out += ", " + std::to_string(stats.done) + " done";
  out += ", " + std::to_string(stats.retried) + " retried";
  out += ", " + std::to_string(stats.failed) + " failed";
  if (stats.aborted > 0) out += ", " + std::to_string(stats.aborted) + " aborted";
  return out;
}

}  // namespace alc
