// The sandbox of lua-api.md: only the libraries a script needs, with every
// door to the host (files, processes, environment, bytecode) removed.
#include "lua_bridge/vm_core.hpp"

namespace alc {
namespace {

void require_library(lua_State* L, const char* name, lua_CFunction open) {
  luaL_requiref(L, name, open, 1);
  lua_pop(L, 1);
}

void remove_field(lua_State* L, const char* table, const char* field) {
  lua_getglobal(L, table);
  lua_pushnil(L);
  lua_setfield(L, -2, field);
  lua_pop(L, 1);
}

// setmetatable without finalizers: a `__gc` would run script code when the
// VM is collected or closed, outside any slice and beyond cancellation.
int sandboxed_setmetatable(lua_State* L) {
  const int type = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) {
    return luaL_error(L, "cannot change a protected metatable");
  }
  if (type == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) {
      return luaL_error(L, "setmetatable: __gc metamethods are not available in the sandbox");
    }
    lua_pop(L, 1);
  }
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

// load() for source text only: binary chunks could forge bytecode.
int text_only_load(lua_State* L) {
  const int nargs = lua_gettop(L);
  if (nargs >= 3 && !lua_isnil(L, 3)) {
    const char* mode = luaL_checkstring(L, 3);
    if (std::string_view(mode).find('t') == std::string_view::npos) {
      lua_pushnil(L);
      lua_pushliteral(L, "load: binary chunks are not allowed in the sandbox");
      return 2;
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  if (nargs < 3) lua_settop(L, 4);  // make room for the mode at index 4
  lua_pushliteral(L, "t");
  lua_replace(L, 4);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

}  // namespace

void open_sandbox(lua_State* L) {
  require_library(L, LUA_GNAME, luaopen_base);
  require_library(L, LUA_COLIBNAME, luaopen_coroutine);
  require_library(L, LUA_TABLIBNAME, luaopen_table);
  require_library(L, LUA_STRLIBNAME, luaopen_string);
  require_library(L, LUA_MATHLIBNAME, luaopen_math);
  require_library(L, LUA_UTF8LIBNAME, luaopen_utf8);

  // os: the clock and calendar only.
  luaopen_os(L);
  lua_createtable(L, 0, 4);
  for (const char* keep : {"time", "clock", "date", "difftime"}) {
    lua_getfield(L, -2, keep);
    lua_setfield(L, -2, keep);
  }
  lua_setglobal(L, "os");
  lua_pop(L, 1);

  // io, debug and package are never opened; base brings these two.
  for (const char* name : {"dofile", "loadfile"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  remove_field(L, LUA_STRLIBNAME, "dump");

  lua_getglobal(L, "load");
  lua_pushcclosure(L, text_only_load, 1);
  lua_setglobal(L, "load");
  lua_register(L, "setmetatable", sandboxed_setmetatable);
}

}  // namespace alc
