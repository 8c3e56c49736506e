// Makes host calls and preemption pass through coroutines the script creates.
//
// A primitive such as alc.llm yields the runtime marker; inside a coroutine
// the script made, that yield lands in the script's own coroutine.resume.
// These replacements (modelled on lcorolib's) recognise it, yield it on up
// to the host, and when the host resumes them, resume the inner coroutine
// where it stopped, so the script never sees the runtime's yields. They
// also tell the preemption slot which thread runs, so the clock arms that one
// (coroutine.close too: the __close handlers it runs run in the coroutine).
#include "lua_bridge/vm_core.hpp"
#include "lua_bridge/vm_setup.hpp"

namespace alc {
namespace {

enum class resume_mode : lua_KContext { resume = 0, wrap = 1 };

bool is_runtime_yield(lua_State* co, int results) {
  if (results == 1) return lua_touserdata(co, -1) == &runtime_yield_marker;
  // The preemption hook yields nothing; the flag tells it from `coroutine.yield()`.
  return results == 0 && core_of(co).meter.hook_yielded;
}

int finish(lua_State* L, lua_State* co, resume_mode mode, int status, int results);

// Runs co's pending __close handlers (lua_resetthread, which cannot raise)
// with co as the thread the clock preempts: they run there, not in L.
int close_thread(lua_State* L, lua_State* co) {
  execution_meter& meter = core_of(L).meter;
  meter.slot.set_running(co);
  const int status = lua_resetthread(co);
  meter.slot.set_running(L);
  return status;
}
int resume_loop(lua_State* L, lua_State* co, int args, resume_mode mode);

// The host resumed us after we passed a runtime yield up: resume `co` again.
int resume_continued(lua_State* L, int, lua_KContext ctx) {
  const auto mode = static_cast<resume_mode>(ctx);
  lua_State* co =
      mode == resume_mode::wrap ? lua_tothread(L, lua_upvalueindex(1)) : lua_tothread(L, 1);
  lua_settop(L, mode == resume_mode::wrap ? 0 : 1);
  return resume_loop(L, co, 0, mode);
}

int resume_loop(lua_State* L, lua_State* co, int args, resume_mode mode) {
  vm_core& core = core_of(L);
  for (;;) {
    if (!lua_checkstack(co, args)) {
      lua_pushliteral(L, "too many arguments to resume");
      return finish(L, co, mode, LUA_ERRRUN, -1);
    }
    lua_xmove(L, co, args);
    core.meter.slot.set_running(co);
    int results = 0;
    const int status = lua_resume(co, L, args, &results);
    core.meter.slot.set_running(L);
    if (status != LUA_YIELD || !is_runtime_yield(co, results)) {
      return finish(L, co, mode, status, results);
    }
    const bool preemption = results == 0;
    lua_pop(co, results);
    core.meter.hook_yielded = false;
    if (lua_isyieldable(L)) {
      // Passes the runtime's yield up unchanged (the host call, if any, stays staged).
      lua_pushlightuserdata(L, const_cast<char*>(&runtime_yield_marker));
      return lua_yieldk(L, 1, static_cast<lua_KContext>(mode), resume_continued);
    }
    if (!preemption) {
      core.host.abandon_staged();
      return luaL_error(L,
                        "the session cannot pause here: a coroutine asked the host while its "
                        "resumer runs inside a call that cannot yield (a metamethod, a "
                        "table.sort comparator ...)");
    }
    // Preempted where we cannot pass it up: let co run on; the clock keeps
    // asking and the grace period bounds the overrun (past it, this raises
    // cpu_limit: co always could yield, so its hook never counts the grace).
    check_slice_deadline(L);
    args = 0;
  }
}

// Hands the coroutine's results (or its error) to the script, the way the
// stock coroutine.resume and coroutine.wrap do.
int finish(lua_State* L, lua_State* co, resume_mode mode, int status, int results) {
  const bool ok = status == LUA_OK || status == LUA_YIELD;
  if (ok && !lua_checkstack(L, results + 1)) {
    lua_pop(co, results);
    lua_pushliteral(L, "too many results to resume");
    return finish(L, co, mode, LUA_ERRRUN, -1);
  }
  // The order of moves below is lcorolib's: `co` may be L itself (a
  // coroutine resuming itself), where moving is a no-op.
  if (mode == resume_mode::resume) {
    if (ok) {
      lua_xmove(co, L, results);
      lua_pushboolean(L, 1);
      lua_insert(L, -(results + 1));
      return results + 1;
    }
    if (results >= 0) lua_xmove(co, L, 1);  // else the message is already on L
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  if (ok) {
    lua_xmove(co, L, results);
    return results;
  }
  if (results >= 0) lua_xmove(co, L, 1);
  int error_status = lua_status(co);
  if (error_status != LUA_OK && error_status != LUA_YIELD && !core_of(L).meter.doom) {
    // The error happened in the coroutine: close its to-be-closed
    // variables, like auxwrap (never when the resume itself was refused:
    // then `co` may be the running thread). Not in a condemned session:
    // its error may have left co's hooks off, and a __close could spin.
    error_status = close_thread(L, co);
    lua_xmove(co, L, 1);
  }
  if (error_status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

int bridged_resume(lua_State* L) {
  lua_State* co = lua_tothread(L, 1);
  luaL_argexpected(L, co != nullptr, 1, "thread");  // the stock message
  return resume_loop(L, co, lua_gettop(L) - 1, resume_mode::resume);
}

// coroutine.close: the stock function, run with co as the preempted
// thread, in a protected call so the running thread is restored before an
// error ("cannot close a running coroutine") goes on. A condemned session
// closes nothing (see finish).
int bridged_close(lua_State* L) {
  lua_State* co = lua_tothread(L, 1);
  luaL_argexpected(L, co != nullptr, 1, "thread");  // named after this function, as stock
  if (co == L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
  }
  check_slice_deadline(L);
  execution_meter& meter = core_of(L).meter;
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  meter.slot.set_running(co);
  const int status = lua_pcall(L, 1, LUA_MULTRET, 0);
  meter.slot.set_running(L);
  if (status != LUA_OK) return lua_error(L);
  return lua_gettop(L);
}

int bridged_wrap_call(lua_State* L) {
  lua_State* co = lua_tothread(L, lua_upvalueindex(1));
  return resume_loop(L, co, lua_gettop(L), resume_mode::wrap);
}

int bridged_wrap(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State* co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, bridged_wrap_call, 1);
  return 1;
}

}  // namespace

void install_coroutine_bridge(lua_State* L) {
  lua_pushcfunction(L, bridged_resume);
  lua_setfield(L, -2, "resume");
  lua_pushcfunction(L, bridged_wrap);
  lua_setfield(L, -2, "wrap");
  lua_getfield(L, -1, "close");
  lua_pushcclosure(L, bridged_close, 1);
  lua_setfield(L, -2, "close");
}

}  // namespace alc
