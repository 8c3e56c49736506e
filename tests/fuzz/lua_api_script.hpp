#pragma once
// The script generator of fuzz_lua_api: turns fuzz bytes into a Lua script
// that calls functions a script can reach, with generated arguments, inside
// generated coroutine states (docs/fuzzing.md).

#include <set>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

namespace alc::fuzz {

/// Lua expressions that each evaluate to one function a script can reach
/// (`alc.state.get`, `getmetatable(alc).__index`, `string.gsub` ...).
using function_catalogue = std::vector<std::string>;

/// The Lua script that lists every function reachable from a fresh VM's
/// globals, their metatables and a few sample values; it returns the
/// expressions as a JSON array.
const char* catalogue_script();

/// Guards that keep the fuzzer from stopping again and again on findings
/// already reported (each pinned by a `[!mayfail]` test until its fix): a guard raises `known open
/// finding ...` instead of reaching the bug. ALC_FUZZ_KNOWN_OPEN lists the guards to leave out
/// (`all`, or names from known_open_names() joined by commas). Remove each
/// guard with its fix (docs/fuzzing.md).
using known_open_set = std::set<std::string>;
const std::vector<std::string>& known_open_names();

/// Lua that installs the guards not in `off`; run before every script.
std::string known_open_guards(const known_open_set& off);

/// The catalogue with alc.match_enum routed through its guard (GUARD.match_enum is the plain
/// function when that guard is off).
function_catalogue without_known_open(function_catalogue functions, const known_open_set& off);

class script_writer {
 public:
  script_writer(FuzzedDataProvider& in, const function_catalogue& functions)
      : in_(in), functions_(functions) {}

  /// One whole script: statements over a pool of values `V[1..8]`.
  std::string script();

 private:
  std::string statement(int depth);
  std::string call_statement(int depth);
  /// Runs `body` in a generated state: in pcall, a coroutine (wrapped,
  /// resumed several times, after a yield), a gsub callback, a sort
  /// comparator, a metamethod, a to-be-closed variable, a loaded chunk ...
  std::string in_context(const std::string& body, int depth);
  std::string function_expression();
  std::string arguments(int depth);
  std::string value(int depth);
  std::string integer();
  std::string number();
  std::string string_value(int depth);
  std::string table_value(int depth);
  std::string function_value(int depth);
  std::string metatable(int depth);
  std::string key();
  std::string slot();
  std::string quoted(const std::string& bytes);

  FuzzedDataProvider& in_;
  const function_catalogue& functions_;
  int long_bracket_ = 0;  ///< distinct `[==[` levels for nested load() chunks
};

}  // namespace alc::fuzz
