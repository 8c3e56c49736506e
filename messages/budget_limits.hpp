#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace alc {

/// `ctx.budget` of lua-api.md; an absent limit is unlimited.
struct budget_limits {
  std::optional<int64_t> max_llm_calls;
  std::optional<int64_t> max_elapsed_ms;
  std::optional<int64_t> max_tokens;

  bool empty() const { return !max_llm_calls && !max_elapsed_ms && !max_tokens; }

  friend bool operator==(const budget_limits& a, const budget_limits& b) {
    return a.max_llm_calls == b.max_llm_calls && a.max_elapsed_ms == b.max_elapsed_ms &&
           a.max_tokens == b.max_tokens;
  }
};

/// Reads `ctx.budget` the way the original does (parity.md §3): only an
/// object counts, and of it only the limits that are non-negative integers.
/// Anything else is not an error: packages use `ctx.budget` as an option of
/// their own (a number, a string), and it is left to them.
budget_limits read_budget(const nlohmann::json& ctx);

}  // namespace alc
