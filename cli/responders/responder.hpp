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
  /// The mode as given (`echo`, `human`, `script:FILE`).
  virtual std::string name() const = 0;
};

}  // namespace alc::cli
