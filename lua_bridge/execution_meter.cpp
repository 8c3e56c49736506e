#include "lua_bridge/execution_meter.hpp"

#include <chrono>
#include <cstdlib>
#include <string>
#include <utility>

#include "lua_bridge/vm_core.hpp"

namespace alc {

void execution_meter::condemn(failure_kind kind, std::string message) {
  if (doom) return;
  doom = kind;
  doom_message = std::move(message);
}

namespace {

// Past the slice's end where the script cannot yield: true while the grace
// period lasts, then it condemns the session.
bool within_grace(vm_core& core, const char* where) {
  execution_meter& meter = core.meter;
  const auto grace_us =
      std::chrono::duration_cast<std::chrono::microseconds>(core.options.non_yieldable_grace)
          .count();
  if (core.now_us() - meter.slice_started_us <= grace_us) return true;
  meter.condemn(failure_kind::cpu_limit,
                std::string("cpu_limit: the script ran past its time slice for longer than the "
                            "grace period inside ") +
                    where);
  return false;
}

// Condemned: raise, and again at every instruction and call until the
// error escapes any pcall the script wraps around it.
[[noreturn]] void raise_doom(lua_State* L, const execution_meter& meter) {
  lua_sethook(L, preemption_hook, preemption_mask, 1);
  luaL_error(L, "%s", meter.doom_message.c_str());
  std::abort();  // luaL_error does not return
}

}  // namespace

void preemption_hook(lua_State* L, lua_Debug* ar) {
  vm_core& core = core_of(L);
  execution_meter& meter = core.meter;
  // Only count events may yield; a call event (a C function a C loop calls,
  // say) yields at the next instruction or, where it cannot, counts the grace.
  const bool may_yield = lua_isyieldable(L) && ar->event == LUA_HOOKCOUNT;
  if (!meter.doom) {
    if (!meter.slot.preempt_requested()) {
      lua_sethook(L, nullptr, 0, 0);  // armed during an earlier slice: stale
      return;
    }
    if (lua_isyieldable(L) && !may_yield) {
      lua_sethook(L, preemption_hook, preemption_mask, 1);
      return;
    }
    if (!lua_isyieldable(L) &&
        within_grace(core,
                     "a call that cannot be interrupted (a metamethod, a table.sort "
                     "comparator, a string.gsub callback ...)")) {
      lua_sethook(L, preemption_hook, preemption_mask, 1000);  // look again soon
      return;
    }
  }
  if (may_yield) {
    lua_sethook(L, nullptr, 0, 0);
    meter.hook_yielded = true;
    lua_yield(L, 0);
    return;
  }
  raise_doom(L, meter);
}

bool slice_overrun(lua_State* L) {
  vm_core& core = core_of(L);
  execution_meter& meter = core.meter;
  if (meter.doom) return true;
  if (!meter.slot.preempt_requested()) return false;
  return !within_grace(core,
                       "a library function that cannot be interrupted (string matching, "
                       "table.move, alc.match_enum ...)");
}

work_budget slice_work_budget(lua_State* L) {
  return work_budget([](void* context) { return slice_overrun(static_cast<lua_State*>(context)); },
                     L);
}

void check_slice_deadline(lua_State* L) {
  if (slice_overrun(L)) raise_doom(L, core_of(L).meter);
}

}  // namespace alc
