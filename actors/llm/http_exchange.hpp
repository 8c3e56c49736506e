#pragma once
// Internal to the LLM responder: one HTTP request and what came back, as
// plain values between the providers (which build and read them) and the
// transport (which moves them).

#include <optional>
#include <string>
#include <vector>

namespace alc::llm {

struct http_request {
  std::string url;
  std::vector<std::string> headers;  ///< `Name: value`
  std::string body;                  ///< sent with POST
};

/// A complete HTTP response.
struct http_reply {
  long status = 0;
  std::string reason;  ///< the status line's text (`Too Many Requests`); may be empty
  std::string body;
  std::optional<std::string> retry_after;     ///< the Retry-After header, as sent
  std::optional<std::string> retry_after_ms;  ///< OpenAI's retry-after-ms header
};

/// No complete response: the transfer itself failed.
struct transfer_error {
  enum class kind {
    connect,    ///< refused, unreachable, name not resolved, TLS handshake
    timeout,    ///< the attempt's time ran out
    broken,     ///< the connection failed mid-way (reset, empty reply)
    too_large,  ///< the body outgrew max_response_bytes
    other,      ///< a bad URL, an unsupported protocol ...: retrying will not help
  };
  kind what = kind::other;
  std::string message;  ///< libcurl's explanation
};

}  // namespace alc::llm
