#include "messages/budget_limits.hpp"

namespace alc {
namespace {

// A limit counts only as a non-negative integer (`10.0` does not): the rest
// is left to the package, which may use the same key for its own option.
std::optional<int64_t> read_limit(const nlohmann::json& budget, const char* name) {
  const auto it = budget.find(name);
  if (it == budget.end()) return std::nullopt;
  if (it->is_number_unsigned() && it->get<uint64_t>() <= uint64_t{INT64_MAX}) {
    return static_cast<int64_t>(it->get<uint64_t>());
  }
  if (it->is_number_integer() && it->get<int64_t>() >= 0) return it->get<int64_t>();
  return std::nullopt;
}

}  // namespace

budget_limits read_budget(const nlohmann::json& ctx) {
  budget_limits limits;
  if (!ctx.is_object()) return limits;
  const auto it = ctx.find("budget");
  if (it == ctx.end() || !it->is_object()) return limits;
  limits.max_llm_calls = read_limit(*it, "max_llm_calls");
  limits.max_elapsed_ms = read_limit(*it, "max_elapsed_ms");
  limits.max_tokens = read_limit(*it, "max_tokens");
  return limits;
}

}  // namespace alc
