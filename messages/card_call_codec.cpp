#include "messages/card_call_codec.hpp"

#include <string>

namespace alc {

nlohmann::json to_json_value(const card_call& call) {
  return {{"op", std::string(to_string(call.op))}, {"args", call.args}};
}

template <>
decoded<card_call> from_json_value<card_call>(const nlohmann::json& json) {
  if (!json.is_object()) return decode_error{"card_call: expected an object"};
  const auto op = json.find("op");
  if (op == json.end() || !op->is_string()) return decode_error{"op: expected a string"};
  const auto parsed = parse_card_op(op->get_ref<const std::string&>());
  if (!parsed) return decode_error{"op: unknown card operation '" + op->get<std::string>() + "'"};
  const auto args = json.find("args");
  if (args == json.end() || !args->is_array()) return decode_error{"args: expected an array"};
  card_call call;
  call.op = *parsed;
  call.args.assign(args->begin(), args->end());
  return call;
}

}  // namespace alc
