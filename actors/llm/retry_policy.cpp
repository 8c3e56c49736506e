#include "actors/llm/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace alc::llm {

retry_verdict decide_retry(const llm_endpoint& endpoint, int attempts, const failure& failed,
                           double unit) {
  retry_verdict verdict;
  if (!failed.retryable || attempts > endpoint.retries) return verdict;
  if (failed.retry_after) {
    if (*failed.retry_after > endpoint.max_backoff) {
      verdict.note = "the server asked to wait " + std::to_string(failed.retry_after->count()) +
                     " ms, more than max_backoff (" + std::to_string(endpoint.max_backoff.count()) +
                     " ms)";
      return verdict;
    }
    verdict.wait = *failed.retry_after;
    return verdict;
  }
  const double base = static_cast<double>(endpoint.backoff.count());
  const double cap = static_cast<double>(endpoint.max_backoff.count());
  const double full = std::min(cap, base * std::ldexp(1.0, std::min(attempts - 1, 30)));
  const double jittered = full / 2 + full / 2 * std::clamp(unit, 0.0, 1.0);
  verdict.wait = std::chrono::milliseconds{static_cast<int64_t>(std::llround(jittered))};
  return verdict;
}

}  // namespace alc::llm
