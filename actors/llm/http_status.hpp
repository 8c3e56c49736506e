#pragma once
// Internal to the LLM responder: what an HTTP status or a failed transfer
// means for a prompt, shared by the providers.

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "actors/llm/attempt.hpp"
#include "actors/llm/http_exchange.hpp"

namespace alc::llm {

/// How long the server asks us to wait: retry-after-ms (milliseconds, sent
/// by OpenAI), else Retry-After (seconds, or an HTTP date relative to `now`).
/// Unreadable values are ignored.
std::optional<std::chrono::milliseconds> retry_after_of(const http_reply& reply, std::time_t now);

/// A transfer that brought no response. Connection errors, timeouts and
/// broken connections may be retried; a body over the limit or a bad URL not.
failure failure_of(const transfer_error& error);

/// The failure a non-2xx response means (nullopt for 2xx): `HTTP 429 Too
/// Many Requests: <the server's error message>`; 408, 429 and 5xx may be
/// retried.
std::optional<failure> status_failure(const http_reply& reply, std::time_t now);

/// A 2xx response whose body is not what the provider promises.
failure malformed_body(const std::string& why);

/// The server's own explanation in an error body (`error.message`, as both
/// OpenAI and Anthropic send it), else the start of the body, on one line
/// and at most 300 bytes.
std::string error_text(std::string_view body);

}  // namespace alc::llm
