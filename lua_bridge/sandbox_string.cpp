// string.find, match, gmatch, gsub and rep, replacing the stock ones
// (lua-api.md, the sandbox). Observably Lua 5.4's own — results, argument
// checks, errors — but bounded: stock's matcher backtracks in C for as long
// as a pattern says, where no hook can stop it, and stock's rep loops n
// times even for an empty result. Here the matcher watches the slice's
// deadline (pattern_matcher), and rep's time follows its result's size.
//
// Lua errors unwind with longjmp: the locals alive across a call that may
// raise are trivially destructible (the matcher, luaL_Buffer, raw pointers).
#include <climits>
#include <cstring>
#include <new>
#include <string_view>

#include <string.h>  // memmem (POSIX 2024, glibc, musl, the BSDs)

#include "lua_bridge/pattern_matcher.hpp"
#include "lua_bridge/vm_setup.hpp"

namespace alc {
namespace {

// The offset where matching starts: `init` counted from 1, negative from
// the end, clipped to the start; past the end it stays past the end.
std::size_t start_offset(lua_Integer init, std::size_t len) {
  if (init > 0) return static_cast<std::size_t>(init) - 1;
  if (init == 0 || init < -static_cast<lua_Integer>(len)) return 0;
  return len + static_cast<std::size_t>(init);
}

// No character that makes a pattern more than its text (embedded zeros too).
bool is_plain_text(const char* p, std::size_t lp) {
  static constexpr std::string_view specials = "^$*+?.([%-";
  return std::string_view(p, lp).find_first_of(specials) == std::string_view::npos;
}

// A leading '^' anchors the match at its start; the matcher gets the rest.
bool prepare_matcher(lua_State* L, pattern_matcher& matcher, const char* s, std::size_t ls,
                     const char* p, std::size_t lp) {
  const bool anchored = lp > 0 && *p == '^';
  if (anchored) {
    ++p;
    --lp;
  }
  matcher.prepare(L, s, ls, p, lp);
  return anchored;
}

int find_or_match(lua_State* L, bool find) {
  std::size_t ls = 0;
  std::size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  const std::size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || is_plain_text(p, lp))) {
    // memmem is linear (Two-Way) where a naive search, stock's too, is
    // quadratic: 'aaa...a' for 'aa...ab'.
    const void* at = ::memmem(s + init, ls - init, p, lp);
    if (at == nullptr) {
      luaL_pushfail(L);
      return 1;
    }
    const auto start = static_cast<const char*>(at) - s;
    lua_pushinteger(L, start + 1);
    lua_pushinteger(L, static_cast<lua_Integer>(start + static_cast<std::ptrdiff_t>(lp)));
    return 2;
  }
  pattern_matcher matcher;
  const bool anchored = prepare_matcher(L, matcher, s, ls, p, lp);
  const char* start = s + init;
  const char* end = matcher.search(start, nullptr, anchored);
  if (end == nullptr) {
    luaL_pushfail(L);
    return 1;
  }
  if (!find) return matcher.push_captures(start, end);
  lua_pushinteger(L, (start - s) + 1);
  lua_pushinteger(L, end - s);
  return matcher.push_captures(nullptr, nullptr) + 2;
}

int string_find(lua_State* L) {
  return find_or_match(L, true);
}
int string_match(lua_State* L) {
  return find_or_match(L, false);
}

// ---- gmatch -------------------------------------------------------------------

// The iterator's state, in a userdata beside the subject and the pattern
// (its upvalues, which keep them alive). Like stock, a '^' is no anchor here.
struct gmatch_state {
  const char* next;      ///< where the next search starts
  const char* last_end;  ///< where the last match ended (an empty match there is skipped)
  pattern_matcher matcher;
};

int gmatch_step(lua_State* L) {
  auto* state = static_cast<gmatch_state*>(lua_touserdata(L, lua_upvalueindex(3)));
  state->matcher.set_state(L);
  const char* start = state->next;
  const char* end = state->matcher.search(start, state->last_end, false);
  if (end == nullptr) return 0;
  state->next = state->last_end = end;
  return state->matcher.push_captures(start, end);
}

int string_gmatch(lua_State* L) {
  std::size_t ls = 0;
  std::size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  std::size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
  if (init > ls) init = ls + 1;  // past the end: no match, and no pointer further out
  lua_settop(L, 2);
  auto* state = new (lua_newuserdatauv(L, sizeof(gmatch_state), 0)) gmatch_state{};
  state->matcher.prepare(L, s, ls, p, lp);
  state->next = s + init;
  state->last_end = nullptr;
  lua_pushcclosure(L, gmatch_step, 3);
  return 1;
}

// ---- gsub ---------------------------------------------------------------------

// The text of the pending run [*copied, to) goes to `out`.
void flush(luaL_Buffer& out, const char*& copied, const char* to) {
  luaL_addlstring(&out, copied, static_cast<std::size_t>(to - copied));
  copied = to;
}

// A replacement string: %0 the match, %1-%9 its captures, %% a '%'.
void add_replacement_text(lua_State* L, pattern_matcher& matcher, luaL_Buffer& out, const char* s,
                          const char* e, const char* text, std::size_t len) {
  // Reading it is work even when it adds nothing (%1 of an empty capture).
  matcher.charge(static_cast<std::ptrdiff_t>(len));
  const char* const end = text + len;
  const char* escape = nullptr;
  while ((escape = static_cast<const char*>(std::memchr(text, '%', end - text))) != nullptr) {
    luaL_addlstring(&out, text, static_cast<std::size_t>(escape - text));
    const char code = escape[1];  // the string's '\0' after a final '%'
    if (code == '%') {
      luaL_addchar(&out, '%');
    } else if (code == '0') {
      luaL_addlstring(&out, s, static_cast<std::size_t>(e - s));
    } else if (code >= '1' && code <= '9') {
      const char* capture = nullptr;
      const std::ptrdiff_t capture_len = matcher.capture_text(code - '1', s, e, &capture);
      if (capture_len == pattern_matcher::position) {
        luaL_addvalue(&out);
      } else {
        luaL_addlstring(&out, capture, static_cast<std::size_t>(capture_len));
      }
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", '%');
    }
    text = escape + 2;
  }
  luaL_addlstring(&out, text, static_cast<std::size_t>(end - text));
}

int string_gsub(lua_State* L) {
  std::size_t ls = 0;
  std::size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  const int kind = lua_type(L, 3);
  const lua_Integer max_n = luaL_optinteger(L, 4, static_cast<lua_Integer>(ls) + 1);
  luaL_argexpected(
      L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION || kind == LUA_TTABLE,
      3, "string/function/table");
  std::size_t text_len = 0;
  const char* text =
      kind == LUA_TSTRING || kind == LUA_TNUMBER ? lua_tolstring(L, 3, &text_len) : nullptr;
  pattern_matcher matcher;
  const bool anchored = prepare_matcher(L, matcher, s, ls, p, lp);
  luaL_Buffer out;
  luaL_buffinit(L, &out);
  // The subject before `copied` is in `out` (when anything changed); the
  // unchanged run after it is copied in one piece when a replacement ends it.
  const char* copied = s;
  const char* next = s;
  const char* last_end = nullptr;
  bool changed = false;
  lua_Integer n = 0;
  while (n < max_n) {
    const char* start = next;
    const char* end = matcher.search(start, last_end, anchored);
    if (end == nullptr) break;
    ++n;
    next = last_end = end;
    if (text != nullptr) {
      flush(out, copied, start);
      add_replacement_text(L, matcher, out, start, end, text, text_len);
      copied = end;
      changed = true;
    } else {
      flush(out, copied, start);  // the buffer must be on top when the value is added
      if (kind == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        const int count = matcher.push_captures(start, end);
        lua_call(L, count, 1);
      } else {
        matcher.push_capture(0, start, end);
        lua_gettable(L, 3);
      }
      if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);  // false or nil: the match stays, in the unchanged run
      } else if (!lua_isstring(L, -1)) {
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
      } else {
        luaL_addvalue(&out);
        copied = end;
        changed = true;
      }
    }
    if (anchored) break;
  }
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    flush(out, copied, s + ls);
    luaL_pushresult(&out);
  }
  lua_pushinteger(L, n);
  return 2;
}

// ---- rep ----------------------------------------------------------------------

// Stock's limit on a result (lstrlib's MAXSIZE where size_t is wider than int).
constexpr std::size_t max_result = INT_MAX;

int string_rep(lua_State* L) {
  std::size_t len = 0;
  std::size_t sep_len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  const lua_Integer n = luaL_checkinteger(L, 2);
  const char* sep = luaL_optlstring(L, 3, "", &sep_len);
  if (n <= 0 || len + sep_len == 0) {  // stock loops n times over nothing here
    lua_pushliteral(L, "");
    return 1;
  }
  const auto count = static_cast<std::size_t>(n);
  if (len + sep_len > max_result / count) return luaL_error(L, "resulting string too large");
  const std::size_t total = count * len + (count - 1) * sep_len;
  luaL_Buffer out;
  char* p = luaL_buffinitsize(L, &out, total);
  std::memcpy(p, s, len);
  if (count > 1) {
    // One period (s, sep), then the text so far doubled: time in the result's size.
    std::memcpy(p + len, sep, sep_len);
    std::size_t filled = len + sep_len;
    while (filled < total) {
      const std::size_t chunk = filled < total - filled ? filled : total - filled;
      std::memcpy(p + filled, p, chunk);
      filled += chunk;
    }
  }
  luaL_pushresultsize(&out, total);
  return 1;
}

}  // namespace

void install_safe_string(lua_State* L) {
  const luaL_Reg functions[] = {{"find", string_find},     {"match", string_match},
                                {"gmatch", string_gmatch}, {"gsub", string_gsub},
                                {"rep", string_rep},       {nullptr, nullptr}};
  luaL_setfuncs(L, functions, 0);
}

}  // namespace alc
