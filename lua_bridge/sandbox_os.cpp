// The doors of the os library, made safe (parity.md §1). Packages written
// for a full Lua probe them: `alc_shapes` reads os.getenv on every
// instrumented call. So they exist, and answer the way a locked-down host
// would: getenv from the host's allow-list, the rest refused.
#include <string_view>

#include "lua_bridge/vm_core.hpp"
#include "lua_bridge/vm_setup.hpp"

namespace alc {
namespace {

// os.getenv(name) -> the allow-listed value, else nil
int safe_getenv(lua_State* L) {
  std::size_t len = 0;
  const char* name = luaL_checklstring(L, 1, &len);
  const auto& environment = core_of(L).options.environment;
  if (environment) {
    const auto found = environment->find(std::string_view(name, len));
    if (found != environment->end()) {
      lua_pushlstring(L, found->second.data(), found->second.size());
      return 1;
    }
  }
  lua_pushnil(L);
  return 1;
}

// The stock os.exit would end the whole runtime with every session in it.
int refused_exit(lua_State* L) {
  return luaL_error(L, "os.exit is not available in the sandbox (return from the script instead)");
}

// os.execute, os.remove ... -> nil, "<name>: not permitted": the failure
// shape of the stock functions, so `if ok then` code takes its fallback.
int not_permitted(lua_State* L) {
  lua_pushnil(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  return 2;
}

}  // namespace

void install_safe_os(lua_State* L) {
  lua_pushcfunction(L, safe_getenv);
  lua_setfield(L, -2, "getenv");
  lua_pushcfunction(L, refused_exit);
  lua_setfield(L, -2, "exit");
  for (const char* name : {"execute", "remove", "rename", "setlocale", "tmpname"}) {
    lua_pushfstring(L, "os.%s: not permitted in the sandbox", name);
    lua_pushcclosure(L, not_permitted, 1);
    lua_setfield(L, -2, name);
  }
}

}  // namespace alc
