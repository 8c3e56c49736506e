// JSON codec of token_usage (messages/token_usage.hpp).
#include "messages/codec_parts.hpp"

#include <utility>

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

std::optional<reported_usage> read_reported_usage(const json_reader& r) {
  if (r.absent() || !r.object()) return std::nullopt;
  reported_usage usage;
  for (auto [key, out] : {std::pair{"prompt_tokens", &usage.prompt_tokens},
                          std::pair{"completion_tokens", &usage.completion_tokens}}) {
    const json_reader count = r.field(key);
    if (!count.absent()) *out = count.count();
  }
  return usage;
}

nlohmann::json optional_json(const std::optional<reported_usage>& usage) {
  if (!usage) return nullptr;
  nlohmann::json out = nlohmann::json::object();
  if (usage->prompt_tokens) out["prompt_tokens"] = *usage->prompt_tokens;
  if (usage->completion_tokens) out["completion_tokens"] = *usage->completion_tokens;
  return out;
}

}  // namespace codec

nlohmann::json to_json_value(const token_usage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens}, {"completion_tokens", usage.completion_tokens}};
}

template <>
decoded<token_usage> from_json_value<token_usage>(const nlohmann::json& document) {
  return read_json<token_usage>(document, codec::read_token_usage);
}

template <>
decoded<reported_usage> from_json_value<reported_usage>(const nlohmann::json& document) {
  return read_json<reported_usage>(document, [](const json_reader& r) {
    if (!r.object()) return reported_usage{};
    return codec::read_reported_usage(r).value_or(reported_usage{});
  });
}

}  // namespace alc
