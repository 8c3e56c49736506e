#include "alc/lua_syntax.hpp"

#include <lua.hpp>

namespace alc {
namespace {

/// Compiles `code` in a bare state: compiling needs no library, and nothing runs.
lua_input check_chunk(std::string_view code, lua_input_kind kind_if_complete) {
  lua_State* L = luaL_newstate();
  if (L == nullptr) return {lua_input_kind::invalid, "not enough memory"};
  const int status = luaL_loadbufferx(L, code.data(), code.size(), "=input", "t");
  lua_input result{kind_if_complete, {}};
  if (status == LUA_ERRSYNTAX) {
    std::size_t len = 0;
    const char* message = lua_tolstring(L, -1, &len);
    const std::string_view text(message, len);
    // lua.c's rule: an error at <eof> means the chunk is unfinished.
    constexpr std::string_view eof_mark = "<eof>";
    if (text.size() >= eof_mark.size() && text.substr(text.size() - eof_mark.size()) == eof_mark) {
      result.kind = lua_input_kind::incomplete;
    } else {
      result = {lua_input_kind::invalid, std::string(text)};
    }
  } else if (status != LUA_OK) {
    result = {lua_input_kind::invalid, "not enough memory"};
  }
  lua_close(L);
  return result;
}

}  // namespace

lua_input classify_lua_input(std::string_view code) {
  const std::string as_return = "return " + std::string(code);
  if (check_chunk(as_return, lua_input_kind::expression).kind == lua_input_kind::expression) {
    return {lua_input_kind::expression, {}};
  }
  return check_chunk(code, lua_input_kind::statements);
}

}  // namespace alc
