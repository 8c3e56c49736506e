// alc.state.*: each call becomes a typed state_call that the host serves
// (the runtime's state store) while the session stays running.
#include <string>

#include "lua_bridge/library/libraries.hpp"
#include "lua_bridge/lua_json.hpp"
#include "lua_bridge/vm_core.hpp"
#include "messages/state_names.hpp"

namespace alc {
namespace {

// Stack indices of a state call's Lua arguments; 0 for those it has none of.
struct state_arguments {
  int key = 0;
  int value = 0;
  int delta = 0;
  int initial = 0;
};

// Any string is a key (a number as its text, as the original): only the
// namespace names a file. Keys become JSON object keys, so invalid UTF-8 is
// refused when the call is staged.
void check_state_key(lua_State* L, int index) {
  luaL_checklstring(L, index, nullptr);
}

// Leaves nil or a number at `index`; a numeric string becomes its number
// ("2" the integer 2), so the store sees a number. Raises for other values.
void check_number_or_nil(lua_State* L, int index) {
  if (lua_isnoneornil(L, index) || lua_type(L, index) == LUA_TNUMBER) return;
  std::size_t len = 0;
  const char* text = lua_type(L, index) == LUA_TSTRING ? lua_tolstring(L, index, &len) : nullptr;
  if (text == nullptr || lua_stringtonumber(L, text) != len + 1) {
    luaL_checknumber(L, index);  // raises: number expected
  }
  lua_replace(L, index);
}

// `index` as JSON into `out` (unchanged when index is 0); on failure the
// scratch error names the path, as `alc.state.set.value: cannot encode function`.
bool convert(lua_State* L, int index, const std::string& root, const char* field,
             nlohmann::json& out, scratch_buffers& scratch) {
  if (index == 0) return true;
  if (auto error =
          lua_json::to_json(L, index, root + "." + field, core_of(L).options.memory_limit, out)) {
    scratch.error = "alc." + *error;
    return false;
  }
  return true;
}

// Reads the arguments into the slot's state_call. The namespace is on top
// of the stack. Raises nothing; false with the scratch error set.
bool stage_state_call(lua_State* L, vm_core& core, state_op op,
                      const state_arguments& args) noexcept {
  scratch_buffers& scratch = core.scratch;
  try {
    const std::string root = "state." + std::string(to_string(op));
    state_call& call = core.host.emplace<state_call>();
    call.op = op;
    nlohmann::json text;
    if (!convert(L, lua_gettop(L), root, "ns", text, scratch)) return false;
    call.ns = text.get<std::string>();
    if (args.key != 0) {
      if (!convert(L, args.key, root, "key", text, scratch)) return false;
      call.key = text.get<std::string>();
    }
    return convert(L, args.value, root, "value", call.value, scratch) &&
           convert(L, args.delta, root, "delta", call.delta, scratch) &&
           convert(L, args.initial, root, "default", call.initial, scratch);
  } catch (...) {
    scratch.error = "not enough memory";
    return false;
  }
}

int yield_state_call(lua_State* L, const char* who, state_op op, const state_arguments& args) {
  vm_core& core = core_of(L);
  const std::string& ns = core.options.state_namespace;
  if (const char* reason = invalid_state_namespace_reason(ns)) {
    return luaL_error(L, "%s: namespace '%s' %s", who, ns.c_str(), reason);
  }
  lua_pushlstring(L, ns.data(), ns.size());
  if (!stage_state_call(L, core, op, args)) {
    core.host.discard();
    return raise_scratch_error(L, core.scratch);
  }
  return core.host.yield(L);
}

// The common shape of the calls on one key: the key is argument 1 (then
// the value, when `value_required`), the stack is cut to `top` arguments.
int keyed_state_call(lua_State* L, const char* who, state_op op, int top,
                     const state_arguments& args, bool value_required = false) {
  require_yieldable(L, who);
  check_state_key(L, 1);
  if (value_required) luaL_checkany(L, 2);
  lua_settop(L, top);
  return yield_state_call(L, who, op, args);
}

// alc.state.get(k, default?): the default (any Lua value) stays at index 2
// for the continuation.
int state_get(lua_State* L) {
  return keyed_state_call(L, "alc.state.get", state_op::get, 2, {1});
}

// alc.state.set(k, v): v = nil deletes the key.
int state_set(lua_State* L) {
  return keyed_state_call(L, "alc.state.set", state_op::set, 2, {1, 2});
}

// alc.state.set_nx(k, v) -> bool: set only when absent.
int state_set_nx(lua_State* L) {
  return keyed_state_call(L, "alc.state.set_nx", state_op::set_nx, 2, {1, 2},
                          /*value_required=*/true);
}

// alc.state.delete(k) -> bool
int state_delete(lua_State* L) {
  return keyed_state_call(L, "alc.state.delete", state_op::erase, 1, {1});
}

// alc.state.has(k) -> bool
int state_has(lua_State* L) {
  return keyed_state_call(L, "alc.state.has", state_op::has, 1, {1});
}

// alc.state.keys() -> {string...}
int state_keys(lua_State* L) {
  require_yieldable(L, "alc.state.keys");
  lua_settop(L, 0);
  return yield_state_call(L, "alc.state.keys", state_op::keys, {});
}

// alc.state.incr(k, delta = 1, default = 0) -> number: an integer when the
// stored value (or the default) and delta are integers, else a float.
int state_incr(lua_State* L) {
  require_yieldable(L, "alc.state.incr");
  check_state_key(L, 1);
  lua_settop(L, 3);
  check_number_or_nil(L, 2);
  check_number_or_nil(L, 3);
  if (lua_isnil(L, 2)) {
    lua_pushinteger(L, 1);
    lua_replace(L, 2);
  }
  if (lua_isnil(L, 3)) {
    lua_pushinteger(L, 0);
    lua_replace(L, 3);
  }
  return yield_state_call(L, "alc.state.incr", state_op::incr, {1, 0, 2, 3});
}

}  // namespace

void open_state_library(lua_State* L) {
  static constexpr luaL_Reg functions[] = {
      {"get", state_get},       {"set", state_set}, {"set_nx", state_set_nx}, {"keys", state_keys},
      {"delete", state_delete}, {"has", state_has}, {"incr", state_incr},     {nullptr, nullptr},
  };
  luaL_newlib(L, functions);
  lua_setfield(L, -2, "state");
}

}  // namespace alc
