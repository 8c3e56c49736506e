#pragma once
// The sandbox's allow-list (lua-api.md): for each standard library a script
// may use, the names it exposes. Most are the stock functions, kept as they
// are; the doors to the host (os.getenv, os.exit, io.open ...) are replaced
// by safe equivalents of the same name. sandbox.cpp removes every other
// stock name when it opens a library; a REPL may read the same table to
// complete names.

#include <cstddef>
#include <string_view>
#include <vector>

namespace alc {

/// A sorted list of names.
struct name_list {
  const std::string_view* first = nullptr;
  std::size_t count = 0;

  const std::string_view* begin() const { return first; }
  const std::string_view* end() const { return first + count; }
  bool contains(std::string_view name) const;
};

/// One standard library as the sandbox exposes it.
struct sandbox_library {
  /// The global it is bound to; empty for the base library, whose names are
  /// globals themselves.
  std::string_view global;
  name_list kept;      ///< stock functions exposed as they are
  name_list replaced;  ///< names the sandbox defines itself (the stock ones are removed)

  bool exposes(std::string_view name) const {
    return kept.contains(name) || replaced.contains(name);
  }
};

/// The whole allow-list, the base library first.
const std::vector<sandbox_library>& sandbox_libraries();
/// The library bound to `global` ("" for the base library), or null.
const sandbox_library* sandbox_library_named(std::string_view global);
/// Every global the sandbox defines: the base library's names and the
/// libraries' globals (alc, ctx and require are the runtime's, not listed).
std::vector<std::string_view> sandbox_global_names();

}  // namespace alc
