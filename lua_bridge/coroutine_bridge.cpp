// Makes host calls and preemption pass through coroutines the script creates.
//
// A primitive such as alc.llm yields the runtime marker; inside a coroutine
// the script made, that yield lands in the script's own coroutine.resume.
// The replacements below recognise it, yield it on up to the host, and when
// the host resumes them, resume the inner coroutine where it stopped — so
// the script never sees the runtime's yields. They also tell the preemption
// slot which thread is running, so the clock arms the right one.
#include "lua_bridge/vm_core.hpp"

namespace alc {
namespace {

constexpr std::string_view bridge_source = R"lua(
local marker, enter, leave, take_preemption, drop_request = ...
local create, resume, yield, close = coroutine.create, coroutine.resume, coroutine.yield, coroutine.close
local isyieldable, select, error = coroutine.isyieldable, select, error

local function relay(co, ok, ...)
  leave()
  if ok then
    local n = select("#", ...)
    if n == 1 and (...) == marker then
      if not isyieldable() then
        drop_request()
        error("the session cannot pause here: a coroutine asked the host while its resumer " ..
              "runs inside a call that cannot yield (a metamethod, a table.sort comparator ...)", 2)
      end
      yield(marker)
      enter(co)
      return relay(co, resume(co))
    elseif n == 0 and take_preemption() then
      -- Preempted inside co: end the slice here if we can, else let co run on
      -- (the clock keeps asking, and the grace period bounds the overrun).
      if isyieldable() then yield(marker) end
      enter(co)
      return relay(co, resume(co))
    end
  end
  return ok, ...
end

local function bridged_resume(co, ...)
  enter(co)
  return relay(co, resume(co, ...))
end

local function unwrap(co, ok, ...)
  if ok then return ... end
  local err = ...
  close(co)
  error(err, 2)
end

coroutine.resume = bridged_resume
coroutine.wrap = function(f)
  local co = create(f)
  return function(...)
    return unwrap(co, bridged_resume(co, ...))
  end
end
)lua";

int enter_thread(lua_State* L) {
  if (lua_type(L, 1) == LUA_TTHREAD) core_of(L).slot.set_running(lua_tothread(L, 1));
  return 0;
}

int leave_thread(lua_State* L) {
  core_of(L).slot.set_running(L);
  return 0;
}

int take_preemption(lua_State* L) {
  vm_core& core = core_of(L);
  lua_pushboolean(L, core.hook_yielded ? 1 : 0);
  core.hook_yielded = false;
  return 1;
}

int drop_request(lua_State* L) {
  core_of(L).request.reset();
  return 0;
}

}  // namespace

void install_coroutine_bridge(lua_State* L) {
  load_cached_chunk(L, "alc.coroutine_bridge", bridge_source);
  lua_pushlightuserdata(L, const_cast<char*>(&runtime_yield_marker));
  lua_pushcfunction(L, enter_thread);
  lua_pushcfunction(L, leave_thread);
  lua_pushcfunction(L, take_preemption);
  lua_pushcfunction(L, drop_request);
  lua_call(L, 5, 0);
}

}  // namespace alc
