#include "lua_bridge/chunk_syntax.hpp"

#include <lua.hpp>

namespace alc {

chunk_syntax check_chunk(std::string_view code, std::string& error) {
  // A bare state: compiling needs no library, and nothing here runs.
  lua_State* L = luaL_newstate();
  if (L == nullptr) {
    error = "not enough memory";
    return chunk_syntax::invalid;
  }
  const int status = luaL_loadbufferx(L, code.data(), code.size(), "=input", "t");
  chunk_syntax result = chunk_syntax::complete;
  if (status == LUA_ERRSYNTAX) {
    std::size_t len = 0;
    const char* message = lua_tolstring(L, -1, &len);
    const std::string_view text(message, len);
    // lua.c's rule: an error at <eof> means the chunk is unfinished.
    constexpr std::string_view eof_mark = "<eof>";
    if (text.size() >= eof_mark.size() && text.substr(text.size() - eof_mark.size()) == eof_mark) {
      result = chunk_syntax::incomplete;
    } else {
      result = chunk_syntax::invalid;
      error.assign(text);
    }
  } else if (status != LUA_OK) {
    result = chunk_syntax::invalid;
    error = "not enough memory";
  }
  lua_close(L);
  return result;
}

}  // namespace alc
