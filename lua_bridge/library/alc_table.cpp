// The global `alc` table. A fresh VM gets only the hot-path primitives
// (llm, llm_batch, json, log); the rest of the C libraries and then the Lua
// prelude are added the first time a script reads a name that is missing.
#include <string_view>

#include "lua_bridge/chunk_loader.hpp"
#include "lua_bridge/library/libraries.hpp"
#include "lua_bridge/vm_core.hpp"
#include "lua_bridge/vm_setup.hpp"

namespace alc {

extern const std::string_view prelude_source;

namespace {

// Its address is the registry key of the `alc` table the prelude extends.
const char alc_table_key = 0;

void install_lazy_library(lua_State* L, int table);

// Runs on a name missing from `alc` (or `alc.state`). First it adds the C
// primitives that are off the hot path (state, stats, progress, fork, text
// helpers ...); if the name is still missing, it runs the Lua prelude.
// A script that only calls alc.llm pays for neither. Upvalue-free: the
// indexed table and key are arguments 1 and 2.
int complete_library_and_index(lua_State* L) {
  // A script can reach this function (getmetatable(alc).__index) and call
  // it with anything: only a table may be indexed raw below.
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  vm_core& core = core_of(L);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &alc_table_key);
  const int alc = lua_gettop(L);
  if (!core.opened.alc_extensions) {
    core.opened.alc_extensions = true;
    lua_pushvalue(L, alc);
    open_state_library(L);
    open_card_library(L);
    open_fork_library(L);
    open_host_services(L);
    open_text_library(L);
    open_math_library(L);
    lua_getfield(L, -1, "state");
    install_lazy_library(L, lua_gettop(L));  // for alc.state.update, from the prelude
    lua_settop(L, alc);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, 1) != LUA_TNIL) return 1;
    lua_pop(L, 1);
  }
  if (!core.opened.prelude) {
    core.opened.prelude = true;
    // Unhook first: the prelude itself reads missing names.
    lua_pushnil(L);
    lua_setmetatable(L, alc);
    if (lua_getfield(L, alc, "state") == LUA_TTABLE) {
      lua_pushnil(L);
      lua_setmetatable(L, -2);
    }
    lua_pop(L, 1);
    load_cached_chunk(L, "alc.prelude", prelude_source);
    lua_pushvalue(L, alc);
    lua_call(L, 1, 0);
  }
  lua_settop(L, 2);
  lua_rawget(L, 1);
  return 1;
}

void install_lazy_library(lua_State* L, int table) {
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, complete_library_and_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, table);
}

}  // namespace

void open_alc_library(lua_State* L) {
  lua_createtable(L, 0, 5);
  open_llm_library(L);
  open_json_library(L);
  open_log_library(L);
  const int alc = lua_gettop(L);
  lua_pushvalue(L, alc);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &alc_table_key);
  install_lazy_library(L, alc);
  lua_setglobal(L, "alc");
}

}  // namespace alc
