#pragma once
// The JSON form of card_call, for CAF's wire:
//   {"op": "create", "args": [{"pkg": {"name": "cot"}}]}

#include <nlohmann/json.hpp>

#include "messages/card_call.hpp"
#include "messages/json_codec.hpp"

namespace alc {

nlohmann::json to_json_value(const card_call& call);
template <>
decoded<card_call> from_json_value<card_call>(const nlohmann::json& json);

}  // namespace alc
