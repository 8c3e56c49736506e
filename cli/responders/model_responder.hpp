#pragma once
// A real model answers: the LLM responder actor of the public API
// (alc/llm_responder.hpp) watches each session the CLI drives.

#include <optional>
#include <string>
#include <string_view>

#include <alc/llm_responder.hpp>

#include "cli/cli_runtime.hpp"
#include "cli/responders/responder.hpp"

namespace alc::cli {

/// The endpoint flags of run, advice, repl and serve. Unset ones keep the
/// config file's value, then the provider's default.
struct model_flags {
  std::string config_file;                     ///< --responder-config FILE (TOML)
  std::string model;                           ///< --model
  std::string base_url;                        ///< --base-url
  std::string api_key_env;                     ///< --api-key-env NAME
  std::string timeout;                         ///< --timeout, e.g. 30s, 500ms
  std::optional<std::size_t> max_concurrency;  ///< --max-concurrency
  std::optional<int> retries;                  ///< --retries
  std::optional<double> temperature;           ///< --temperature
};

/// openai, anthropic or exec:CMD (or `config`: the provider the config file names).
bool is_model_mode(std::string_view mode);

/// The endpoint `mode` and `flags` describe, checked; nullopt with `error`.
std::optional<llm_endpoint> model_endpoint(std::string_view mode, const model_flags& flags,
                                           std::string& error);

/// `30s`, `500ms`, `2m`, or a plain number of seconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

class model_responder final : public responder {
 public:
  explicit model_responder(llm_responder responder) : responder_(std::move(responder)) {}
  std::optional<query_response> answer(const llm_query& query, std::string& error) override;
  std::string name() const override;
  bool take_session(const std::string& session_id, std::string& error) override;
  std::string progress() const override;
  const llm_responder& actor() const { return responder_; }

 private:
  llm_responder responder_;
};

}  // namespace alc::cli
