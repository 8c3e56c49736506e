#pragma once
// Limits and defaults shared by every layer; each is documented in docs/.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace alc {

/// Documents nested deeper than this are rejected by every decoder (and by
/// the JSON-lines server): copying or comparing a JSON value recurses, so an
/// unbounded depth could exhaust the stack. docs/protocol.md.
inline constexpr std::size_t max_json_depth = 256;

/// Deepest nesting of a value crossing the Lua boundary (either direction),
/// docs/architecture.md. Lower than max_json_depth on purpose: a script's
/// value travels wrapped in envelopes (a `done` state inside a `snapshot`
/// event inside a server response), and must still decode once wrapped.
inline constexpr int max_lua_json_depth = 200;
inline constexpr std::size_t max_envelope_depth = 8;
static_assert(max_lua_json_depth + max_envelope_depth <= max_json_depth,
              "a script's value must fit in its envelopes under the document limit");

/// `max_tokens` of an `alc.llm` query that gives none (lua-api.md).
inline constexpr int64_t default_max_tokens = 1024;

/// A session VM's memory cap (`alc.memory-limit`, docs/embedding.md).
inline constexpr std::size_t default_memory_limit = std::size_t{64} << 20;

/// A session's CPU-time budget (`alc.cpu-limit`, docs/embedding.md).
inline constexpr std::chrono::milliseconds default_cpu_limit{60'000};

/// Longest module name `require`, advice specs and `alc.fork` accept.
inline constexpr std::size_t max_module_name_chars = 200;

}  // namespace alc
