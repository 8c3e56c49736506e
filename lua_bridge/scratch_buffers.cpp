#include "lua_bridge/scratch_buffers.hpp"

#include <lua.hpp>

namespace alc {

int raise_scratch_error(lua_State* L, const scratch_buffers& scratch) {
  luaL_where(L, 1);
  lua_pushlstring(L, scratch.error.data(), scratch.error.size());
  lua_concat(L, 2);
  return lua_error(L);
}

}  // namespace alc
