// require(name) for Lua packages on the configured package paths:
// `<root>/name/init.lua`, `<root>/name/sub.lua` for `name.sub`. Source only
// (no C modules, no bytecode); each module runs once per VM, compiled once
// per process through the chunk cache.
#include <fstream>
#include <sstream>
#include <string>

#include "lua_bridge/chunk_loader.hpp"
#include "lua_bridge/vm_core.hpp"
#include "lua_bridge/vm_setup.hpp"
#include "messages/module_names.hpp"

namespace alc {
namespace {

// Registry keys (their addresses) of the loaded-modules table and of the
// marker of a module that is still loading.
const char loaded_key = 0;
const char loading_marker = 0;

constexpr std::size_t max_module_bytes = std::size_t{4} << 20;

bool valid_module_name(std::string_view name) {
  return invalid_module_name_reason(name) == nullptr;
}

/// `cot` → `cot/init.lua`; `cot.util` → `cot/util.lua`.
std::string relative_path(std::string_view name) {
  std::string path(name);
  for (char& ch : path) {
    if (ch == '.') ch = '/';
  }
  return name.find('.') == std::string_view::npos ? path + "/init.lua" : path + ".lua";
}

// Finds the module on the package paths and reads it into
// core.scratch.text, its chunk name into core.scratch.name. Raises nothing;
// on failure core.scratch.error says what was searched.
bool read_module(vm_core& core, std::string_view name) noexcept {
  try {
    const std::string relative = relative_path(name);
    std::string searched;
    for (const auto& root : core.options.package_paths) {
      const std::string path = root + "/" + relative;
      std::ifstream file(path, std::ios::binary);
      if (!file) {
        searched += "\n\tno file '" + path + "'";
        continue;
      }
      std::ostringstream content;
      content << file.rdbuf();
      if (content.str().size() > max_module_bytes) {
        core.scratch.error = "require: module '" + std::string(name) + "' is larger than 4 MiB";
        return false;
      }
      core.scratch.text = content.str();
      core.scratch.name = relative;
      return true;
    }
    if (core.options.package_paths.empty()) searched = " (no package paths are configured)";
    core.scratch.error = "require: module '" + std::string(name) + "' not found:" + searched;
    return false;
  } catch (...) {
    core.scratch.error = "not enough memory";
    return false;
  }
}

// After the module ran (or failed). Stack: name, loaded, result or error.
int module_ran(lua_State* L, int status, lua_KContext) {
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    lua_rawset(L, 2);  // not loading any more: a later require may try again
    return lua_error(L);
  }
  if (lua_isnil(L, 3)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);  // a module that returns nothing counts as loaded
  }
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 3);
  lua_rawset(L, 2);
  return 1;
}

// require(name) -> the module's value
int require_module(lua_State* L) {
  std::size_t len = 0;
  const char* name = luaL_checklstring(L, 1, &len);
  if (!valid_module_name({name, len})) {
    return luaL_error(L,
                      "require: invalid module name '%s' (expected names of [A-Za-z0-9_] "
                      "separated by dots)",
                      name);
  }
  lua_settop(L, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &loaded_key);
  lua_pushvalue(L, 1);
  lua_rawget(L, 2);
  if (lua_touserdata(L, -1) == &loading_marker) {
    return luaL_error(L, "require: module '%s' requires itself (a require cycle)", name);
  }
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);

  vm_core& core = core_of(L);
  if (!read_module(core, {name, len})) return raise_scratch_error(L, core.scratch);
  load_cached_chunk(L, core.scratch.name, core.scratch.text);  // a syntax error raises here
  lua_pushvalue(L, 1);
  lua_pushlightuserdata(L, const_cast<char*>(&loading_marker));
  lua_rawset(L, 2);
  lua_pushvalue(L, 1);  // the module receives its name, like stock require
  const int status = lua_pcallk(L, 1, 1, 0, 0, module_ran);
  return module_ran(L, status, 0);
}

}  // namespace

void open_package_loader(lua_State* L) {
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &loaded_key);
  lua_register(L, "require", require_module);
}

}  // namespace alc
