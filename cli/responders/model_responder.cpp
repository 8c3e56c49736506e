#include "cli/responders/model_responder.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "cli/text_file.hpp"

namespace alc::cli {
namespace {

constexpr std::string_view exec_prefix = "exec:";

}  // namespace

bool is_model_mode(std::string_view mode) {
  return mode == "openai" || mode == "anthropic" || mode == "config" ||
         (mode.substr(0, exec_prefix.size()) == exec_prefix && mode.size() > exec_prefix.size());
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  const std::string number(text);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || errno != 0 || !std::isfinite(value) || value < 0)
    return std::nullopt;
  const std::string unit(end);
  double factor = 0;
  if (unit.empty() || unit == "s") {
    factor = 1000;
  } else if (unit == "ms") {
    factor = 1;
  } else if (unit == "m" || unit == "min") {
    factor = 60000;
  } else {
    return std::nullopt;
  }
  return std::chrono::milliseconds{static_cast<int64_t>(std::llround(value * factor))};
}

std::optional<llm_endpoint> model_endpoint(std::string_view mode, const model_flags& flags,
                                           std::string& error) {
  llm_endpoint endpoint;
  if (!flags.config_file.empty()) {
    auto text = read_text_file(flags.config_file);
    if (!text) {
      error = "cannot read the responder config '" + flags.config_file + "'";
      return std::nullopt;
    }
    // Checked below, once the flags are applied: a flag may supply what the file lacks.
    auto read = read_llm_endpoint(*text);
    if (auto* problem = std::get_if<std::string>(&read)) {
      error = flags.config_file + ": " + *problem;
      return std::nullopt;
    }
    endpoint = std::get<llm_endpoint>(read);
  }
  if (mode == "openai") {
    endpoint.provider = llm_provider::openai;
  } else if (mode == "anthropic") {
    endpoint.provider = llm_provider::anthropic;
  } else if (mode.substr(0, exec_prefix.size()) == exec_prefix) {
    endpoint.provider = llm_provider::exec;
    endpoint.command = std::string(mode.substr(exec_prefix.size()));
  }
  if (!flags.model.empty()) endpoint.model = flags.model;
  if (!flags.base_url.empty()) endpoint.base_url = flags.base_url;
  if (!flags.api_key_env.empty()) endpoint.api_key_env = flags.api_key_env;
  if (!flags.timeout.empty()) {
    auto timeout = parse_duration(flags.timeout);
    if (!timeout || timeout->count() == 0) {
      error = "--timeout: expected a positive duration such as 30s or 500ms, got '" +
              flags.timeout + "'";
      return std::nullopt;
    }
    endpoint.timeout = *timeout;
  }
  if (flags.max_concurrency) endpoint.max_concurrency = *flags.max_concurrency;
  if (flags.retries) endpoint.retries = *flags.retries;
  if (flags.temperature) endpoint.temperature = *flags.temperature;
  if (auto problem = check_endpoint(endpoint)) {
    error = *problem;
    return std::nullopt;
  }
  return endpoint;
}

std::optional<query_response> model_responder::answer(const llm_query& query, std::string& error) {
  // Never reached: take_session hands every pause to the actor.
  error = "the model responder answers " + query.query_id + " by itself";
  return std::nullopt;
}

std::string model_responder::name() const {
  return endpoint_label(responder_.endpoint());
}

bool model_responder::take_session(const std::string& session_id, std::string& error) {
  if (auto failed = responder_.watch(session_id)) error = describe(failed);
  return true;
}

std::string model_responder::progress() const {
  auto stats = responder_.stats();
  return stats ? "llm: " + describe(*stats) : std::string();
}

}  // namespace alc::cli
