#include "cli/mcp/feed_result.hpp"

#include <utility>

namespace alc::cli::mcp {
namespace {

json counted(int64_t tokens, token_source source) {
  return {{"tokens", tokens}, {"source", std::string(to_string(source))}};
}

/// The optional flags of a query: present only when set.
void add_query_flags(json& out, const llm_query& query) {
  if (query.grounded) out["grounded"] = true;
  if (query.underspecified) out["underspecified"] = true;
  if (query.cache_breakpoint) out["cache_breakpoint"] = *query.cache_breakpoint;
  if (query.role) out["role"] = *query.role;
}

json optional_text(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

}  // namespace

std::string_view to_string(token_source source) {
  switch (source) {
    case token_source::provided:
      return "provided";
    case token_source::definite:
      return "definite";
    case token_source::estimated:
      break;
  }
  return "estimated";
}

json auto_stats(const session_metrics& metrics, int64_t elapsed_ms, token_source source,
                const json& budget) {
  // No call: nothing was estimated, the zero counts are exact.
  const token_source effective = metrics.llm_calls == 0 ? token_source::definite : source;
  json out = {{"elapsed_ms", elapsed_ms},
              {"llm_calls", metrics.llm_calls},
              {"pauses", metrics.pauses},
              {"rounds", metrics.rounds},
              {"total_prompt_chars", metrics.prompt_chars},
              {"total_response_chars", metrics.response_chars},
              {"prompt_tokens", counted(metrics.usage.prompt_tokens, effective)},
              {"response_tokens", counted(metrics.usage.completion_tokens, effective)},
              {"total_tokens", counted(metrics.usage.total(), effective)}};
  if (budget.is_object()) {
    json limits = json::object();
    for (const char* key : {"max_llm_calls", "max_elapsed_ms", "max_tokens"}) {
      const auto it = budget.find(key);
      if (it != budget.end() && it->is_number_integer() && it->get<int64_t>() >= 0) {
        limits[key] = *it;
      }
    }
    if (!limits.empty()) out["budget"] = std::move(limits);
  }
  return out;
}

json needs_response(const std::string& session_id, const pause_info& pause) {
  json out = {{"status", "needs_response"}, {"session_id", session_id}};
  if (pause.prompts.size() == 1) {
    const auto& query = pause.prompts.front();
    out["query_id"] = query.query_id;
    out["prompt"] = query.prompt;
    out["system"] = optional_text(query.system);
    out["max_tokens"] = query.max_tokens;
    add_query_flags(out, query);
    return out;
  }
  json queries = json::array();
  for (const auto& query : pause.prompts) {
    json item = {{"id", query.query_id},
                 {"prompt", query.prompt},
                 {"system", optional_text(query.system)},
                 {"max_tokens", query.max_tokens}};
    add_query_flags(item, query);
    queries.push_back(std::move(item));
  }
  out["queries"] = std::move(queries);
  return out;
}

json accepted_result(std::size_t remaining) {
  return {{"status", "accepted"}, {"remaining", remaining}};
}

std::string error_text(const failed_state& failed) {
  if (failed.kind == failure_kind::lua_error) return "lua error: " + failed.message;
  return std::string(to_string(failed.kind)) + ": " + failed.message;
}

json ended_result(const terminal_outcome& outcome, const json& stats) {
  if (const auto* done = std::get_if<done_state>(&outcome)) {
    return {{"status", "completed"},
            {"result", done->value},
            {"stats", {{"auto", stats}, {"custom", json::object()}}}};
  }
  if (const auto* failed = std::get_if<failed_state>(&outcome)) {
    return {{"status", "error"}, {"error", error_text(*failed)}};
  }
  const auto& cancelled = std::get<cancelled_state>(outcome);
  json reason = {{"code", std::string(to_string(cancelled.reason.code))},
                 {"detail", optional_text(cancelled.reason.detail)}};
  return {{"status", "cancelled"},
          {"reason", std::move(reason)},
          {"stats", {{"auto", stats}, {"custom", json::object()}}}};
}

}  // namespace alc::cli::mcp
