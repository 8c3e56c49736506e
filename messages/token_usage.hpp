#pragma once

#include <cstdint>
#include <optional>

namespace alc {

/// a + b for counts (never negative), stuck at INT64_MAX instead of
/// overflowing: a host may report any count, and sums must stay defined.
inline int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? INT64_MAX : sum;
}

/// Token counts of one LLM call or of a whole session.
struct token_usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;

  token_usage& operator+=(const token_usage& other) {
    prompt_tokens = saturating_add(prompt_tokens, other.prompt_tokens);
    completion_tokens = saturating_add(completion_tokens, other.completion_tokens);
    return *this;
  }
  int64_t total() const { return saturating_add(prompt_tokens, completion_tokens); }
  friend bool operator==(const token_usage& a, const token_usage& b) {
    return a.prompt_tokens == b.prompt_tokens && a.completion_tokens == b.completion_tokens;
  }
  friend bool operator!=(const token_usage& a, const token_usage& b) { return !(a == b); }
};

/// What a host reports of one answer's tokens. Either count may be left
/// out; the runtime estimates a missing one (as the original does).
struct reported_usage {
  std::optional<int64_t> prompt_tokens;
  std::optional<int64_t> completion_tokens;

  reported_usage() = default;
  /// Both counts known.
  reported_usage(token_usage known)  // NOLINT: implicit, so `token_usage{12, 8}` answers
      : prompt_tokens(known.prompt_tokens), completion_tokens(known.completion_tokens) {}
  reported_usage(std::optional<int64_t> prompt, std::optional<int64_t> completion)
      : prompt_tokens(prompt), completion_tokens(completion) {}

  friend bool operator==(const reported_usage& a, const reported_usage& b) {
    return a.prompt_tokens == b.prompt_tokens && a.completion_tokens == b.completion_tokens;
  }
  friend bool operator!=(const reported_usage& a, const reported_usage& b) { return !(a == b); }
};

}  // namespace alc
