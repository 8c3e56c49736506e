// alc.progress, alc.stats.*, alc.time and alc.budget_remaining: what the
// script reports to its host and reads from it without pausing.
#include <chrono>
#include <optional>
#include <string_view>

#include "lua_bridge/budget_meter.hpp"
#include "lua_bridge/library/libraries.hpp"
#include "lua_bridge/vm_core.hpp"

namespace alc {
namespace {

// Its address is the registry key of the script's alc.stats records.
const char stats_table_key = 0;

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

// A count of alc.progress as the original reads it: a non-negative integer,
// a float truncated toward zero (2.9 is 2), a numeric string converted.
lua_Integer check_count(lua_State* L, int index, const char* what) {
  int is_integer = 0;
  const lua_Integer integer = lua_tointegerx(L, index, &is_integer);
  if (is_integer && integer >= 0) return integer;
  int is_number = 0;
  const lua_Number number = lua_tonumberx(L, index, &is_number);
  // The comparisons are false for NaN; 2^63 is the first float past int64.
  if (!is_integer && is_number && number > -1.0 && number < 9223372036854775808.0) {
    return static_cast<lua_Integer>(number);
  }
  return luaL_error(L, "alc.progress: %s must be a non-negative integer, got %s", what,
                    is_number ? lua_tostring(L, index) : luaL_typename(L, index));
}

// alc.progress(step, total, msg?)
int progress(lua_State* L) {
  const lua_Integer step = check_count(L, 1, "step");
  const lua_Integer total = check_count(L, 2, "total");
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
  lua_pushinteger(L, static_cast<lua_Integer>(core_of(L).host.queries_issued()));
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

void open_host_services(lua_State* L) {
  static constexpr luaL_Reg stats_functions[] = {
      {"record", stats_record},
      {"get", stats_get},
      {"llm_calls", stats_llm_calls},
      {nullptr, nullptr},
  };
  static constexpr luaL_Reg functions[] = {
      {"progress", progress},
      {"time", time_now},
      {"budget_remaining", budget_remaining},
      {nullptr, nullptr},
  };
  luaL_newlib(L, stats_functions);
  lua_setfield(L, -2, "stats");
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &stats_table_key);
  luaL_setfuncs(L, functions, 0);
}

}  // namespace alc
