#include "lua_bridge/script_vm.hpp"

#include <cstdio>
#include <stdexcept>
#include <utility>

#include "lua_bridge/chunk_loader.hpp"
#include "lua_bridge/lua_json.hpp"
#include "lua_bridge/vm_core.hpp"
#include "lua_bridge/vm_setup.hpp"

namespace alc {
namespace {

// Its address anchors the script's coroutine in the registry.
const char script_thread_key = 0;

// Room to report a failure in a VM that has reached its memory cap.
constexpr std::size_t report_headroom = std::size_t{1} << 20;

std::string mebibytes(std::size_t bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f MiB", static_cast<double>(bytes) / (1 << 20));
  return buffer;
}

// Which limit a refusal hit: the VM's own or its fork family's.
std::string memory_exceeded(const memory_cap& memory, std::size_t own_limit) {
  if (memory.family_exceeded()) {
    return "memory_limit: the session and its fork children together exceeded their memory "
           "limit of " +
           mebibytes(memory.family()->limit()) + " (alc.fork-memory-limit)";
  }
  return "memory_limit: the script exceeded its memory limit of " + mebibytes(own_limit);
}

struct setup_arguments {
  std::string_view code;
  const nlohmann::json* ctx;
};

// Builds the sandbox, ctx and the script coroutine inside one protected call,
// so running out of memory anywhere in set-up is an ordinary Lua error.
int setup_vm(lua_State* L) {
  const auto& args = *static_cast<const setup_arguments*>(lua_touserdata(L, 1));
  vm_core& core = core_of(L);
  lua_settop(L, 0);
  open_sandbox(L);
  lua_json::install_array_marker(L);
  open_alc_library(L);
  open_package_loader(L);

  if (args.ctx->is_null()) {
    lua_newtable(L);
  } else {
    lua_json::push(L, *args.ctx);
  }
  lua_setglobal(L, "ctx");

  load_cached_chunk(L, core.options.chunk_name, args.code);
  core.script = lua_newthread(L);
  lua_pushvalue(L, -2);
  lua_xmove(L, core.script, 1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &script_thread_key);
  lua_pop(L, 1);
  return 0;
}

// The error object of a failed coroutine as text, without running any
// script code (a __tostring could spin outside every slice).
std::string describe_error_object(lua_State* co) {
  switch (lua_type(co, -1)) {
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* text = lua_tolstring(co, -1, &len);
      return std::string(text, len);
    }
    case LUA_TNUMBER: {
      if (lua_isinteger(co, -1)) return std::to_string(lua_tointeger(co, -1));
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.14g", static_cast<double>(lua_tonumber(co, -1)));
      return buffer;
    }
    case LUA_TNIL:
      return "nil";
    default:
      return std::string("(error object is a ") + luaL_typename(co, -1) + " value)";
  }
}

int build_traceback(lua_State* L) {
  auto* co = static_cast<lua_State*>(lua_touserdata(L, 1));
  const std::string& message = core_of(L).scratch.text;
  lua_pushlstring(L, message.data(), message.size());
  luaL_traceback(L, co, lua_tostring(L, -1), 0);
  return 1;
}

}  // namespace

// ---- script_vm -------------------------------------------------------------

script_vm::script_vm(passkey, std::unique_ptr<vm_core> core) : core_(std::move(core)) {}

script_vm::~script_vm() = default;

std::unique_ptr<script_vm> script_vm::create(std::string_view code, const nlohmann::json& ctx,
                                             vm_options options, vm_error& error) {
  auto core = std::make_unique<vm_core>(std::move(options));
  lua_State* L = lua_newstate(&memory_cap::allocate, &core->memory);
  if (L == nullptr) {
    error = {failure_kind::memory_limit,
             "memory_limit: cannot create a Lua state within " + mebibytes(core->memory.limit())};
    return nullptr;
  }
  core->L = L;
  *static_cast<vm_core**>(lua_getextraspace(L)) = core.get();

  const setup_arguments args{code, &ctx};
  lua_pushcfunction(L, setup_vm);
  lua_pushlightuserdata(L, const_cast<setup_arguments*>(&args));
  const int status = lua_pcall(L, 1, 0, 0);
  if (status != LUA_OK) {
    if (status == LUA_ERRMEM || core->memory.exceeded()) {
      error = {failure_kind::memory_limit, "memory_limit: setting up the script needs more than " +
                                               mebibytes(core->memory.limit())};
    } else {
      error = {failure_kind::lua_error, describe_error_object(L)};
    }
    return nullptr;
  }
  return std::make_unique<script_vm>(passkey{}, std::move(core));
}

step_result script_vm::step(std::chrono::microseconds slice) {
  vm_core& core = *core_;
  execution_meter& meter = core.meter;
  if (meter.finished) throw std::logic_error("script_vm::step: the script has already ended");
  if (core.host.waiting() && !core.host.answered()) {
    throw std::logic_error("script_vm::step: a host call is still unanswered");
  }
  core.host.resume();
  meter.hook_yielded = false;

  int results = 0;
  int status = LUA_OK;
  const int64_t started = core.now_us();
  meter.slice_started_us = started;
  if (core.options.clock) {
    const slice_guard guard(*core.options.clock, meter.slot, core.script, slice);
    status = lua_resume(core.script, core.L, 0, &results);
  } else {
    status = lua_resume(core.script, core.L, 0, &results);
  }
  meter.cpu_used_us += core.now_us() - started;
  return finish_slice(status, results);
}

step_result script_vm::finish_slice(int status, int results) {
  vm_core& core = *core_;
  lua_State* co = core.script;
  const auto cpu_limit_us =
      std::chrono::duration_cast<std::chrono::microseconds>(core.options.cpu_limit).count();
  execution_meter& meter = core.meter;
  if (core.memory.exceeded()) {
    meter.condemn(failure_kind::memory_limit,
                  memory_exceeded(core.memory, core.options.memory_limit));
  } else if (cpu_limit_us > 0 && meter.cpu_used_us > cpu_limit_us && status == LUA_YIELD) {
    meter.condemn(failure_kind::cpu_limit, "cpu_limit: the script used more than " +
                                               std::to_string(core.options.cpu_limit.count()) +
                                               " ms of CPU time");
  }
  if (meter.doom) return end_with(step_failed{*meter.doom, meter.doom_message});

  if (status == LUA_YIELD) {
    const bool runtime_yield = results == 1 && lua_touserdata(co, -1) == &runtime_yield_marker;
    lua_pop(co, results);
    if (runtime_yield) {
      if (const host_call* call = core.host.take()) return step_host_call{call};
    }
    if (runtime_yield || (results == 0 && meter.hook_yielded)) return step_preempted{};
    return end_with(step_failed{failure_kind::lua_error,
                                "coroutine.yield was called outside any coroutine the script "
                                "created"});
  }
  if (status == LUA_OK) {
    nlohmann::json value;
    if (results > 0) {
      if (auto error =
              lua_json::to_json(co, -results, "result", core.options.memory_limit, value)) {
        return end_with(step_failed{failure_kind::lua_error, *error});
      }
    }
    return end_with(step_done{std::move(value)});
  }
  if (status == LUA_ERRMEM) {
    return end_with(step_failed{failure_kind::memory_limit,
                                memory_exceeded(core.memory, core.options.memory_limit)});
  }
  return end_with(step_failed{failure_kind::lua_error, error_report()});
}

std::string script_vm::error_report() {
  vm_core& core = *core_;
  std::string message = describe_error_object(core.script);
  core.memory.raise_limit(report_headroom);
  core.scratch.text = message;
  lua_pushcfunction(core.L, build_traceback);
  lua_pushlightuserdata(core.L, core.script);
  if (lua_pcall(core.L, 1, 1, 0) == LUA_OK) {
    std::size_t len = 0;
    const char* text = lua_tolstring(core.L, -1, &len);
    message.assign(text, len);
  }
  lua_pop(core.L, 1);
  return message;
}

step_result script_vm::end_with(step_result result) {
  core_->meter.finished = true;
  core_->close_state();  // a finished session keeps no Lua memory
  return result;
}

void script_vm::answer_llm(std::vector<std::string> responses) {
  core_->host.answer_llm(std::move(responses));
}

void script_vm::answer_llm_single(std::string response) {
  core_->host.answer_llm_single(std::move(response));
}

void script_vm::answer_value(nlohmann::json value) {
  core_->host.answer_value(std::move(value));
}

void script_vm::answer_error(std::string message) {
  core_->host.answer_error(std::move(message));
}

uint64_t script_vm::reserve_query_ids(std::size_t count) {
  return core_->host.reserve_query_ids(count);
}

std::size_t script_vm::memory_used() const {
  return core_->memory.used();
}

std::size_t script_vm::memory_held() const {
  return core_->memory.held();
}

std::chrono::microseconds script_vm::cpu_used() const {
  return std::chrono::microseconds{core_->meter.cpu_used_us};
}

}  // namespace alc
