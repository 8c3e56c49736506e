#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

/// Reads `ctx.budget` (absent or null: no limits). Returns an error message
/// when it is not an object of non-negative integers.
std::optional<std::string> parse_budget(const nlohmann::json& ctx, budget_limits& out);

}  // namespace alc
