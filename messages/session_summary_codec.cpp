// JSON codecs of session_metrics, session_summary and registry_stats
// (messages/session_summary.hpp).
#include "messages/codec_parts.hpp"

namespace alc {

namespace {

session_metrics read_session_metrics(const json_reader& r) {
  session_metrics metrics;
  if (!r.object()) return metrics;
  metrics.llm_calls = r.field("llm_calls").count();
  metrics.pauses = r.field("pauses").count();
  metrics.rounds = r.field("rounds").count();
  metrics.prompt_chars = r.field("prompt_chars").count();
  metrics.response_chars = r.field("response_chars").count();
  metrics.usage = codec::read_token_usage(r.field("usage"));
  return metrics;
}

session_summary read_session_summary(const json_reader& r) {
  session_summary summary;
  if (!r.object()) return summary;
  summary.id = r.field("id").string();
  if (const auto state = r.field("state").name_in(state_kind_names, "state")) {
    summary.state = state_kind_names.name(*state);
  }
  summary.created_at = r.field("created_at").integer();
  summary.last_activity_at = r.field("last_activity_at").integer();
  summary.subscribers = r.field("subscribers").count();
  summary.metrics = read_session_metrics(r.field("metrics"));
  return summary;
}

registry_stats read_registry_stats(const json_reader& r) {
  registry_stats stats;
  if (!r.object()) return stats;
  stats.live = r.field("live").count();
  stats.spawned = r.field("spawned").count();
  stats.evicted = r.field("evicted").count();
  stats.engine_failures = r.field("engine_failures").count();
  stats.rejected = r.field("rejected").count();
  return stats;
}

}  // namespace

nlohmann::json to_json_value(const session_metrics& metrics) {
  return {{"llm_calls", metrics.llm_calls},
          {"pauses", metrics.pauses},
          {"rounds", metrics.rounds},
          {"prompt_chars", metrics.prompt_chars},
          {"response_chars", metrics.response_chars},
          {"usage", to_json_value(metrics.usage)}};
}

nlohmann::json to_json_value(const session_summary& summary) {
  return {{"id", summary.id},
          {"state", summary.state},
          {"created_at", summary.created_at},
          {"last_activity_at", summary.last_activity_at},
          {"subscribers", summary.subscribers},
          {"metrics", to_json_value(summary.metrics)}};
}

nlohmann::json to_json_value(const registry_stats& stats) {
  return {{"live", stats.live},
          {"spawned", stats.spawned},
          {"evicted", stats.evicted},
          {"engine_failures", stats.engine_failures},
          {"rejected", stats.rejected}};
}

template <>
decoded<session_summary> from_json_value<session_summary>(const nlohmann::json& document) {
  return read_json<session_summary>(document, read_session_summary);
}

template <>
decoded<registry_stats> from_json_value<registry_stats>(const nlohmann::json& document) {
  return read_json<registry_stats>(document, read_registry_stats);
}

}  // namespace alc
