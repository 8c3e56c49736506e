#include "lua_bridge/budget_meter.hpp"

namespace alc {
namespace {

// The original's wording, which packages may match:
// `budget_exceeded: max_llm_calls (3) reached (3 used)`.
std::string exceeded(const char* name, int64_t limit, int64_t used) {
  return "budget_exceeded: " + std::string(name) + " (" + std::to_string(limit) + ") reached (" +
         std::to_string(used) + " used)";
}

// `budget_exceeded: max_elapsed_ms (500ms) reached (512ms elapsed)`.
std::string elapsed_exceeded(int64_t limit, int64_t elapsed) {
  return "budget_exceeded: max_elapsed_ms (" + std::to_string(limit) + "ms) reached (" +
         std::to_string(elapsed) + "ms elapsed)";
}

}  // namespace

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
      return elapsed_exceeded(*limits_.max_elapsed_ms, elapsed);
    }
  }
  return std::nullopt;
}

}  // namespace alc
