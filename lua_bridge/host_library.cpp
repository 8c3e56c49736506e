// Primitives that reach beyond the VM: alc.state.* (host calls to the
// runtime's state store), alc.progress, alc.stats.*, alc.time and
// alc.budget_remaining. Same three-phase rule as alc_library.cpp.
#include <chrono>
#include <string>

#include "lua_bridge/budget_meter.hpp"
#include "lua_bridge/lua_json.hpp"
#include "lua_bridge/vm_core.hpp"
#include "messages/module_names.hpp"
#include "messages/state_names.hpp"

namespace alc {
namespace {

// Its address is the registry key of the script's alc.stats records.
const char stats_table_key = 0;

// ---- alc.state: service calls -----------------------------------------------

// How the continuation turns the store's answer into results.
enum class answer_shape : lua_KContext {
  value = 0,             ///< the value (null → nil)
  value_or_default = 1,  ///< the value, or argument 2 when the store has none
  nothing = 2,           ///< no results
};

int check_state_key(lua_State* L, int index, const char* who) {
  std::size_t len = 0;
  const char* key = luaL_checklstring(L, index, &len);
  if (const char* reason = invalid_state_name_reason({key, len})) {
    return luaL_error(L, "%s: key '%s' %s", who, key, reason);
  }
  return index;
}

bool stage_service_call(lua_State* L, vm_core& core, const char* operation, int argument) noexcept {
  try {
    nlohmann::json value;
    if (auto error = lua_json::to_json(L, argument, operation, value)) {
      core.scratch_error = "alc." + *error;
      return false;
    }
    core.request = host_request{service_call{operation, std::move(value)}};
    core.request_staged = true;
    return true;
  } catch (...) {
    core.scratch_error = "not enough memory";
    return false;
  }
}

int service_resumed(lua_State* L, int /*status*/, lua_KContext shape) {
  vm_core& core = core_of(L);
  if (core.reply == vm_core::reply_kind::error) return raise_host_error(L, core);
  core.reply = vm_core::reply_kind::none;
  switch (static_cast<answer_shape>(shape)) {
    case answer_shape::nothing:
      core.value_reply = nullptr;
      return 0;
    case answer_shape::value_or_default:
      if (core.value_reply.is_null()) {
        lua_pushvalue(L, 2);
        return 1;
      }
      [[fallthrough]];
    case answer_shape::value:
      break;
  }
  lua_json::push(L, core.value_reply);
  core.value_reply = nullptr;
  return 1;
}

/// Builds {ns = ..., key = arg 1, [field] = arg `value`} on the stack.
int push_state_argument(lua_State* L, vm_core& core, bool with_key) {
  lua_createtable(L, 0, 4);
  const auto& ns = core.options.state_namespace;
  lua_pushlstring(L, ns.data(), ns.size());
  lua_setfield(L, -2, "ns");
  if (with_key) {
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "key");
  }
  return lua_gettop(L);
}

int yield_state_call(lua_State* L, const char* who, const char* operation, int argument,
                     answer_shape shape) {
  vm_core& core = core_of(L);
  if (const char* reason = invalid_state_name_reason(core.options.state_namespace)) {
    return luaL_error(L, "%s: namespace '%s' %s", who, core.options.state_namespace.c_str(),
                      reason);
  }
  if (!stage_service_call(L, core, operation, argument)) return raise_scratch_error(L, core);
  lua_pushlightuserdata(L, const_cast<char*>(&runtime_yield_marker));
  return lua_yieldk(L, 1, static_cast<lua_KContext>(shape), service_resumed);
}

// alc.state.get(k, default?)
int state_get(lua_State* L) {
  require_yieldable(L, "alc.state.get");
  check_state_key(L, 1, "alc.state.get");
  lua_settop(L, 2);
  const int arg = push_state_argument(L, core_of(L), true);
  return yield_state_call(L, "alc.state.get", "state.get", arg, answer_shape::value_or_default);
}

// alc.state.set(k, v): v = nil deletes the key.
int state_set(lua_State* L) {
  require_yieldable(L, "alc.state.set");
  check_state_key(L, 1, "alc.state.set");
  lua_settop(L, 2);
  const int arg = push_state_argument(L, core_of(L), true);
  lua_pushvalue(L, 2);
  lua_setfield(L, arg, "value");
  return yield_state_call(L, "alc.state.set", "state.set", arg, answer_shape::nothing);
}

// alc.state.set_nx(k, v) -> bool: set only when absent.
int state_set_nx(lua_State* L) {
  require_yieldable(L, "alc.state.set_nx");
  check_state_key(L, 1, "alc.state.set_nx");
  luaL_checkany(L, 2);
  lua_settop(L, 2);
  const int arg = push_state_argument(L, core_of(L), true);
  lua_pushvalue(L, 2);
  lua_setfield(L, arg, "value");
  return yield_state_call(L, "alc.state.set_nx", "state.set_nx", arg, answer_shape::value);
}

// alc.state.keys() -> {string...}
int state_keys(lua_State* L) {
  require_yieldable(L, "alc.state.keys");
  lua_settop(L, 0);
  const int arg = push_state_argument(L, core_of(L), false);
  return yield_state_call(L, "alc.state.keys", "state.keys", arg, answer_shape::value);
}

// alc.state.delete(k) -> bool, alc.state.has(k) -> bool
int state_delete(lua_State* L) {
  require_yieldable(L, "alc.state.delete");
  check_state_key(L, 1, "alc.state.delete");
  lua_settop(L, 1);
  const int arg = push_state_argument(L, core_of(L), true);
  return yield_state_call(L, "alc.state.delete", "state.delete", arg, answer_shape::value);
}

int state_has(lua_State* L) {
  require_yieldable(L, "alc.state.has");
  check_state_key(L, 1, "alc.state.has");
  lua_settop(L, 1);
  const int arg = push_state_argument(L, core_of(L), true);
  return yield_state_call(L, "alc.state.has", "state.has", arg, answer_shape::value);
}

// alc.state.incr(k, delta = 1, default = 0) -> number
int state_incr(lua_State* L) {
  require_yieldable(L, "alc.state.incr");
  check_state_key(L, 1, "alc.state.incr");
  if (!lua_isnoneornil(L, 2)) luaL_checknumber(L, 2);
  if (!lua_isnoneornil(L, 3)) luaL_checknumber(L, 3);
  lua_settop(L, 3);
  const int arg = push_state_argument(L, core_of(L), true);
  if (lua_isnil(L, 2))
    lua_pushinteger(L, 1);
  else
    lua_pushvalue(L, 2);
  lua_setfield(L, arg, "delta");
  if (lua_isnil(L, 3))
    lua_pushinteger(L, 0);
  else
    lua_pushvalue(L, 3);
  lua_setfield(L, arg, "default");
  return yield_state_call(L, "alc.state.incr", "state.incr", arg, answer_shape::value);
}

// ---- alc.fork ------------------------------------------------------------------

bool valid_strategy_name(std::string_view name) {
  return invalid_module_name_reason(name) == nullptr;
}

// alc.fork(strategies, ctx, opts?) -> { {strategy, ok, result | error} ... }
// Each strategy runs as a child session (require(name).run(ctx copy)); the
// session asks the host for the children's queries and answers the call
// when every child has ended.
int fork(lua_State* L) {
  require_yieldable(L, "alc.fork");
  luaL_checktype(L, 1, LUA_TTABLE);
  const lua_Integer count = luaL_len(L, 1);
  if (count == 0) return luaL_error(L, "alc.fork: empty strategies");
  for (lua_Integer i = 1; i <= count; ++i) {
    std::size_t len = 0;
    lua_geti(L, 1, i);
    const char* name = lua_tolstring(L, -1, &len);
    if (lua_type(L, -1) != LUA_TSTRING || !valid_strategy_name({name, len})) {
      return luaL_error(L, "alc.fork: strategy %d must be a module name of [A-Za-z0-9_.]",
                        static_cast<int>(i));
    }
    lua_pop(L, 1);
  }
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  const char* on_error = "skip";
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    if (lua_getfield(L, 3, "on_error") != LUA_TNIL) {
      on_error = lua_tostring(L, -1);
      if (lua_type(L, -1) != LUA_TSTRING ||
          (std::string_view(on_error) != "skip" && std::string_view(on_error) != "abort")) {
        return luaL_error(L, "alc.fork: on_error must be \"skip\" or \"abort\"");
      }
    }
    lua_pop(L, 1);
  }
  lua_settop(L, 3);
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "strategies");
  if (lua_isnil(L, 2))
    lua_newtable(L);
  else
    lua_pushvalue(L, 2);
  lua_setfield(L, -2, "ctx");
  lua_pushstring(L, on_error);
  lua_setfield(L, -2, "on_error");
  vm_core& core = core_of(L);
  if (!stage_service_call(L, core, "fork", lua_gettop(L))) return raise_scratch_error(L, core);
  lua_pushlightuserdata(L, const_cast<char*>(&runtime_yield_marker));
  return lua_yieldk(L, 1, static_cast<lua_KContext>(answer_shape::value), service_resumed);
}

// ---- progress, stats, time, budget --------------------------------------------

void deliver_progress(vm_core& core, lua_Integer step, lua_Integer total, const char* message,
                      std::size_t len) noexcept {
  if (!core.options.progress) return;
  try {
    std::optional<std::string_view> text;
    if (message != nullptr) text = std::string_view(message, len);
    core.options.progress(step, total, text);
  } catch (...) {
    // A failing sink must not take the script down with it.
  }
}

// alc.progress(step, total, msg?)
int progress(lua_State* L) {
  const lua_Integer step = luaL_checkinteger(L, 1);
  const lua_Integer total = luaL_checkinteger(L, 2);
  std::size_t len = 0;
  const char* message = lua_isnoneornil(L, 3) ? nullptr : luaL_tolstring(L, 3, &len);
  deliver_progress(core_of(L), step, total, message, len);
  return 0;
}

void push_stats_table(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &stats_table_key);
}

// alc.stats.record(k, v), alc.stats.get(k), alc.stats.llm_calls()
int stats_record(lua_State* L) {
  luaL_checkstring(L, 1);
  luaL_checkany(L, 2);
  lua_settop(L, 2);
  push_stats_table(L);
  lua_insert(L, 1);
  lua_rawset(L, 1);
  return 0;
}

int stats_get(lua_State* L) {
  luaL_checkstring(L, 1);
  lua_settop(L, 1);
  push_stats_table(L);
  lua_insert(L, 1);
  lua_rawget(L, 1);
  return 1;
}

int stats_llm_calls(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(core_of(L).next_query_id));
  return 1;
}

// alc.time() -> seconds since the epoch, with a fraction
int time_now(lua_State* L) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  lua_pushnumber(L, std::chrono::duration<lua_Number>(now).count());
  return 1;
}

// alc.budget_remaining() -> nil | {llm_calls=, elapsed_ms=, tokens=} (set limits only)
int budget_remaining(lua_State* L) {
  const auto& budget = core_of(L).options.budget;
  if (!budget) {
    lua_pushnil(L);
    return 1;
  }
  const budget_limits& limits = budget->limits();
  lua_createtable(L, 0, 3);
  auto field = [L](const char* name, int64_t remaining) {
    lua_pushinteger(L, static_cast<lua_Integer>(remaining < 0 ? 0 : remaining));
    lua_setfield(L, -2, name);
  };
  if (limits.max_llm_calls) field("llm_calls", *limits.max_llm_calls - budget->llm_calls());
  if (limits.max_elapsed_ms) field("elapsed_ms", *limits.max_elapsed_ms - budget->elapsed_ms());
  if (limits.max_tokens) field("tokens", *limits.max_tokens - budget->tokens());
  return 1;
}

}  // namespace

void open_host_library(lua_State* L) {
  static constexpr luaL_Reg state_functions[] = {
      {"get", state_get},       {"set", state_set}, {"set_nx", state_set_nx}, {"keys", state_keys},
      {"delete", state_delete}, {"has", state_has}, {"incr", state_incr},     {nullptr, nullptr},
  };
  static constexpr luaL_Reg stats_functions[] = {
      {"record", stats_record},
      {"get", stats_get},
      {"llm_calls", stats_llm_calls},
      {nullptr, nullptr},
  };
  luaL_newlib(L, state_functions);
  lua_setfield(L, -2, "state");
  luaL_newlib(L, stats_functions);
  lua_setfield(L, -2, "stats");
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &stats_table_key);
  lua_pushcfunction(L, progress);
  lua_setfield(L, -2, "progress");
  lua_pushcfunction(L, fork);
  lua_setfield(L, -2, "fork");
  lua_pushcfunction(L, time_now);
  lua_setfield(L, -2, "time");
  lua_pushcfunction(L, budget_remaining);
  lua_setfield(L, -2, "budget_remaining");
}

}  // namespace alc
