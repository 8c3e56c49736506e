#pragma once
// Who answers a session's LLM queries when the CLI drives it.

#include <optional>
#include <string>

#include <alc/values.hpp>

namespace alc::cli {

class responder {
 public:
  virtual ~responder() = default;
  /// The answer to `query`; nullopt when there is none, with the reason in `error`.
  virtual std::optional<query_response> answer(const llm_query& query, std::string& error) = 0;
  /// The mode as given (`echo`, `human`, `script:FILE`, `openai` ...).
  virtual std::string name() const = 0;
  /// Told once per session before the driver reads its events. A responder
  /// that answers pauses on its own (a model endpoint's actor) subscribes
  /// here and returns true; the driver then leaves the pauses to it.
  virtual bool take_session(const std::string& /*session_id*/, std::string& /*error*/) {
    return false;
  }
  /// One line on the work so far (`llm: 2 in flight, 10 done, ...`), or "".
  virtual std::string progress() const { return {}; }
};

}  // namespace alc::cli
