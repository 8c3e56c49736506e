#pragma once

#include <cstdint>

namespace alc {

/// Token counts of one LLM call or of a whole session.
struct token_usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;

  token_usage& operator+=(const token_usage& other) {
    prompt_tokens += other.prompt_tokens;
    completion_tokens += other.completion_tokens;
    return *this;
  }
  friend bool operator==(const token_usage& a, const token_usage& b) {
    return a.prompt_tokens == b.prompt_tokens && a.completion_tokens == b.completion_tokens;
  }
  friend bool operator!=(const token_usage& a, const token_usage& b) { return !(a == b); }
};

}  // namespace alc
