#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "messages/limits.hpp"

struct lua_State;

namespace alc::lua_json {

/// Creates the metatable that marks tables decoded from JSON arrays, so an
/// empty one encodes back as `[]`. Call once per VM before `push`.
void install_array_marker(lua_State* L);

/// Marks the table at `index` as an array, so it encodes as `[]` even when
/// empty (lists a primitive returns, say).
void mark_array(lua_State* L, int index);

/// Pushes `value` by the rules of lua-api.md (null → nil, arrays marked).
/// May raise a Lua error (memory, nesting deeper than `max_depth`), so the
/// caller must be inside a protected call and hold no C++ temporaries.
void push(lua_State* L, const nlohmann::json& value);

/// Converts the Lua value at `index` into `out`. Never raises a Lua error
/// and never allocates Lua memory, so it is safe outside protected calls.
/// Returns an error naming the path (`result.items[3]: cannot encode
/// function`) when the value has no JSON form. May throw std::bad_alloc.
///
/// `max_bytes` bounds what the conversion may allocate on the host (pass
/// the VM's memory limit): each JSON value is charged as Lua charges a
/// value (16 bytes) plus its string bytes, so a value that fits in the VM
/// fits here, while a sparse array with a huge index, or one table or
/// string referenced a million times, fails (`result.t: too large to
/// encode (over 64 MiB)`) instead of growing the process.
std::optional<std::string> to_json(lua_State* L, int index, std::string_view root,
                                   std::size_t max_bytes, nlohmann::json& out);

/// Deepest nesting either direction accepts.
constexpr int max_depth = max_lua_json_depth;

}  // namespace alc::lua_json
