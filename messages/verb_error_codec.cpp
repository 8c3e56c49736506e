// JSON codec of verb_error (messages/verb_error.hpp).
#include "messages/codec_parts.hpp"

namespace alc {

namespace {

verb_error read_verb_error(const json_reader& r) {
  verb_error error;
  if (!r.object()) return error;
  error.code = r.field("code").one_of(error_code_names, "error code");
  error.message = r.field("message").string();
  error.actual = r.field("actual").optional_string();
  return error;
}

}  // namespace

nlohmann::json to_json_value(const verb_error& error) {
  nlohmann::json out = {{"code", to_string(error.code)}, {"message", error.message}};
  if (error.actual) out["actual"] = *error.actual;
  return out;
}

template <>
decoded<verb_error> from_json_value<verb_error>(const nlohmann::json& document) {
  return read_json<verb_error>(document, read_verb_error);
}

}  // namespace alc
