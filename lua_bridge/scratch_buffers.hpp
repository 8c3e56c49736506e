#pragma once
// Internal to lua_bridge: C++ storage the C functions of a VM work in.

#include <string>

#include <nlohmann/json.hpp>

struct lua_State;

namespace alc {

/// Lua errors unwind with longjmp, so a C function keeps no C++ object as a
/// local across a Lua call that may raise; it works in these instead, which
/// outlive any longjmp through it. Each use leaves them as it found them
/// or overwrites them whole.
struct scratch_buffers {
  std::string text;
  std::string error;  ///< what raise_scratch_error raises
  std::string name;
  nlohmann::json json;
};

/// Raises `scratch.error`, prefixed with the calling line. Never returns.
int raise_scratch_error(lua_State* L, const scratch_buffers& scratch);

}  // namespace alc
