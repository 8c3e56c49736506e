// JSON codec of token_usage (messages/token_usage.hpp).
#include "messages/codec_parts.hpp"

namespace alc {

namespace codec {

token_usage read_token_usage(const json_reader& r) {
  token_usage usage;
  if (!r.object()) return usage;
  usage.prompt_tokens = r.field("prompt_tokens").count();
  usage.completion_tokens = r.field("completion_tokens").count();
  return usage;
}

std::optional<token_usage> read_optional_usage(const json_reader& r) {
  if (r.absent()) return std::nullopt;
  return read_token_usage(r);
}

}  // namespace codec

nlohmann::json to_json_value(const token_usage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens}, {"completion_tokens", usage.completion_tokens}};
}

template <>
decoded<token_usage> from_json_value<token_usage>(const nlohmann::json& document) {
  return read_json<token_usage>(document, codec::read_token_usage);
}

}  // namespace alc
