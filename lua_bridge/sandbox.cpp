// The sandbox of lua-api.md: only the libraries a script needs, with every
// door to the host (files, processes, environment, bytecode) removed. What
// stays is the allow-list of sandbox_names.cpp; load, setmetatable and
// xpcall are wrapped (text chunks only, no __gc, no message handler in a
// condemned session); string matching and table's loops are alc's own and
// check the slice deadline (sandbox_string.cpp, sandbox_table.cpp); os and
// io get safe equivalents of their doors (sandbox_os.cpp, sandbox_io.cpp),
// so packages written for a full Lua take their fallbacks instead of
// failing on a nil.
//
// Only the base library is opened up front. coroutine, table, string, math,
// utf8, os and io are opened the first time a script touches them: most of a
// fresh state's memory and set-up time is library tables that a short
// script never reads. A metatable on the globals table does it, and every
// way a script can look at the globals table as a table (pairs, next,
// rawget, getmetatable, setmetatable) opens whatever is left first, so the
// laziness cannot be observed.
#include <array>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "lua_bridge/sandbox_names.hpp"
#include "lua_bridge/vm_core.hpp"
#include "lua_bridge/vm_setup.hpp"

namespace alc {
namespace {

int open_empty_library(lua_State* L) {
  lua_newtable(L);
  return 1;
}

struct lazy_library {
  const char* name;
  lua_CFunction luaopen;                  ///< pushes the stock library table
  void (*adapt)(lua_State* L) = nullptr;  ///< changes the allowed table on top
};

const lazy_library lazy_libraries[] = {
    {LUA_COLIBNAME, luaopen_coroutine, install_coroutine_bridge},
    {LUA_TABLIBNAME, luaopen_table, install_bounded_table},
    {LUA_STRLIBNAME, luaopen_string, install_safe_string},  // also gives strings their metatable
    {LUA_MATHLIBNAME, luaopen_math},
    {LUA_UTF8LIBNAME, luaopen_utf8},
    {LUA_OSLIBNAME, luaopen_os, install_safe_os},
    {LUA_IOLIBNAME, open_empty_library, install_safe_io},  // never the stock io
};
constexpr int string_library = 2;  // its place in lazy_libraries

// The names a stock library registers that the allow-list lacks. The
// linked Lua decides them (its version and compatibility options), so they
// are read once per process from a private state; each VM then clears just
// these instead of searching the allow-list for every name it opens.
std::vector<std::string> names_to_remove(lua_State* scratch, int library_table,
                                         const sandbox_library& allowed) {
  std::vector<std::string> names;
  lua_pushnil(scratch);
  while (lua_next(scratch, library_table) != 0) {
    lua_pop(scratch, 1);
    if (lua_type(scratch, -1) != LUA_TSTRING) continue;
    std::size_t len = 0;
    const char* name = lua_tolstring(scratch, -1, &len);
    if (!allowed.kept.contains({name, len})) names.emplace_back(name, len);
  }
  return names;
}

// Index 0: the base library; then lazy_libraries in order.
using removal_lists = std::array<std::vector<std::string>, std::size(lazy_libraries) + 1>;

removal_lists read_removal_lists() {
  removal_lists lists;
  const std::unique_ptr<lua_State, decltype(&lua_close)> scratch(luaL_newstate(), &lua_close);
  if (!scratch) throw std::bad_alloc();
  lua_State* L = scratch.get();
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  lists[0] = names_to_remove(L, lua_gettop(L), *sandbox_library_named(""));
  lua_pop(L, 1);
  for (std::size_t i = 0; i < std::size(lazy_libraries); ++i) {
    lazy_libraries[i].luaopen(L);
    lists[i + 1] =
        names_to_remove(L, lua_gettop(L), *sandbox_library_named(lazy_libraries[i].name));
    lua_pop(L, 1);
  }
  return lists;
}

// Written once, before any VM reads it (a function-local static), then constant.
const std::vector<std::string>& removal_list(std::size_t list) {
  static const removal_lists lists = read_removal_lists();
  return lists[list];
}

// Clears from the table at `index` the names removal list `list` holds.
void remove_names(lua_State* L, int index, std::size_t list) {
  index = lua_absindex(L, index);
  for (const std::string& name : removal_list(list)) {
    lua_pushnil(L);
    lua_setfield(L, index, name.c_str());
  }
}

// Pushes library `i` as the sandbox exposes it.
void push_library(lua_State* L, int i) {
  const lazy_library& library = lazy_libraries[i];
  library.luaopen(L);
  remove_names(L, -1, static_cast<std::size_t>(i) + 1);
  if (library.adapt != nullptr) library.adapt(L);
}

constexpr unsigned all_opened = (1u << std::size(lazy_libraries)) - 1;
static_assert(std::size(lazy_libraries) <= 8, "opened_libraries::standard is 8 bits");

// Its address keys the globals' metatable in the registry.
const char lazy_globals_key = 0;

int lazy_index_of(lua_State* L, int key) {
  if (lua_type(L, key) != LUA_TSTRING) return -1;
  const char* name = lua_tostring(L, key);
  for (std::size_t i = 0; i < std::size(lazy_libraries); ++i) {
    if (std::strcmp(name, lazy_libraries[i].name) == 0) return static_cast<int>(i);
  }
  return -1;
}

bool pending(lua_State* L) {
  return core_of(L).opened.standard != all_opened;
}

// Marks library `i` as taken; true if it still has to be opened.
bool claim(lua_State* L, int i) {
  auto& opened = core_of(L).opened.standard;
  const auto bit = static_cast<uint8_t>(1u << i);
  if ((opened & bit) != 0) return false;
  opened |= bit;
  return true;
}

void drop_lazy_metatable(lua_State* L) {
  lua_pushglobaltable(L);
  if (lua_getmetatable(L, -1)) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &lazy_globals_key);
    if (lua_rawequal(L, -1, -2)) {
      lua_pushnil(L);
      lua_setmetatable(L, -4);
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
}

// Opens library `i` and makes it the global of its name, unless the
// script has given that global a value of its own. Leaves the library on
// the stack.
void open_lazy(lua_State* L, int i) {
  const char* name = lazy_libraries[i].name;
  push_library(L, i);
  // Where stock Lua's luaL_requiref puts it: error messages and tracebacks
  // name a library function by it (`bad argument #1 to 'string.rep'`).
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
  lua_pushglobaltable(L);
  lua_pushstring(L, name);
  if (lua_rawget(L, -2) == LUA_TNIL) {
    lua_pushstring(L, name);
    lua_pushvalue(L, -4);
    lua_rawset(L, -4);
  }
  lua_pop(L, 2);
  if (!pending(L)) drop_lazy_metatable(L);
}

void open_all_lazy(lua_State* L) {
  for (std::size_t i = 0; i < std::size(lazy_libraries); ++i) {
    if (claim(L, static_cast<int>(i))) {
      open_lazy(L, static_cast<int>(i));
      lua_pop(L, 1);
    }
  }
}

bool is_globals(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TTABLE) return false;
  lua_pushglobaltable(L);
  const bool same = lua_rawequal(L, index, -1);
  lua_pop(L, 1);
  return same;
}

// __index of the globals: a library's name opens it.
int lazy_global_index(lua_State* L) {
  const int i = lazy_index_of(L, 2);
  if (i < 0 || !claim(L, i)) return 0;  // an undefined global reads as nil
  open_lazy(L, i);
  return 1;
}

// __newindex of the globals: assigning a library's name first replaces the
// library, as it would if the library had been there all along.
int lazy_global_newindex(lua_State* L) {
  const int i = lazy_index_of(L, 2);
  if (i >= 0) claim(L, i);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  if (i >= 0 && !pending(L)) drop_lazy_metatable(L);
  return 0;
}

int raw_next(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (lua_next(L, 1) != 0) return 2;
  lua_pushnil(L);
  return 1;
}

int lazy_global_pairs(lua_State* L) {
  open_all_lazy(L);
  lua_pushcfunction(L, raw_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

// The string metatable until the string library is opened.
int lazy_string_index(lua_State* L) {
  if (claim(L, string_library)) {
    open_lazy(L, string_library);
  } else {
    // The script gave the global `string` a value of its own before using
    // the library; strings still get the library as their __index.
    push_library(L, string_library);
  }
  lua_pop(L, 1);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_gettable(L, -2);
  return 1;
}

// next, rawget and getmetatable of the base library, opening everything
// first when they look at the globals table.
int globals_aware(lua_State* L) {
  if (pending(L) && is_globals(L, 1)) open_all_lazy(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

void wrap_globals_aware(lua_State* L, const char* name) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, globals_aware, 1);
  lua_setglobal(L, name);
}

void install_lazy_libraries(lua_State* L) {
  const luaL_Reg metamethods[] = {{"__index", lazy_global_index},
                                  {"__newindex", lazy_global_newindex},
                                  {"__pairs", lazy_global_pairs},
                                  {nullptr, nullptr}};
  lua_pushglobaltable(L);
  lua_createtable(L, 0, 3);
  luaL_setfuncs(L, metamethods, 0);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &lazy_globals_key);
  lua_setmetatable(L, -2);
  lua_pop(L, 1);

  lua_pushliteral(L, "");
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, lazy_string_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  lua_pop(L, 1);

  for (const char* name : {"next", "rawget", "getmetatable"}) wrap_globals_aware(L, name);
}

// setmetatable without finalizers: a `__gc` would run script code when the
// VM is collected or closed, outside any slice and beyond cancellation.
int sandboxed_setmetatable(lua_State* L) {
  const int type = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
  if (pending(L) && is_globals(L, 1)) open_all_lazy(L);
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

// xpcall whose message handler runs no script code once the session is
// condemned: for an error the preemption hook raised, Lua runs the handler
// with hooks off, where a spinning handler could never be stopped.
int guarded_message_handler(lua_State* L) {
  if (core_of(L).meter.doom) return 1;  // the error as it is
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// Returns what xpcall returns: true and the results, or false and the error.
int finish_xpcall(lua_State* L, int status, lua_KContext extra) {
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - static_cast<int>(extra);
}

// xpcall(f, handler, ...): the stock calling convention, yieldable.
int guarded_xpcall(lua_State* L) {
  const int args = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded_message_handler, 1);
  lua_replace(L, 2);
  lua_pushboolean(L, 1);  // the first result
  lua_pushvalue(L, 1);    // the function
  lua_rotate(L, 3, 2);    // both below the function's arguments
  const int status = lua_pcallk(L, args - 2, LUA_MULTRET, 2, 2, finish_xpcall);
  return finish_xpcall(L, status, 2);
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
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  remove_names(L, -1, 0);  // the globals hold only base so far
  lua_pop(L, 1);
  // io, debug and package are never opened.
  lua_getglobal(L, "load");
  lua_pushcclosure(L, text_only_load, 1);
  lua_setglobal(L, "load");
  lua_register(L, "setmetatable", sandboxed_setmetatable);
  lua_register(L, "xpcall", guarded_xpcall);
  install_lazy_libraries(L);
}

}  // namespace alc
