// alc.fork(strategies, ctx, opts?) -> { {strategy, ok, result | error} ... }
// Each strategy runs as a child session (require(name).run(ctx copy)); the
// host answers the fork_call when every child has ended.
#include <string>
#include <string_view>

#include "lua_bridge/library/libraries.hpp"
#include "lua_bridge/lua_json.hpp"
#include "lua_bridge/vm_core.hpp"
#include "messages/module_names.hpp"

namespace alc {
namespace {

bool valid_strategy_name(std::string_view name) {
  return invalid_module_name_reason(name) == nullptr;
}

// A fresh fork_call in the slot, or null when C++ memory runs out.
fork_call* start_fork_call(host_call_slot& host) noexcept {
  try {
    return &host.emplace<fork_call>();
  } catch (...) {
    return nullptr;
  }
}

// Adds a validated name to the fork_call being staged. Raises nothing.
bool add_strategy(fork_call& call, const char* name, std::size_t len) noexcept {
  try {
    call.strategies.emplace_back(name, len);
    return true;
  } catch (...) {
    return false;
  }
}

// Reads ctx into the fork_call being staged. Raises nothing; false with
// the scratch error set.
bool stage_ctx(lua_State* L, vm_core& core, fork_call& call) noexcept {
  if (lua_isnil(L, 2)) return true;
  try {
    if (auto error = lua_json::to_json(L, 2, "fork.ctx", core.options.memory_limit, call.ctx)) {
      core.scratch.error = "alc." + *error;
      return false;
    }
    return true;
  } catch (...) {
    core.scratch.error = "not enough memory";
    return false;
  }
}

int fork(lua_State* L) {
  require_yieldable(L, "alc.fork");
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 3);
  const lua_Integer count = luaL_len(L, 1);
  if (count == 0) return luaL_error(L, "alc.fork: empty strategies");
  // The call is filled in place as the names are checked: C++ objects live
  // in the core, never as locals here (a Lua error unwinds with longjmp).
  vm_core& core = core_of(L);
  const auto limit = static_cast<lua_Integer>(core.options.max_fork_children);
  if (limit > 0 && count > limit) {
    return luaL_error(L,
                      "alc.fork: %I strategies exceed the fan-out limit of %I child sessions "
                      "(alc.max-fork-children)",
                      count, limit);
  }
  // (Every primitive that stages a call first requires a yieldable context,
  // so a metamethod run by lua_geti below cannot stage another one.)
  fork_call* call = start_fork_call(core.host);
  if (call == nullptr) return luaL_error(L, "not enough memory");
  for (lua_Integer i = 1; i <= count; ++i) {
    std::size_t len = 0;
    lua_geti(L, 1, i);
    const char* name = lua_tolstring(L, -1, &len);
    if (lua_type(L, -1) != LUA_TSTRING || !valid_strategy_name({name, len})) {
      return luaL_error(L, "alc.fork: strategy %d must be a module name (%s)", static_cast<int>(i),
                        lua_type(L, -1) != LUA_TSTRING ? "not a string"
                                                       : invalid_module_name_reason({name, len}));
    }
    if (!add_strategy(*call, name, len)) return luaL_error(L, "not enough memory");
    lua_pop(L, 1);
  }
  if (!lua_isnil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  bool abort_on_error = false;
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    // "abort" raises on the first failure; any other value skips, as in the original.
    if (lua_getfield(L, 3, "on_error") == LUA_TSTRING) {
      abort_on_error = std::string_view(lua_tostring(L, -1)) == "abort";
    }
    lua_pop(L, 1);
  }
  call->abort_on_error = abort_on_error;
  if (!stage_ctx(L, core, *call)) {
    core.host.discard();
    return raise_scratch_error(L, core.scratch);
  }
  return core.host.yield(L);
}

}  // namespace

void open_fork_library(lua_State* L) {
  lua_pushcfunction(L, fork);
  lua_setfield(L, -2, "fork");
}

}  // namespace alc
