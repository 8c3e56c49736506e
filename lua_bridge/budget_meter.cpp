#include "lua_bridge/budget_meter.hpp"

namespace alc {
namespace {

std::optional<std::string> read_limit(const nlohmann::json& budget, const char* name,
                                      std::optional<int64_t>& out) {
  const auto it = budget.find(name);
  if (it == budget.end() || it->is_null()) return std::nullopt;
  if (it->is_number_unsigned() && it->get<uint64_t>() <= uint64_t{INT64_MAX}) {
    out = static_cast<int64_t>(it->get<uint64_t>());
    return std::nullopt;
  }
  if (it->is_number_integer() && it->get<int64_t>() >= 0) {
    out = it->get<int64_t>();
    return std::nullopt;
  }
  return std::string("ctx.budget.") + name + " must be a non-negative integer";
}

std::string exceeded(const char* name, int64_t limit, int64_t used) {
  return "budget_exceeded: " + std::string(name) + " (" + std::to_string(limit) + ") reached (" +
         std::to_string(used) + " used)";
}

}  // namespace

std::optional<std::string> parse_budget(const nlohmann::json& ctx, budget_limits& out) {
  out = {};
  if (!ctx.is_object()) return std::nullopt;
  const auto it = ctx.find("budget");
  if (it == ctx.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) return std::string("ctx.budget must be an object");
  if (auto error = read_limit(*it, "max_llm_calls", out.max_llm_calls)) return error;
  if (auto error = read_limit(*it, "max_elapsed_ms", out.max_elapsed_ms)) return error;
  return read_limit(*it, "max_tokens", out.max_tokens);
}

budget_meter::budget_meter(budget_limits limits, std::chrono::steady_clock::time_point started)
    : limits_(limits), started_(started) {}

int64_t budget_meter::elapsed_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               started_)
      .count();
}

std::optional<std::string> budget_meter::refusal(int64_t ahead) const {
  if (limits_.max_llm_calls && llm_calls() + ahead >= *limits_.max_llm_calls) {
    return exceeded("max_llm_calls", *limits_.max_llm_calls, llm_calls() + ahead);
  }
  if (limits_.max_tokens && tokens() >= *limits_.max_tokens) {
    return exceeded("max_tokens", *limits_.max_tokens, tokens());
  }
  if (limits_.max_elapsed_ms) {
    const int64_t elapsed = elapsed_ms();
    if (elapsed >= *limits_.max_elapsed_ms) {
      return exceeded("max_elapsed_ms", *limits_.max_elapsed_ms, elapsed);
    }
  }
  return std::nullopt;
}

}  // namespace alc
