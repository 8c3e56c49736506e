#pragma once
// Internal to the LLM responder: what one attempt at a prompt came to.

#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "messages/token_usage.hpp"

namespace alc::llm {

/// The model's answer and the usage the server reported with it.
struct answer {
  std::string text;
  std::optional<reported_usage> usage;
};

/// Why an attempt brought no answer.
struct failure {
  /// `HTTP 500 Internal Server Error: overloaded`, `cannot connect: ...`,
  /// `malformed response body: ...`: the endpoint's label goes in front.
  std::string message;
  bool retryable = false;
  /// How long the server asked us to wait (Retry-After, retry-after-ms).
  std::optional<std::chrono::milliseconds> retry_after;
  long http_status = 0;  ///< the response's status, when there was one
};

using attempt_outcome = std::variant<answer, failure>;

}  // namespace alc::llm
