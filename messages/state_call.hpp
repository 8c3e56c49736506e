#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace alc {

/// The operations of `alc.state` (lua-api.md).
enum class state_op { get, set, set_nx, keys, erase, has, incr };

/// `get`, `set` ... `delete` for erase: the Lua name of the operation.
std::string_view to_string(state_op op);
std::optional<state_op> parse_state_op(std::string_view text);

/// One `alc.state.*` call, from the VM to the state store (its default
/// arguments already filled in: incr's delta 1 and initial 0). Fields an
/// operation does not use stay null (or empty, for `key` of `keys`).
struct state_call {
  state_op op = state_op::get;
  std::string ns;          ///< the session's namespace
  std::string key;         ///< every operation but keys
  nlohmann::json value;    ///< set (null deletes), set_nx
  nlohmann::json delta;    ///< incr: a number (a non-number fails the call)
  nlohmann::json initial;  ///< incr: the number an absent key starts from

  friend bool operator==(const state_call& a, const state_call& b) {
    return a.op == b.op && a.ns == b.ns && a.key == b.key && a.value == b.value &&
           a.delta == b.delta && a.initial == b.initial;
  }
};

}  // namespace alc
