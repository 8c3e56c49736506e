#include "cli/responders/make_responder.hpp"

#include "cli/responders/echo_responder.hpp"
#include "cli/responders/human_responder.hpp"
#include "cli/responders/script_responder.hpp"

namespace alc::cli {

std::unique_ptr<responder> make_responder(std::string_view mode, const model_flags& model,
                                          cli_runtime& rt, std::istream& in, std::ostream& out,
                                          std::string& error) {
  if (mode == "echo") return std::make_unique<echo_responder>();
  if (mode == "human") return std::make_unique<human_responder>(in, out);
  constexpr std::string_view script_prefix = "script:";
  if (mode.rfind(script_prefix, 0) == 0 && mode.size() > script_prefix.size()) {
    const std::string path(mode.substr(script_prefix.size()));
    auto script = std::make_unique<script_responder>(path);
    if (!script->ok()) {
      error = "cannot open the script responder's file '" + path + "'";
      return nullptr;
    }
    return script;
  }
  if (is_model_mode(mode)) {
    auto endpoint = model_endpoint(mode, model, error);
    if (!endpoint) return nullptr;
    auto actor = llm_responder::start(rt.system(), rt.runtime().registry(), std::move(*endpoint));
    if (!actor) {
      error = describe(actor.error());
      return nullptr;
    }
    return std::make_unique<model_responder>(std::move(*actor));
  }
  error = "unknown responder mode '" + std::string(mode) +
          "' (expected human, echo, script:FILE.jsonl, openai, anthropic or exec:CMD)";
  return nullptr;
}

}  // namespace alc::cli
