#include "messages/state_call_codec.hpp"

#include <string>
#include <utility>

namespace alc {
namespace {

const char* const optional_fields[] = {"value", "delta", "initial"};

nlohmann::json state_call::*const optional_members[] = {&state_call::value, &state_call::delta,
                                                        &state_call::initial};

}  // namespace

nlohmann::json to_json_value(const state_call& call) {
  nlohmann::json out = {
      {"op", std::string(to_string(call.op))}, {"ns", call.ns}, {"key", call.key}};
  for (std::size_t i = 0; i < std::size(optional_fields); ++i) {
    const nlohmann::json& field = call.*optional_members[i];
    if (!field.is_null()) out[optional_fields[i]] = field;
  }
  return out;
}

template <>
decoded<state_call> from_json_value<state_call>(const nlohmann::json& json) {
  if (!json.is_object()) return decode_error{"state_call: expected an object"};
  state_call call;
  const auto op = json.find("op");
  if (op == json.end() || !op->is_string()) return decode_error{"op: expected a string"};
  const auto parsed = parse_state_op(op->get_ref<const std::string&>());
  if (!parsed) return decode_error{"op: unknown state operation '" + op->get<std::string>() + "'"};
  call.op = *parsed;
  for (const auto& [name, member] :
       {std::pair{"ns", &state_call::ns}, std::pair{"key", &state_call::key}}) {
    const auto field = json.find(name);
    if (field == json.end() || !field->is_string()) {
      return decode_error{std::string(name) + ": expected a string"};
    }
    call.*member = field->get<std::string>();
  }
  for (std::size_t i = 0; i < std::size(optional_fields); ++i) {
    if (const auto field = json.find(optional_fields[i]); field != json.end()) {
      call.*optional_members[i] = *field;
    }
  }
  return call;
}

}  // namespace alc
