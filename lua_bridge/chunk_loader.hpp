#pragma once
// Internal to lua_bridge: loading Lua source through the VM's chunk cache.

#include <string_view>

struct lua_State;

namespace alc {

/// Compiles or fetches bytecode without raising: returns the load status and
/// leaves the function, or the compiler's message, on the stack.
int load_chunk_status(lua_State* L, std::string_view name, std::string_view source) noexcept;

/// Loads `source` as a function (compiling once per cache), leaving it on
/// the stack; raises a Lua error with the compiler's message on failure.
void load_cached_chunk(lua_State* L, std::string_view name, std::string_view source);

}  // namespace alc
