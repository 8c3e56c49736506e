// JSON codec of cancel_reason (messages/cancel_reason.hpp).
#include "messages/codec_parts.hpp"

namespace alc {

namespace codec {

cancel_reason read_cancel_reason(const json_reader& r) {
  cancel_reason reason;
  if (!r.object()) return reason;
  reason.code = r.field("code").one_of(cancel_code_names, "cancel code");
  reason.detail = r.field("detail").optional_string();
  reason.requested_at = r.field("requested_at").integer();
  return reason;
}

}  // namespace codec

nlohmann::json to_json_value(const cancel_reason& reason) {
  return {{"code", to_string(reason.code)},
          {"detail", codec::optional_json(reason.detail)},
          {"requested_at", reason.requested_at}};
}

decoded<cancel_reason> cancel_reason_from_request(const nlohmann::json& given) {
  // code defaults to user and requested_at to 0, which the session reads as now.
  nlohmann::json reason = {{"code", "user"}, {"detail", nullptr}, {"requested_at", 0}};
  if (!given.is_null()) {
    if (!given.is_object()) return decode_error{"a reason must be an object"};
    for (const auto& [key, value] : given.items()) reason[key] = value;
  }
  return from_json_value<cancel_reason>(reason);
}

template <>
decoded<cancel_reason> from_json_value<cancel_reason>(const nlohmann::json& document) {
  return read_json<cancel_reason>(document, codec::read_cancel_reason);
}

}  // namespace alc
