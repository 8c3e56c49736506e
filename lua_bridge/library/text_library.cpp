// Lua bindings of text_primitives. Lua errors unwind with longjmp, so the
// only locals alive across a Lua call that may raise are trivially
// destructible (raw pointers, string_views into strings on the stack, the
// chunker); C++ work that allocates runs in a noexcept helper and its
// failure is raised only after the helper returned.
#include "lua_bridge/library/libraries.hpp"

#include "lua_bridge/lua_json.hpp"

#include <climits>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <string_view>

#include <lua.hpp>

#include "lua_bridge/execution_meter.hpp"
#include "lua_bridge/text_primitives.hpp"

namespace alc {
namespace {

// The string argument at `index`; it stays on the stack, so the view stays valid.
std::string_view check_text(lua_State* L, int index, const char* who) {
  if (lua_type(L, index) != LUA_TSTRING) {
    luaL_error(L, "%s: text must be a string, got %s", who, luaL_typename(L, index));
  }
  std::size_t len = 0;
  const char* data = lua_tolstring(L, index, &len);
  return {data, len};
}

// The stack index of an options table, or 0 when it is absent or nil.
int opts_index(lua_State* L, int index, const char* who) {
  const int type = lua_type(L, index);
  if (type == LUA_TNONE || type == LUA_TNIL) return 0;
  if (type != LUA_TTABLE)
    luaL_error(L, "%s: opts must be a table, got %s", who, lua_typename(L, type));
  return index;
}

// ---- alc.chunk ----------------------------------------------------------------

text::chunk_mode read_mode(lua_State* L, int opts) {
  if (opts == 0) return text::chunk_mode::lines;
  const int type = lua_getfield(L, opts, "mode");
  if (type == LUA_TNIL) {
    lua_pop(L, 1);
    return text::chunk_mode::lines;
  }
  if (type != LUA_TSTRING) {
    luaL_error(L, "alc.chunk: mode must be \"lines\" or \"chars\", got %s", lua_typename(L, type));
  }
  std::size_t len = 0;
  const char* data = lua_tolstring(L, -1, &len);
  const std::string_view mode(data, len);
  if (mode != "lines" && mode != "chars") {
    luaL_error(L, "alc.chunk: mode must be \"lines\" or \"chars\", got \"%s\"", data);
  }
  lua_pop(L, 1);
  return mode == "chars" ? text::chunk_mode::chars : text::chunk_mode::lines;
}

lua_Integer read_integer(lua_State* L, int opts, const char* field, lua_Integer fallback) {
  if (opts == 0) return fallback;
  const int type = lua_getfield(L, opts, field);
  if (type == LUA_TNIL) {
    lua_pop(L, 1);
    return fallback;
  }
  int is_integer = 0;
  const lua_Integer value = lua_tointegerx(L, -1, &is_integer);
  if (type != LUA_TNUMBER || !is_integer) {
    luaL_error(L, "alc.chunk: %s must be an integer, got %s", field,
               type == LUA_TNUMBER ? "a fractional number" : lua_typename(L, type));
  }
  lua_pop(L, 1);
  return value;
}

// alc.chunk(text, {mode="lines"|"chars", size=50, overlap=0}) -> {string...}
int alc_chunk(lua_State* L) {
  const std::string_view text = check_text(L, 1, "alc.chunk");
  const int opts = opts_index(L, 2, "alc.chunk");
  const text::chunk_mode mode = read_mode(L, opts);
  const lua_Integer size = read_integer(L, opts, "size", 50);
  const lua_Integer overlap = read_integer(L, opts, "overlap", 0);
  if (overlap < 0) return luaL_error(L, "alc.chunk: overlap must be >= 0, got %I", overlap);
  // Chunks are byte ranges of the text at index 1, pushed straight from it.
  text::chunker chunks(text, mode, static_cast<int64_t>(size), static_cast<int64_t>(overlap));
  const std::size_t count = chunks.count();
  lua_createtable(L, count > INT_MAX ? INT_MAX : static_cast<int>(count), 0);
  text::chunk_span span;
  lua_Integer index = 0;
  while (chunks.next(span)) {
    lua_pushlstring(L, text.data() + span.offset, span.length);
    lua_rawseti(L, -2, ++index);
  }
  lua_json::mark_array(L, -1);  // no chunks encodes as [], not {}
  return 1;
}

// ---- alc.match_enum -----------------------------------------------------------

double read_threshold(lua_State* L, int opts) {
  constexpr double fallback = 0.7;
  if (opts == 0) return fallback;
  const int type = lua_getfield(L, opts, "threshold");
  double threshold = fallback;
  if (type == LUA_TNUMBER) {
    threshold = static_cast<double>(lua_tonumber(L, -1));
  } else if (type != LUA_TNIL) {
    luaL_error(L, "alc.match_enum: threshold must be a number, got %s", lua_typename(L, type));
  }
  lua_pop(L, 1);
  return threshold;
}

// Views of the candidate strings in a userdata pushed on the stack. Raw
// access only: no metamethod runs, and every string stays anchored by the
// candidates table, which stays on the stack.
std::string_view* collect_candidates(lua_State* L, int table, std::size_t& count) {
  const lua_Unsigned length = lua_rawlen(L, table);
  if (length > SIZE_MAX / sizeof(std::string_view)) {
    luaL_error(L, "alc.match_enum: too many candidates");
  }
  count = static_cast<std::size_t>(length);
  void* memory = lua_newuserdatauv(L, count * sizeof(std::string_view), 0);
  auto* views = static_cast<std::string_view*>(memory);
  for (std::size_t i = 0; i < count; ++i) {
    const int type = lua_rawgeti(L, table, static_cast<lua_Integer>(i + 1));
    if (type != LUA_TSTRING) {
      luaL_error(L, "alc.match_enum: candidate %I must be a string, got %s",
                 static_cast<lua_Integer>(i + 1), lua_typename(L, type));
    }
    std::size_t len = 0;
    const char* data = lua_tolstring(L, -1, &len);
    new (views + i) std::string_view(data, len);  // trivially destructible, never destroyed
    lua_pop(L, 1);
  }
  return views;
}

struct enum_match {
  bool out_of_memory = false;
  std::optional<std::size_t> index;
};

enum_match find_enum_match(std::string_view text, const std::string_view* candidates,
                           std::size_t count, double threshold, work_budget& budget) noexcept {
  try {
    return {false, text::match_enum(text, candidates, count, threshold, budget)};
  } catch (...) {
    return {true, std::nullopt};
  }
}

// alc.match_enum(text, candidates, {threshold=0.7}) -> candidate | nil
int alc_match_enum(lua_State* L) {
  const std::string_view text = check_text(L, 1, "alc.match_enum");
  if (lua_type(L, 2) != LUA_TTABLE) {
    return luaL_error(L, "alc.match_enum: candidates must be an array of strings, got %s",
                      luaL_typename(L, 2));
  }
  const double threshold = read_threshold(L, opts_index(L, 3, "alc.match_enum"));
  std::size_t count = 0;
  const std::string_view* candidates = collect_candidates(L, 2, count);
  // Its work grows with |text| times the candidates' size: it checks the
  // slice deadline as it goes, and past it raises cpu_limit.
  work_budget budget = slice_work_budget(L);
  const enum_match match = find_enum_match(text, candidates, count, threshold, budget);
  if (budget.exhausted()) check_slice_deadline(L);
  if (match.out_of_memory) return luaL_error(L, "alc.match_enum: not enough memory");
  if (!match.index) {
    lua_pushnil(L);
  } else {
    // The candidate exactly as the script gave it.
    lua_rawgeti(L, 2, static_cast<lua_Integer>(*match.index + 1));
  }
  return 1;
}

// ---- alc.match_bool -----------------------------------------------------------

// alc.match_bool(text) -> true | false | nil
int alc_match_bool(lua_State* L) {
  const std::optional<bool> verdict = text::match_bool(check_text(L, 1, "alc.match_bool"));
  if (verdict) {
    lua_pushboolean(L, *verdict ? 1 : 0);
  } else {
    lua_pushnil(L);
  }
  return 1;
}

}  // namespace

void open_text_library(lua_State* L) {
  static constexpr luaL_Reg functions[] = {
      {"chunk", alc_chunk},
      {"match_enum", alc_match_enum},
      {"match_bool", alc_match_bool},
      {nullptr, nullptr},
  };
  luaL_setfuncs(L, functions, 0);
}

}  // namespace alc
