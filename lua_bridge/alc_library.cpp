// The C primitives of the `alc` table that belong to the VM itself: LLM
// host calls, JSON and logging. Every function follows the vm_core rule:
// validate with Lua calls first, then do C++ work in a helper that cannot
// raise, then push results.
#include <algorithm>
#include <new>
#include <string>

#include "lua_bridge/budget_meter.hpp"
#include "lua_bridge/lua_json.hpp"
#include "lua_bridge/text_library.hpp"
#include "lua_bridge/vm_core.hpp"
#include "messages/limits.hpp"

namespace alc {

const char runtime_yield_marker = 0;
extern const std::string_view prelude_source;

namespace {

// ---- LLM host calls --------------------------------------------------------

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

void push_optional_string(lua_State* L, int opts, const char* who, const char* field) {
  if (opts == 0) {
    lua_pushnil(L);
    return;
  }
  const int type = lua_getfield(L, opts, field);
  if (type != LUA_TNIL && type != LUA_TSTRING) {
    luaL_error(L, "%s: %s must be a string, got %s", who, field, lua_typename(L, type));
  }
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

// Validates one query and pushes its slots_per_query values. `prompt` is
// the stack index of the prompt, or 0 to take `opts.prompt`.
void push_query(lua_State* L, int prompt, int opts, const char* who) {
  luaL_checkstack(L, slots_per_query + 2, "too many queries");
  if (prompt != 0) {
    if (lua_type(L, prompt) != LUA_TSTRING) {
      luaL_error(L, "%s: prompt must be a string, got %s", who, luaL_typename(L, prompt));
    }
    lua_pushvalue(L, prompt);
  } else if (lua_getfield(L, opts, "prompt") != LUA_TSTRING) {
    luaL_error(L, "%s: prompt must be a string, got %s", who, luaL_typename(L, -1));
  }
  push_optional_string(L, opts, who, "system");
  if (opts != 0 && lua_getfield(L, opts, "max_tokens") != LUA_TNIL) {
    int is_integer = 0;
    const lua_Integer max_tokens = lua_tointegerx(L, -1, &is_integer);
    if (!is_integer || max_tokens <= 0) {
      luaL_error(L, "%s: max_tokens must be a positive integer", who);
    }
  } else {
    if (opts != 0) lua_pop(L, 1);
    lua_pushinteger(L, default_max_tokens);
  }
  push_flag(L, opts, "grounded");
  push_flag(L, opts, "underspecified");
  push_optional_string(L, opts, who, "cache_breakpoint");
  push_optional_string(L, opts, who, "role");
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

// The previous request's storage, emptied, so steady-state calls do not allocate.
llm_call& reusable_llm_call(vm_core& core) {
  if (!core.request || !std::holds_alternative<llm_call>(*core.request)) {
    core.request.emplace(std::in_place_type<llm_call>);
  }
  return std::get<llm_call>(*core.request);
}

// Every field of a reused query is assigned, so none carries over.
void reset_options(llm_query& query) {
  query.system.reset();
  query.max_tokens = default_max_tokens;
  query.grounded = false;
  query.underspecified = false;
  query.cache_breakpoint.reset();
  query.role.reset();
}

// Reads `count` validated queries starting at stack index `base` straight
// into the pending request. Raises nothing; false when C++ memory runs out.
bool stage_llm_call(lua_State* L, vm_core& core, int base, int count, pause_kind kind) noexcept {
  try {
    llm_call& call = reusable_llm_call(core);
    call.kind = kind;
    call.queries.resize(static_cast<std::size_t>(count));
    for (int q = 0; q < count; ++q) {
      const int at = base + q * slots_per_query;
      llm_query& query = call.queries[static_cast<std::size_t>(q)];
      reset_options(query);
      assign_query_id(query.query_id, core.next_query_id++);
      std::size_t len = 0;
      const char* prompt = lua_tolstring(L, at + slot_prompt, &len);
      query.prompt.assign(prompt, len);
      assign_optional_string(L, at + slot_system, query.system);
      query.max_tokens = static_cast<int64_t>(lua_tointeger(L, at + slot_max_tokens));
      query.grounded = lua_toboolean(L, at + slot_grounded) != 0;
      query.underspecified = lua_toboolean(L, at + slot_underspecified) != 0;
      assign_optional_string(L, at + slot_cache_breakpoint, query.cache_breakpoint);
      assign_optional_string(L, at + slot_role, query.role);
    }
    core.request_staged = true;
    return true;
  } catch (...) {
    core.request.reset();
    core.request_staged = false;
    return false;
  }
}

// alc.llm(prompt) with default options; the prompt string is at index 1.
bool stage_bare_prompt(lua_State* L, vm_core& core) noexcept {
  try {
    llm_call& call = reusable_llm_call(core);
    call.kind = pause_kind::single;
    call.queries.resize(1);
    llm_query& query = call.queries.front();
    reset_options(query);
    assign_query_id(query.query_id, core.next_query_id++);
    std::size_t len = 0;
    const char* prompt = lua_tolstring(L, 1, &len);
    query.prompt.assign(prompt, len);
    core.request_staged = true;
    return true;
  } catch (...) {
    core.request.reset();
    core.request_staged = false;
    return false;
  }
}

}  // namespace

int raise_host_error(lua_State* L, vm_core& core) {
  luaL_where(L, 1);
  lua_pushlstring(L, core.error_reply.data(), core.error_reply.size());
  core.reply = vm_core::reply_kind::none;
  lua_concat(L, 2);
  return lua_error(L);
}

namespace {

int llm_resumed(lua_State* L, int /*status*/, lua_KContext batch) {
  vm_core& core = core_of(L);
  if (core.reply == vm_core::reply_kind::error) return raise_host_error(L, core);
  core.reply = vm_core::reply_kind::none;
  if (batch == 0) {
    const std::string& answer = core.llm_reply.front();
    lua_pushlstring(L, answer.data(), answer.size());
  } else {
    const auto count = static_cast<lua_Integer>(core.llm_reply.size());
    lua_createtable(L, static_cast<int>(count), 0);
    for (lua_Integer i = 0; i < count; ++i) {
      const std::string& answer = core.llm_reply[static_cast<std::size_t>(i)];
      lua_pushlstring(L, answer.data(), answer.size());
      lua_rawseti(L, -2, i + 1);
    }
  }
  core.llm_reply.clear();
  return 1;
}

}  // namespace

void require_yieldable(lua_State* L, const char* who) {
  if (!lua_isyieldable(L)) {
    luaL_error(L,
               "%s: the session cannot pause here (inside a metamethod, a table.sort comparator "
               "or another call that cannot yield)",
               who);
  }
}

namespace {

// Stages the queries and yields to the host; the script resumes in
// llm_resumed with one string, or a list of strings when `as_list`.
int yield_llm_call(lua_State* L, int base, int count, pause_kind kind, bool as_list) {
  if (!stage_llm_call(L, core_of(L), base, count, kind)) return luaL_error(L, "not enough memory");
  lua_pushlightuserdata(L, const_cast<char*>(&runtime_yield_marker));
  return lua_yieldk(L, 1, as_list ? 1 : 0, llm_resumed);
}

// Sets core.scratch_error when the budget refuses `count` more queries.
bool budget_allows(vm_core& core, int64_t count) noexcept {
  if (!core.options.budget) return true;
  try {
    for (int64_t ahead = 0; ahead < count; ++ahead) {
      if (auto refusal = core.options.budget->refusal(ahead)) {
        core.scratch_error = std::move(*refusal);
        return false;
      }
    }
    core.options.budget->record_calls(count);
    return true;
  } catch (...) {
    core.scratch_error = "not enough memory";
    return false;
  }
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
    if (!budget_allows(core_of(L), 1)) return raise_scratch_error(L, core_of(L));
    if (!stage_bare_prompt(L, core_of(L))) return luaL_error(L, "not enough memory");
    lua_pushlightuserdata(L, const_cast<char*>(&runtime_yield_marker));
    return lua_yieldk(L, 1, 0, llm_resumed);
  }
  lua_settop(L, 2);
  const int base = 3;
  push_query(L, 1, opts_type == LUA_TTABLE ? 2 : 0, "alc.llm");
  if (!budget_allows(core_of(L), 1)) return raise_scratch_error(L, core_of(L));
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
    push_query(L, 0, item, "alc.llm_batch");
    lua_remove(L, item);
  }
  if (!budget_allows(core_of(L), count)) return raise_scratch_error(L, core_of(L));
  // One item pauses as an ordinary single query (lua-api.md), answered as a list.
  return yield_llm_call(L, base, static_cast<int>(count),
                        count == 1 ? pause_kind::single : pause_kind::batch, /*as_list=*/true);
}

// ---- JSON ------------------------------------------------------------------

// Encodes into core.scratch_text; false with core.scratch_error set on failure.
bool encode_to_scratch(lua_State* L, vm_core& core, int index) noexcept {
  try {
    nlohmann::json value;
    if (auto error = lua_json::to_json(L, index, "value", value)) {
      core.scratch_error = "alc.json_encode: " + *error;
      return false;
    }
    core.scratch_text = value.dump();
    return true;
  } catch (const std::exception& e) {
    core.scratch_error = std::string("alc.json_encode: ") + e.what();
    return false;
  }
}

}  // namespace

int raise_scratch_error(lua_State* L, vm_core& core) {
  luaL_where(L, 1);
  lua_pushlstring(L, core.scratch_error.data(), core.scratch_error.size());
  lua_concat(L, 2);
  return lua_error(L);
}

namespace {

int alc_json_encode(lua_State* L) {
  luaL_checkany(L, 1);
  vm_core& core = core_of(L);
  if (!encode_to_scratch(L, core, 1)) return raise_scratch_error(L, core);
  lua_pushlstring(L, core.scratch_text.data(), core.scratch_text.size());
  core.scratch_text.clear();
  return 1;
}

// Parses into core.scratch_json; false with core.scratch_error set on failure.
bool parse_to_scratch(vm_core& core, const char* text, std::size_t len) noexcept {
  try {
    core.scratch_json = nlohmann::json::parse(text, text + len);
    return true;
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix.
    if (const auto close = what.find("] ");
        what.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
      what.erase(0, close + 2);
    }
    core.scratch_error = "alc.json_decode: " + what;
    return false;
  } catch (const std::exception& e) {
    core.scratch_error = std::string("alc.json_decode: ") + e.what();
    return false;
  }
}

int alc_json_decode(lua_State* L) {
  std::size_t len = 0;
  const char* text = luaL_checklstring(L, 1, &len);
  vm_core& core = core_of(L);
  if (!parse_to_scratch(core, text, len)) return raise_scratch_error(L, core);
  lua_json::push(L, core.scratch_json);
  core.scratch_json = nullptr;
  return 1;
}

// ---- logging ---------------------------------------------------------------

void deliver_log(vm_core& core, log_level level, const char* text, std::size_t len) noexcept {
  if (!core.options.log) return;
  try {
    core.options.log(level, std::string_view(text, len));
  } catch (...) {
    // A failing sink must not take the script down with it.
  }
}

log_level level_named(lua_State* L, int index) {
  std::size_t len = 0;
  const char* name = lua_tolstring(L, index, &len);
  return name == nullptr ? log_level::info : parse_log_level(std::string_view(name, len));
}

// alc.log(level, msg) through the table's __call: args are (table, level, msg).
int alc_log_call(lua_State* L) {
  const log_level level = level_named(L, 2);
  std::size_t len = 0;
  const char* text = luaL_tolstring(L, 3, &len);
  deliver_log(core_of(L), level, text, len);
  return 0;
}

// alc.log.info(msg) and friends; the level is upvalue 1.
int alc_log_at(lua_State* L) {
  const log_level level = level_named(L, lua_upvalueindex(1));
  std::size_t len = 0;
  const char* text = luaL_tolstring(L, 1, &len);
  deliver_log(core_of(L), level, text, len);
  return 0;
}

// print(...) becomes one info log line, never process output.
int captured_print(lua_State* L) {
  const int n = lua_gettop(L);
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  for (int i = 1; i <= n; ++i) {
    if (i > 1) luaL_addchar(&buffer, '\t');
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&buffer);
  }
  luaL_pushresult(&buffer);
  std::size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  deliver_log(core_of(L), log_level::info, text, len);
  return 0;
}

void open_log_table(lua_State* L) {
  lua_createtable(L, 0, 4);
  for (const char* level : {"error", "warn", "info", "debug"}) {
    lua_pushstring(L, level);
    lua_pushcclosure(L, alc_log_at, 1);
    lua_setfield(L, -2, level);
  }
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, alc_log_call);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
}

// ---- the prelude, loaded on first use ----------------------------------------

// Its address is the registry key of the `alc` table the prelude extends.
const char alc_table_key = 0;

void install_lazy_library(lua_State* L, int table);

// Runs on a name missing from `alc` (or `alc.state`). First it adds the C
// primitives that are off the hot path (state, stats, progress, fork, text
// helpers ...); if the name is still missing, it runs the Lua prelude.
// A script that only calls alc.llm pays for neither. Upvalue-free: the
// indexed table and key are arguments 1 and 2.
int complete_library_and_index(lua_State* L) {
  vm_core& core = core_of(L);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &alc_table_key);
  const int alc = lua_gettop(L);
  if (!core.extensions_loaded) {
    core.extensions_loaded = true;
    lua_pushvalue(L, alc);
    open_host_library(L);
    open_text_library(L);
    lua_getfield(L, -1, "state");
    install_lazy_library(L, lua_gettop(L));  // for alc.state.update, from the prelude
    lua_settop(L, alc);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, 1) != LUA_TNIL) return 1;
    lua_pop(L, 1);
  }
  if (!core.prelude_loaded) {
    core.prelude_loaded = true;
    // Unhook first: the prelude itself reads missing names.
    lua_pushnil(L);
    lua_setmetatable(L, alc);
    if (lua_getfield(L, alc, "state") == LUA_TTABLE) {
      lua_pushnil(L);
      lua_setmetatable(L, -2);
    }
    lua_pop(L, 1);
    load_cached_chunk(L, "alc.prelude", prelude_source);
    lua_pushvalue(L, alc);
    lua_call(L, 1, 0);
  }
  lua_settop(L, 2);
  lua_rawget(L, 1);
  return 1;
}

void install_lazy_library(lua_State* L, int table) {
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, complete_library_and_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, table);
}

}  // namespace

void open_alc_library(lua_State* L) {
  static constexpr luaL_Reg functions[] = {
      {"llm", alc_llm},
      {"llm_batch", alc_llm_batch},
      {"json_encode", alc_json_encode},
      {"json_decode", alc_json_decode},
      {nullptr, nullptr},
  };
  luaL_newlib(L, functions);
  open_log_table(L);
  lua_setfield(L, -2, "log");
  const int alc = lua_gettop(L);
  lua_pushvalue(L, alc);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &alc_table_key);
  install_lazy_library(L, alc);
  lua_setglobal(L, "alc");
  lua_register(L, "print", captured_print);
}

}  // namespace alc
