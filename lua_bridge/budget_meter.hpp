#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "messages/budget_limits.hpp"
#include "messages/token_usage.hpp"

namespace alc {

/// Spending against a budget, shared by a session and its fork children
/// (which may run on other threads, hence the atomics).
class budget_meter {
 public:
  explicit budget_meter(budget_limits limits, std::chrono::steady_clock::time_point started =
                                                  std::chrono::steady_clock::now());

  /// Why query number `used + ahead + 1` may not be issued now, if so:
  /// `budget_exceeded: max_llm_calls (3) reached (3 used)`, the same for
  /// max_tokens, and `budget_exceeded: max_elapsed_ms (500ms) reached
  /// (512ms elapsed)`.
  std::optional<std::string> refusal(int64_t ahead = 0) const;
  void record_calls(int64_t calls) { llm_calls_.fetch_add(calls, std::memory_order_relaxed); }
  /// Saturates at INT64_MAX: a host's huge usage must exhaust the budget,
  /// never wrap it negative.
  void record_tokens(int64_t tokens) {
    int64_t seen = tokens_.load(std::memory_order_relaxed);
    while (!tokens_.compare_exchange_weak(seen, saturating_add(seen, tokens),
                                          std::memory_order_relaxed)) {
    }
  }

  const budget_limits& limits() const { return limits_; }
  int64_t llm_calls() const { return llm_calls_.load(std::memory_order_relaxed); }
  int64_t tokens() const { return tokens_.load(std::memory_order_relaxed); }
  int64_t elapsed_ms() const;

 private:
  const budget_limits limits_;
  const std::chrono::steady_clock::time_point started_;
  std::atomic<int64_t> llm_calls_{0};
  std::atomic<int64_t> tokens_{0};
};

}  // namespace alc
