#pragma once
// Lua syntax for interactive front ends: is the input typed so far an
// expression, statements, unfinished, or wrong? Decided by compiling it,
// never by running it.

#include <string>
#include <string_view>

namespace alc {

enum class lua_input_kind {
  expression,  ///< compiles as `return <input>`: run that, so its value shows
  statements,  ///< compiles as it is
  incomplete,  ///< would compile with more input (an open `function`, string ...)
  invalid,     ///< a syntax error more input cannot fix
};

struct lua_input {
  lua_input_kind kind = lua_input_kind::invalid;
  std::string error;  ///< the compiler's message when `invalid`
};

/// Classifies `code` the way the standalone `lua` decides whether to print
/// a value or read a continuation line.
lua_input classify_lua_input(std::string_view code);

}  // namespace alc
