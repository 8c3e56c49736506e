#pragma once
// Internal to the LLM responder: whether and when a failed attempt is tried
// again. Pure: the caller supplies the randomness.

#include <chrono>
#include <optional>
#include <string>

#include "actors/llm/attempt.hpp"
#include "alc/llm_responder.hpp"

namespace alc::llm {

struct retry_verdict {
  /// Wait this long, then try again; nullopt: give up.
  std::optional<std::chrono::milliseconds> wait;
  /// Why the retries end early, for the error (`Retry-After 3600 s exceeds ...`).
  std::string note;
};

/// After attempt number `attempts` (1 for the first) failed with `failed`:
/// a retryable failure is tried again while attempts <= retries, after the
/// server's Retry-After if it sent one (giving up when that exceeds
/// max_backoff), else after backoff * 2^(attempts-1), capped at max_backoff,
/// of which the upper half is drawn with `unit` (a number in [0, 1)): jitter,
/// so clients that failed together do not come back together.
retry_verdict decide_retry(const llm_endpoint& endpoint, int attempts, const failure& failed,
                           double unit);

}  // namespace alc::llm
