#include "cli/mcp/status_view.hpp"

#include <utility>

namespace alc::cli::mcp {
namespace {

using filter_result = std::variant<std::optional<pending_filter>, std::string>;

filter_result read_custom(const json& object) {
  pending_filter filter;
  const auto flag = [&object](const char* key, bool& into) -> std::optional<std::string> {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      return "invalid pending_filter object: " + std::string(key) + ": expected a boolean";
    }
    into = it->get<bool>();
    return std::nullopt;
  };
  for (auto [key, into] : {std::pair<const char*, bool*>{"query_id", &filter.query_id},
                           {"max_tokens", &filter.max_tokens},
                           {"system", &filter.system},
                           {"grounded", &filter.grounded},
                           {"underspecified", &filter.underspecified},
                           {"role", &filter.role},
                           {"cache_breakpoint", &filter.cache_breakpoint}}) {
    if (auto problem = flag(key, *into)) return *problem;
  }
  const auto prompt = object.find("prompt");
  if (prompt == object.end() || prompt->is_null()) return std::optional<pending_filter>{filter};
  if (!prompt->is_object() || !prompt->contains("mode") || !(*prompt)["mode"].is_string()) {
    return std::string{"invalid pending_filter object: prompt: missing field `mode`"};
  }
  const auto& mode = (*prompt)["mode"].get_ref<const std::string&>();
  if (mode == "off") {
    filter.prompt = pending_filter::prompt_mode::off;
  } else if (mode == "full") {
    filter.prompt = pending_filter::prompt_mode::full;
  } else if (mode == "preview") {
    const auto chars = prompt->find("chars");
    if (chars == prompt->end() || !chars->is_number_integer() || chars->get<int64_t>() < 0) {
      return std::string{"invalid pending_filter object: missing field `chars`"};
    }
    filter.prompt = pending_filter::prompt_mode::preview;
    filter.preview_chars = chars->get<std::size_t>();
  } else {
    return "invalid pending_filter object: unknown variant `" + mode +
           "`, expected one of `off`, `preview`, `full`";
  }
  return std::optional<pending_filter>{filter};
}

json optional_text(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

std::string_view phase_of(const execution_state& state) {
  switch (kind_of(state)) {
    case state_kind::running:
      return "running";
    case state_kind::paused:
      return "paused";
    case state_kind::done:
      return "completed";
    case state_kind::failed:
      return "failed";
    case state_kind::cancelled:
      break;
  }
  return "cancelled";
}

}  // namespace

filter_result read_pending_filter(const std::optional<json>& value, std::size_t preview_chars) {
  if (!value || value->is_null()) return std::optional<pending_filter>{};
  if (value->is_object()) return read_custom(*value);
  if (!value->is_string()) {
    std::string type = value->is_boolean() ? "bool" : value->is_array() ? "array" : "number";
    return "pending_filter must be a preset name (string) or filter object, got " + type;
  }
  const auto& name = value->get_ref<const std::string&>();
  pending_filter filter;
  filter.query_id = true;
  filter.max_tokens = true;
  if (name == "meta") return std::optional<pending_filter>{filter};
  if (name == "preview") {
    filter.role = true;
    filter.prompt = pending_filter::prompt_mode::preview;
    filter.preview_chars = preview_chars;
    return std::optional<pending_filter>{filter};
  }
  if (name == "full") {
    filter.system = filter.grounded = filter.underspecified = true;
    filter.role = filter.cache_breakpoint = true;
    filter.prompt = pending_filter::prompt_mode::full;
    return std::optional<pending_filter>{filter};
  }
  return "unknown pending_filter preset '" + name + "' (valid: \"meta\" | \"preview\" | \"full\")";
}

std::string utf8_prefix(const std::string& text, std::size_t chars) {
  std::size_t at = 0;
  for (std::size_t taken = 0; at < text.size() && taken < chars; ++taken) {
    ++at;  // past the lead byte, then past its continuation bytes
    while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
  }
  return text.substr(0, at);
}

json project_pending(const llm_query& query, const pending_filter& filter) {
  json out = json::object();
  if (filter.query_id) out["query_id"] = query.query_id;
  if (filter.max_tokens) out["max_tokens"] = query.max_tokens;
  if (filter.system) out["system"] = optional_text(query.system);
  if (filter.grounded) out["grounded"] = query.grounded;
  if (filter.underspecified) out["underspecified"] = query.underspecified;
  if (filter.role) out["role"] = optional_text(query.role);
  if (filter.cache_breakpoint) out["cache_breakpoint"] = optional_text(query.cache_breakpoint);
  if (filter.prompt == pending_filter::prompt_mode::full) out["prompt"] = query.prompt;
  if (filter.prompt == pending_filter::prompt_mode::preview) {
    out["prompt_preview"] = utf8_prefix(query.prompt, filter.preview_chars);
  }
  return out;
}

json status_snapshot(const session_view& view, const std::optional<pending_filter>& filter,
                     bool include_history, int64_t now_ms) {
  const auto* paused = std::get_if<paused_state>(&view.state);
  const bool terminal = is_terminal(view.state);
  json out = {{"state", terminal ? "terminal" : std::string(state_name(view.state))},
              {"phase", std::string(phase_of(view.state))},
              {"started_at", view.summary.created_at},
              {"last_activity_at", view.summary.last_activity_at}};
  json current = nullptr;
  if (paused != nullptr) {
    out["pending_queries"] = paused->info.prompts.size();
    if (filter) {
      json pending = json::array();
      for (const auto& query : paused->info.prompts)
        pending.push_back(project_pending(query, *filter));
      out["pending"] = std::move(pending);
    }
    if (!paused->info.prompts.empty()) {
      const auto& query = paused->info.prompts.front();
      current = {{"query_id", query.query_id},
                 {"prompt_tokens", estimate_tokens(query.prompt) +
                                       (query.system ? estimate_tokens(*query.system) : 0)},
                 {"started_waiting_at", paused->paused_at}};
    }
  }
  const auto& metrics = view.summary.metrics;
  json tokens = {{"prompt_total", metrics.usage.prompt_tokens},
                 {"response_total", metrics.usage.completion_tokens},
                 {"total", metrics.usage.total()},
                 {"current_query", std::move(current)}};
  json stats = {{"elapsed_ms", now_ms - view.summary.created_at},
                {"llm_calls", metrics.llm_calls},
                {"rounds", metrics.rounds},
                {"tokens", std::move(tokens)},
                {"recent_logs", view.recent_logs}};
  if (view.progress) {
    stats["progress"] = {{"step", view.progress->step},
                         {"total", view.progress->total},
                         {"message", optional_text(view.progress->message)}};
  }
  if (include_history) stats["conversation_history"] = view.history;
  out["metrics"] = std::move(stats);
  if (view.strategy) out["strategy"] = *view.strategy;
  return out;
}

}  // namespace alc::cli::mcp
