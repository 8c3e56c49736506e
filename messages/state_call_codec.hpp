#pragma once
// The JSON form of state_call, for CAF's wire:
//   {"op": "incr", "ns": "team", "key": "n", "value": ..., "delta": 1, "initial": 0}
// (`value`, `delta` and `initial` only when not null).

#include <nlohmann/json.hpp>

#include "messages/json_codec.hpp"
#include "messages/state_call.hpp"

namespace alc {

nlohmann::json to_json_value(const state_call& call);
template <>
decoded<state_call> from_json_value<state_call>(const nlohmann::json& json);

}  // namespace alc
