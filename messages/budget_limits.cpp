#include "messages/budget_limits.hpp"

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

}  // namespace alc
