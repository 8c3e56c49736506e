#pragma once
// Internal to lua_bridge: the time and fate of one script.

#include <cstdint>
#include <optional>
#include <string>

#include <lua.hpp>

#include "lua_bridge/preemption_clock.hpp"
#include "lua_bridge/work_budget.hpp"
#include "messages/failure_kind.hpp"

namespace alc {

/// The preemption hook (armed asynchronously by the clock). It watches
/// calls as well as instructions: a C function that a C loop calls (a
/// table.sort comparator, an __index) runs no instruction of its own.
void preemption_hook(lua_State* L, lua_Debug* ar);
constexpr int preemption_mask = LUA_MASKCOUNT | LUA_MASKCALL;

/// For C functions whose running time their arguments decide rather than
/// their memory (pattern matching, table.move ...): call it every few
/// thousand steps. Past the slice's end such a function cannot yield, so it
/// gets the grace period of any call that cannot yield; after that the
/// session is condemned and this raises cpu_limit (a Lua error: nothing
/// with a destructor may be on the C++ stack). Costs two relaxed loads.
void check_slice_deadline(lua_State* L);

/// The same rule without raising, for C++ work that must unwind first: true
/// once the session is condemned; the caller then stops, releases what it
/// holds and calls check_slice_deadline.
bool slice_overrun(lua_State* L);

/// A work budget that runs out when slice_overrun(L) says so; once it has,
/// the caller unwinds and calls check_slice_deadline(L).
work_budget slice_work_budget(lua_State* L);

/// CPU used over the slices, what the preemption hook shares with the VM,
/// and a forced end once one is decided.
struct execution_meter {
  execution_meter() : slot(&preemption_hook, preemption_mask) {}

  /// Ends the session at the next opportunity, whatever the script catches.
  /// The first reason wins.
  void condemn(failure_kind kind, std::string message);

  preemption_slot slot;
  bool hook_yielded = false;         ///< the preemption hook yielded the running thread
  std::optional<failure_kind> doom;  ///< forced end: set once, reported at the slice's end
  std::string doom_message;
  int64_t cpu_used_us = 0;
  int64_t slice_started_us = 0;
  bool finished = false;
};

}  // namespace alc
