#pragma once
// The standard libraries alc's sandbox opens, for the baselines that run the
// raw Lua C API: they must give scripts exactly what alc gives them.

#include <lua.hpp>

namespace alc_bench {

/// Opens base, coroutine, table, string, math, utf8 and os in `L`.
inline void open_sandbox_libraries(lua_State* L) {
  const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},       {LUA_COLIBNAME, luaopen_coroutine},
                           {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
                           {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8},
                           {LUA_OSLIBNAME, luaopen_os}};
  for (const auto& lib : libs) {
    luaL_requiref(L, lib.name, lib.func, 1);
    lua_pop(L, 1);
  }
}

}  // namespace alc_bench
