// JSON codec of llm_query (messages/llm_query.hpp).
#include "messages/codec_parts.hpp"

namespace alc {

namespace codec {

llm_query read_llm_query(const json_reader& r) {
  llm_query query;
  if (!r.object()) return query;
  query.query_id = r.field("query_id").string();
  query.prompt = r.field("prompt").string();
  query.system = r.field("system").optional_string();
  if (json_reader max_tokens = r.field("max_tokens"); !max_tokens.absent()) {
    query.max_tokens = max_tokens.positive();
  } else {
    query.max_tokens = default_max_tokens;
  }
  query.grounded = r.field("grounded").boolean(false);
  query.underspecified = r.field("underspecified").boolean(false);
  query.cache_breakpoint = r.field("cache_breakpoint").optional_string();
  query.role = r.field("role").optional_string();
  return query;
}

}  // namespace codec

nlohmann::json to_json_value(const llm_query& query) {
  return {{"query_id", query.query_id},
          {"prompt", query.prompt},
          {"system", codec::optional_json(query.system)},
          {"max_tokens", query.max_tokens},
          {"grounded", query.grounded},
          {"underspecified", query.underspecified},
          {"cache_breakpoint", codec::optional_json(query.cache_breakpoint)},
          {"role", codec::optional_json(query.role)}};
}

template <>
decoded<llm_query> from_json_value<llm_query>(const nlohmann::json& document) {
  return read_json<llm_query>(document, codec::read_llm_query);
}

}  // namespace alc
