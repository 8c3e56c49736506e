#include "lua_bridge/sandbox_names.hpp"

#include <algorithm>
#include <iterator>

namespace alc {
namespace {

// Each list sorted (binary search); Lua builds without a compatibility
// function simply lack it. Left out on purpose: dofile, loadfile (base),
// string.dump (bytecode) and the debug library. The stock package library
// is never opened (package_loader.cpp defines `package.loaded/preload`).
// os keeps its clock and calendar; its other functions and all of io are
// the safe equivalents of sandbox_os.cpp and sandbox_io.cpp.
constexpr std::string_view base_names[] = {
    "_G",       "_VERSION", "assert", "collectgarbage", "error",  "getmetatable",
    "ipairs",   "load",     "next",   "pairs",          "pcall",  "print",
    "rawequal", "rawget",   "rawlen", "rawset",         "select", "setmetatable",
    "tonumber", "tostring", "type",   "warn",           "xpcall",
};
constexpr std::string_view coroutine_names[] = {
    "close", "create", "isyieldable", "resume", "running", "status", "wrap", "yield",
};
constexpr std::string_view table_names[] = {
    "concat", "insert", "move", "pack", "remove", "sort", "unpack",
};
constexpr std::string_view string_names[] = {
    "byte",  "char", "find",     "format", "gmatch",  "gsub", "len",    "lower",
    "match", "pack", "packsize", "rep",    "reverse", "sub",  "unpack", "upper",
};
constexpr std::string_view math_names[] = {
    "abs",   "acos", "asin",  "atan",  "atan2",      "ceil",       "cos",
    "cosh",  "deg",  "exp",   "floor", "fmod",       "frexp",      "huge",
    "ldexp", "log",  "log10", "max",   "maxinteger", "min",        "mininteger",
    "modf",  "pi",   "pow",   "rad",   "random",     "randomseed", "sin",
    "sinh",  "sqrt", "tan",   "tanh",  "tointeger",  "type",       "ult",
};
constexpr std::string_view utf8_names[] = {
    "char", "charpattern", "codepoint", "codes", "len", "offset",
};
constexpr std::string_view os_names[] = {"clock", "date", "difftime", "time"};
constexpr std::string_view os_replaced[] = {"execute", "exit",      "getenv", "remove",
                                            "rename",  "setlocale", "tmpname"};
constexpr std::string_view io_replaced[] = {"close",   "input", "lines",  "open",  "output",
                                            "popen",   "read",  "stderr", "stdin", "stdout",
                                            "tmpfile", "type",  "write"};

template <std::size_t N>
constexpr bool sorted(const std::string_view (&names)[N]) {
  for (std::size_t i = 1; i < N; ++i) {
    if (!(names[i - 1] < names[i])) return false;
  }
  return true;
}
static_assert(sorted(base_names) && sorted(coroutine_names) && sorted(table_names) &&
                  sorted(string_names) && sorted(math_names) && sorted(utf8_names) &&
                  sorted(os_names) && sorted(os_replaced) && sorted(io_replaced),
              "sandbox_library::exposes searches sorted lists");

template <std::size_t N>
constexpr name_list list(const std::string_view (&names)[N]) {
  return {names, N};
}

template <std::size_t N>
sandbox_library library(std::string_view global, const std::string_view (&names)[N]) {
  return {global, list(names), {}};
}

}  // namespace

bool name_list::contains(std::string_view name) const {
  return std::binary_search(begin(), end(), name);
}

const std::vector<sandbox_library>& sandbox_libraries() {
  static const std::vector<sandbox_library> libraries = {
      library("", base_names),
      library("coroutine", coroutine_names),
      library("table", table_names),
      library("string", string_names),
      library("math", math_names),
      library("utf8", utf8_names),
      {"os", list(os_names), list(os_replaced)},
      {"io", {}, list(io_replaced)},
  };
  return libraries;
}

const sandbox_library* sandbox_library_named(std::string_view global) {
  for (const auto& library : sandbox_libraries()) {
    if (library.global == global) return &library;
  }
  return nullptr;
}

std::vector<std::string_view> sandbox_global_names() {
  std::vector<std::string_view> names(std::begin(base_names), std::end(base_names));
  for (const auto& library : sandbox_libraries()) {
    if (!library.global.empty()) names.push_back(library.global);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace alc
