#pragma once
// Internal to the LLM responder: each provider's request body and how its
// responses read, as pure functions (no CAF, no network), and the one
// interface the HTTP transport calls them through.

#include <ctime>
#include <memory>
#include <string>

#include "actors/llm/attempt.hpp"
#include "actors/llm/http_exchange.hpp"
#include "alc/llm_responder.hpp"
#include "messages/llm_query.hpp"

namespace alc::llm {

/// POST {base_url}/chat/completions: the system text as a system message,
/// the prompt as the user message, max_tokens, the model (when set) and the
/// temperature (when set); `Authorization: Bearer` when there is a key.
http_request openai_request(const llm_endpoint& endpoint, const std::string& api_key,
                            const llm_query& query);
/// choices[0].message.content, with usage.prompt_tokens / completion_tokens.
attempt_outcome openai_answer(const http_reply& reply, std::time_t now);

/// POST {base_url}/v1/messages with x-api-key, anthropic-version, the
/// system text as `system`, max_tokens and the model.
http_request anthropic_request(const llm_endpoint& endpoint, const std::string& api_key,
                               const llm_query& query);
/// The text blocks of `content`, joined, with usage.input_tokens / output_tokens.
attempt_outcome anthropic_answer(const http_reply& reply, std::time_t now);

/// One HTTP provider, bound to its endpoint and key.
class http_provider {
 public:
  virtual ~http_provider() = default;
  virtual http_request request(const llm_query& query) const = 0;
  /// Any complete response, 2xx or not, as an answer or a failure.
  virtual attempt_outcome answer(const http_reply& reply, std::time_t now) const = 0;
};

/// For openai and anthropic endpoints (not exec).
std::unique_ptr<http_provider> make_http_provider(const llm_endpoint& endpoint,
                                                  std::string api_key);

}  // namespace alc::llm
