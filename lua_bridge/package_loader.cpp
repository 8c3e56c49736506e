// require(name) as the original resolves it (parity.md §2): the module
// cache (`package.loaded`), then `package.preload`, then over the package
// roots in order, `<root>/N.lua` and then `<root>/N/init.lua`, where N is
// the name with dots turned into slashes. Source only (no C modules, no
// bytecode, no search of the working directory); each module runs once per
// VM, compiled once per process through the chunk cache.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "lua_bridge/chunk_loader.hpp"
#include "lua_bridge/vm_core.hpp"
#include "lua_bridge/vm_setup.hpp"
#include "messages/module_names.hpp"

namespace alc {
namespace {

// Registry keys (their addresses) of the loaded-modules table
// (package.loaded), of package.preload, and the marker of a module that is
// still loading.
const char loaded_key = 0;
const char preload_key = 0;
const char loading_marker = 0;

constexpr std::size_t max_module_bytes = std::size_t{4} << 20;

bool valid_module_name(std::string_view name) {
  return invalid_module_name_reason(name) == nullptr;
}

/// `flow.ir` → `flow/ir`.
std::string name_as_path(std::string_view name) {
  std::string path(name);
  for (char& ch : path) {
    if (ch == '.') ch = '/';
  }
  return path;
}

// A regular file (a directory named `x.lua` is not a module).
bool is_file(const std::string& path) {
  std::error_code error;
  return std::filesystem::is_regular_file(path, error);
}

// Finds the module in the package roots and reads it into
// core.scratch.text, its chunk name into core.scratch.name. Raises nothing;
// on failure core.scratch.error says what was searched. A file that is
// found but cannot be read is an error: no later root is tried.
bool read_module(vm_core& core, std::string_view name) noexcept {
  try {
    const std::string base = name_as_path(name);
    std::string searched;
    for (const auto& root : core.options.package_paths) {
      for (const char* suffix : {".lua", "/init.lua"}) {
        const std::string relative = base + suffix;
        const std::string path = root + "/" + relative;
        if (!is_file(path)) {
          searched += "\n\tno file '" + path + "'";
          continue;
        }
        std::ifstream file(path, std::ios::binary);
        std::ostringstream content;
        content << file.rdbuf();
        if (!file && !file.eof()) {
          core.scratch.error = "require: module '" + std::string(name) + "': cannot read " + path;
          return false;
        }
        if (content.str().size() > max_module_bytes) {
          core.scratch.error = "require: module '" + std::string(name) + "' is larger than 4 MiB";
          return false;
        }
        core.scratch.text = content.str();
        core.scratch.name = relative;
        return true;
      }
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
    // A module that returns nothing counts as loaded, unless it set its
    // package.loaded entry itself.
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 2) == LUA_TLIGHTUSERDATA && lua_touserdata(L, -1) == &loading_marker) {
      lua_pop(L, 1);
      lua_pushboolean(L, 1);
    }
  }
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 3);
  lua_rawset(L, 2);
  return 1;
}

// Pushes the loader of `name`: package.preload's function (true), else the
// module file's chunk (false; a syntax error raises here).
bool push_loader(lua_State* L, const char* name, std::size_t len) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &preload_key);
  lua_pushvalue(L, 1);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  if (!lua_isnil(L, -1)) {
    if (!lua_isfunction(L, -1)) {
      luaL_error(L, "require: package.preload['%s'] is not a function", name);
    }
    return true;
  }
  lua_pop(L, 1);
  if (!valid_module_name({name, len})) {
    luaL_error(L, "require: invalid module name '%s' (it %s)", name,
               invalid_module_name_reason({name, len}));
  }
  vm_core& core = core_of(L);
  if (!read_module(core, {name, len})) raise_scratch_error(L, core.scratch);
  load_cached_chunk(L, core.scratch.name, core.scratch.text);
  return false;
}

// require(name) -> the module's value
int require_module(lua_State* L) {
  std::size_t len = 0;
  const char* name = luaL_checklstring(L, 1, &len);
  lua_settop(L, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &loaded_key);
  lua_pushvalue(L, 1);
  lua_rawget(L, 2);
  if (lua_touserdata(L, -1) == &loading_marker) {
    return luaL_error(L, "require: module '%s' requires itself (a require cycle)", name);
  }
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);

  const bool preloaded = push_loader(L, name, len);
  lua_pushvalue(L, 1);
  lua_pushlightuserdata(L, const_cast<char*>(&loading_marker));
  lua_rawset(L, 2);
  // A module file runs with no arguments, as in the original; a preload
  // function gets the name and ":preload:", as stock Lua's does.
  int args = 0;
  if (preloaded) {
    lua_pushvalue(L, 1);
    lua_pushliteral(L, ":preload:");
    args = 2;
  }
  const int status = lua_pcallk(L, args, 1, 0, 0, module_ran);
  return module_ran(L, status, 0);
}

}  // namespace

void open_package_loader(lua_State* L) {
  lua_newtable(L);  // package
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &loaded_key);
  lua_setfield(L, -2, "loaded");
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &preload_key);
  lua_setfield(L, -2, "preload");
  lua_setglobal(L, "package");
  lua_register(L, "require", require_module);
}

}  // namespace alc
