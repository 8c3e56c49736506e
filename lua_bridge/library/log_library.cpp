// alc.log and print: the script's output goes to the VM's log sink, never to
// the process's.
#include <string_view>

#include "lua_bridge/library/libraries.hpp"
#include "lua_bridge/vm_core.hpp"

namespace alc {
namespace {

log_level level_named(lua_State* L, int index) {
  std::size_t len = 0;
  const char* name = lua_tolstring(L, index, &len);
  return name == nullptr ? log_level::info : parse_log_level(std::string_view(name, len));
}

// Logs the value at `index` as text at `level`.
int log_value(lua_State* L, log_level level, int index) {
  std::size_t len = 0;
  const char* text = luaL_tolstring(L, index, &len);
  core_of(L).log(level, std::string_view(text, len));
  return 0;
}

// alc.log(level, msg) through the table's __call: args are (table, level, msg).
int alc_log_call(lua_State* L) {
  return log_value(L, level_named(L, 2), 3);
}

// alc.log.info(msg) and friends; the level is upvalue 1.
int alc_log_at(lua_State* L) {
  return log_value(L, level_named(L, lua_upvalueindex(1)), 1);
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
  core_of(L).log(log_level::info, std::string_view(text, len));
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
