#pragma once
// Internal to lua_bridge: the C libraries of the `alc` table. Each open_*
// sets its functions in the `alc` table on top of the stack (and leaves it
// there); each runs inside a protected call and may raise.
//
// Every C function follows the vm_core rule: validate with Lua calls first,
// then do C++ work in a noexcept helper that cannot raise, then push results.

struct lua_State;

namespace alc {

/// alc.llm, alc.llm_batch: host calls that pause the session (hot path).
void open_llm_library(lua_State* L);
/// alc.json_encode, alc.json_decode.
void open_json_library(lua_State* L);
/// alc.log (callable, with a function per level); also replaces the global
/// `print` with one that logs.
void open_log_library(lua_State* L);
/// alc.chunk, alc.match_enum, alc.match_bool (lua-api.md, Layer 0).
void open_text_library(lua_State* L);
/// alc.state.*: host calls to the runtime's state store.
void open_state_library(lua_State* L);
/// alc.card.*: host calls to the runtime's card store.
void open_card_library(lua_State* L);
/// alc.fork: child sessions, one per strategy.
void open_fork_library(lua_State* L);
/// alc.stats.*, alc.progress, alc.time, alc.budget_remaining.
void open_host_services(lua_State* L);
/// alc.math.*: seeded RNG, samplers, statistics (alc-math.md).
void open_math_library(lua_State* L);

}  // namespace alc
