#pragma once

#include <string>
#include <string_view>

namespace alc {

enum class chunk_syntax {
  complete,    ///< compiles
  incomplete,  ///< would compile with more input (an open `function`, string ...)
  invalid,     ///< a syntax error more input cannot fix
};

/// Compiles `code` (never runs it) the way the standalone `lua` decides
/// whether to read a continuation line; `error` gets the message if invalid.
chunk_syntax check_chunk(std::string_view code, std::string& error);

}  // namespace alc
