#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "messages/token_usage.hpp"

namespace alc {

/// The host's answer to one query: its text, or why there is none.
struct query_response {
  std::string query_id;
  std::string response;
  std::optional<reported_usage> usage;  ///< host-reported, if known (parts may be missing)
  /// Set when the host could not answer (an endpoint that kept failing): the
  /// script's `alc.llm` / `alc.llm_batch` raises it as a Lua error once the
  /// pause is complete, and `response` is ignored.
  std::optional<std::string> error = std::nullopt;

  friend bool operator==(const query_response& a, const query_response& b) {
    return a.query_id == b.query_id && a.response == b.response && a.usage == b.usage &&
           a.error == b.error;
  }
};

/// Answers a `single` pause.
struct single_payload {
  query_response answer;
  friend bool operator==(const single_payload& a, const single_payload& b) {
    return a.answer == b.answer;
  }
};

/// Answers some or all queries of a `batch` pause.
struct batch_payload {
  std::vector<query_response> responses;
  friend bool operator==(const batch_payload& a, const batch_payload& b) {
    return a.responses == b.responses;
  }
};

using resume_payload = std::variant<single_payload, batch_payload>;

/// All queries answered: the script runs on.
struct resume_continued {
  friend bool operator==(const resume_continued&, const resume_continued&) { return true; }
};

/// A partial batch answer: the session stays paused until `remaining` more arrive.
struct resume_accepted {
  std::size_t remaining = 0;
  friend bool operator==(const resume_accepted& a, const resume_accepted& b) {
    return a.remaining == b.remaining;
  }
};

using resume_outcome = std::variant<resume_continued, resume_accepted>;

}  // namespace alc
