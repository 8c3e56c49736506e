// alc.llm and alc.llm_batch: the queries are read from the stack straight
// into the host-call slot's reused request, so a steady-state call does not
// allocate.
#include <algorithm>
#include <optional>
#include <string>

#include "lua_bridge/budget_meter.hpp"
#include "lua_bridge/library/libraries.hpp"
#include "lua_bridge/vm_core.hpp"
#include "messages/limits.hpp"

namespace alc {
namespace {

// Each query occupies these stack slots between validation and the yield.
enum query_slot : int {
  slot_prompt,
  slot_system,
  slot_max_tokens,
  slot_grounded,
  slot_underspecified,
  slot_cache_breakpoint,
  slot_role,
  slots_per_query
};

// How a text option is read (the original's two conversions): alc.llm also
// takes a number as its text; alc.llm_batch takes real strings only.
enum class text_rule { string_or_number, string_only };

// Pushes opts[field] when it is text under `rule`, else nil: other values
// are ignored, never an error.
void push_text_option(lua_State* L, int opts, const char* field, text_rule rule) {
  if (opts == 0) {
    lua_pushnil(L);
    return;
  }
  const int type = lua_getfield(L, opts, field);
  if (type == LUA_TSTRING) return;
  if (type == LUA_TNUMBER && rule == text_rule::string_or_number) {
    lua_tolstring(L, -1, nullptr);  // converts this copy in place
    return;
  }
  lua_pop(L, 1);
  lua_pushnil(L);
}

void push_flag(lua_State* L, int opts, const char* field) {
  if (opts == 0) {
    lua_pushboolean(L, 0);
    return;
  }
  lua_getfield(L, opts, field);
  lua_pushboolean(L, lua_toboolean(L, -1));
  lua_remove(L, -2);
}

// max_tokens as the original reads it: an integer (a float truncated toward
// zero, a numeric string converted) up to 2^32 - 1; anything else, and 0
// (which no host accepts, and the wire format refuses), is the default.
lua_Integer max_tokens_of(lua_State* L, int index) {
  constexpr lua_Integer largest = 0xFFFF'FFFF;
  int is_integer = 0;
  const lua_Integer integer = lua_tointegerx(L, index, &is_integer);
  if (is_integer) return integer > 0 && integer <= largest ? integer : default_max_tokens;
  int is_number = 0;
  const lua_Number number = lua_tonumberx(L, index, &is_number);
  // The comparisons are false for NaN.
  if (is_number && number >= 1.0 && number < 4294967296.0) {
    return static_cast<lua_Integer>(number);
  }
  return default_max_tokens;
}

// Validates one query and pushes its slots_per_query values. `prompt` is
// the stack index of the prompt, or 0 to take `opts.prompt` (batch item
// number `item`). A prompt may be a string or a number (as text).
void push_query(lua_State* L, int prompt, int opts, const char* who, lua_Integer item = 0) {
  luaL_checkstack(L, slots_per_query + 2, "too many queries");
  if (prompt != 0) {
    lua_pushvalue(L, prompt);
  } else {
    lua_getfield(L, opts, "prompt");
  }
  const int type = lua_type(L, -1);
  if (type == LUA_TNUMBER) {
    lua_tolstring(L, -1, nullptr);
  } else if (type != LUA_TSTRING && prompt != 0) {
    luaL_error(L, "%s: prompt must be a string, got %s", who, luaL_typename(L, -1));
  } else if (type != LUA_TSTRING) {
    luaL_error(L, "%s: item %d: prompt must be a string, got %s", who, static_cast<int>(item),
               luaL_typename(L, -1));
  }
  const text_rule rule = prompt != 0 ? text_rule::string_or_number : text_rule::string_only;
  push_text_option(L, opts, "system", rule);
  if (opts != 0) {
    lua_getfield(L, opts, "max_tokens");
    const lua_Integer max_tokens = max_tokens_of(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, max_tokens);
  } else {
    lua_pushinteger(L, default_max_tokens);
  }
  push_flag(L, opts, "grounded");
  push_flag(L, opts, "underspecified");
  push_text_option(L, opts, "cache_breakpoint", rule);
  push_text_option(L, opts, "role", rule);
}

void assign_string(lua_State* L, int index, std::string& out) {
  std::size_t len = 0;
  const char* data = lua_tolstring(L, index, &len);
  out.assign(data, len);
}

void assign_optional_string(lua_State* L, int index, std::optional<std::string>& out) {
  if (lua_type(L, index) != LUA_TSTRING) return;
  std::size_t len = 0;
  const char* data = lua_tolstring(L, index, &len);
  out.emplace(data, len);
}

// "q-<n>" without the temporaries of std::to_string and operator+.
void assign_query_id(std::string& out, uint64_t n) {
  char buffer[24] = {'q', '-'};
  char* end = buffer + sizeof buffer;
  char* digits = end;
  do {
    *--digits = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  const std::size_t count = static_cast<std::size_t>(end - digits);
  std::copy(digits, end, buffer + 2);
  out.assign(buffer, count + 2);
}

// A reused query with a fresh id, the given prompt and default options.
llm_query& reset_query(lua_State* L, host_call_slot& host, llm_query& query, int prompt) {
  query.system.reset();
  query.max_tokens = default_max_tokens;
  query.grounded = false;
  query.underspecified = false;
  query.cache_breakpoint.reset();
  query.role.reset();
  assign_query_id(query.query_id, host.next_query_id());
  assign_string(L, prompt, query.prompt);
  return query;
}

// Reads `count` validated queries starting at stack index `base` (or, when
// `count` is 0, the bare prompt at index 1) into the pending request.
// Raises nothing; false when C++ memory runs out.
bool stage_llm_call(lua_State* L, host_call_slot& host, int base, int count, pause_kind kind,
                    bool as_list) noexcept {
  try {
    llm_call& call = host.llm(as_list);
    call.kind = kind;
    if (count == 0) {
      call.queries.resize(1);
      reset_query(L, host, call.queries.front(), 1);
      return true;
    }
    call.queries.resize(static_cast<std::size_t>(count));
    for (int q = 0; q < count; ++q) {
      const int at = base + q * slots_per_query;
      llm_query& query =
          reset_query(L, host, call.queries[static_cast<std::size_t>(q)], at + slot_prompt);
      assign_optional_string(L, at + slot_system, query.system);
      query.max_tokens = static_cast<int64_t>(lua_tointeger(L, at + slot_max_tokens));
      query.grounded = lua_toboolean(L, at + slot_grounded) != 0;
      query.underspecified = lua_toboolean(L, at + slot_underspecified) != 0;
      assign_optional_string(L, at + slot_cache_breakpoint, query.cache_breakpoint);
      assign_optional_string(L, at + slot_role, query.role);
    }
    return true;
  } catch (...) {
    host.discard();
    return false;
  }
}

// Sets the scratch error when the budget refuses `count` more queries.
bool budget_allows(vm_core& core, int64_t count) noexcept {
  if (!core.options.budget) return true;
  try {
    for (int64_t ahead = 0; ahead < count; ++ahead) {
      if (auto refusal = core.options.budget->refusal(ahead)) {
        core.scratch.error = std::move(*refusal);
        return false;
      }
    }
    core.options.budget->record_calls(count);
    return true;
  } catch (...) {
    core.scratch.error = "not enough memory";
    return false;
  }
}

// Checks the budget, stages the queries (`count` 0: the bare prompt at
// index 1) and yields to the host.
int yield_llm_call(lua_State* L, int base, int count, pause_kind kind, bool as_list) {
  vm_core& core = core_of(L);
  if (!budget_allows(core, std::max(count, 1))) return raise_scratch_error(L, core.scratch);
  if (!stage_llm_call(L, core.host, base, count, kind, as_list)) {
    return luaL_error(L, "not enough memory");
  }
  return core.host.yield(L);
}

// alc.llm(prompt, opts?) -> string
int alc_llm(lua_State* L) {
  require_yieldable(L, "alc.llm");
  const int opts_type = lua_type(L, 2);
  if (opts_type != LUA_TNONE && opts_type != LUA_TNIL && opts_type != LUA_TTABLE) {
    return luaL_error(L, "alc.llm: opts must be a table, got %s", lua_typename(L, opts_type));
  }
  if (opts_type != LUA_TTABLE && lua_type(L, 1) == LUA_TSTRING) {
    // The common case, a bare prompt: stage it without the option slots.
    lua_settop(L, 1);
    return yield_llm_call(L, 0, 0, pause_kind::single, /*as_list=*/false);
  }
  lua_settop(L, 2);
  const int base = 3;
  push_query(L, 1, opts_type == LUA_TTABLE ? 2 : 0, "alc.llm");
  return yield_llm_call(L, base, 1, pause_kind::single, /*as_list=*/false);
}

// alc.llm_batch(items) -> {string...}
int alc_llm_batch(lua_State* L) {
  require_yieldable(L, "alc.llm_batch");
  if (lua_type(L, 1) != LUA_TTABLE) {
    return luaL_error(L, "alc.llm_batch: items must be an array of tables, got %s",
                      luaL_typename(L, 1));
  }
  lua_settop(L, 1);
  const lua_Integer count = luaL_len(L, 1);
  if (count == 0) return luaL_error(L, "alc.llm_batch: empty items array");
  if (count > 100'000) return luaL_error(L, "alc.llm_batch: more than 100000 items");
  const int base = 2;
  for (lua_Integer i = 1; i <= count; ++i) {
    if (lua_geti(L, 1, i) != LUA_TTABLE) {
      return luaL_error(L, "alc.llm_batch: item %d must be a table with a prompt, got %s",
                        static_cast<int>(i), luaL_typename(L, -1));
    }
    const int item = lua_gettop(L);
    push_query(L, 0, item, "alc.llm_batch", i);
    lua_remove(L, item);
  }
  // One item pauses as an ordinary single query (lua-api.md), answered as a list.
  return yield_llm_call(L, base, static_cast<int>(count),
                        count == 1 ? pause_kind::single : pause_kind::batch, /*as_list=*/true);
}

}  // namespace

void open_llm_library(lua_State* L) {
  static constexpr luaL_Reg functions[] = {
      {"llm", alc_llm},
      {"llm_batch", alc_llm_batch},
      {nullptr, nullptr},
  };
  luaL_setfuncs(L, functions, 0);
}

}  // namespace alc
