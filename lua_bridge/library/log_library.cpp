// alc.log and print: the script's output goes to the VM's log sink, never to
// the process's.
#include <string_view>

#include "lua_bridge/library/libraries.hpp"
#include "lua_bridge/vm_core.hpp"

namespace alc {
namespace {

// The level as the script gave it (a number as its text), as the original
// stores it; any other value is "info".
std::string_view level_text(lua_State* L, int index) {
  const int type = lua_type(L, index);
  if (type != LUA_TSTRING && type != LUA_TNUMBER) return to_string(log_level::info);
  std::size_t len = 0;
  const char* level = lua_tolstring(L, index, &len);  // a number: converted in place
  return {level, len};
}

// Logs the value at `msg` via tostring at `level`.
int log_value(lua_State* L, int level, int msg) {
  std::size_t len = 0;
  const char* text = luaL_tolstring(L, msg, &len);
  core_of(L).log(level_text(L, level), {text, len});
  return 0;
}

// alc.log(level, msg) through the table's __call: args are (table, level, msg).
int alc_log_call(lua_State* L) {
  lua_settop(L, 3);
  return log_value(L, 2, 3);
}

// alc.log.info(msg) and friends; the level is upvalue 1.
int alc_log_at(lua_State* L) {
  lua_settop(L, 1);
  return log_value(L, lua_upvalueindex(1), 1);
}

// print(...) becomes one info log line.
int captured_print(lua_State* L) {
  const int n = lua_gettop(L);
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  for (int i = 1; i <= n; ++i) {
    if (i > 1) luaL_addchar(&buffer, '\t');
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&buffer);
  }
  luaL_pushresult(&buffer);
  std::size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  core_of(L).log(to_string(log_level::info), {text, len});
  return 0;
}

}  // namespace

void open_log_library(lua_State* L) {
  lua_createtable(L, 0, 4);
  for (const char* level : {"error", "warn", "info", "debug"}) {
    lua_pushstring(L, level);
    lua_pushcclosure(L, alc_log_at, 1);
    lua_setfield(L, -2, level);
  }
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, alc_log_call);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
  lua_setfield(L, -2, "log");
  lua_register(L, "print", captured_print);
}

}  // namespace alc
