#include "lua_bridge/script_vm.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "lua_bridge/chunk_cache.hpp"
#include "lua_bridge/lua_json.hpp"
#include "lua_bridge/vm_core.hpp"

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

int dump_writer(lua_State*, const void* data, std::size_t size, void* out) noexcept {
  try {
    static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
    return 0;
  } catch (...) {
    return 1;
  }
}

// Compiles or fetches bytecode without raising; the compiler's message (or
// the loaded function) is left on the stack.
int load_chunk_status(lua_State* L, std::string_view name, std::string_view source) noexcept {
  vm_core& core = core_of(L);
  try {
    const std::string label = "=" + std::string(name);
    chunk_cache* cache = core.options.chunks.get();
    if (cache != nullptr) {
      if (const auto compiled = cache->find(name, source)) {
        return luaL_loadbufferx(L, compiled->data(), compiled->size(), label.c_str(), "b");
      }
    }
    const int status = luaL_loadbufferx(L, source.data(), source.size(), label.c_str(), "t");
    if (status == LUA_OK && cache != nullptr) {
      std::string compiled;
      if (lua_dump(L, dump_writer, &compiled, /*strip=*/0) == 0) {
        cache->store(name, source, std::move(compiled));
      }
    }
    return status;
  } catch (...) {
    return LUA_ERRMEM;  // nothing was pushed: only C++ allocations can throw here
  }
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
  const std::string& message = core_of(L).scratch_text;
  lua_pushlstring(L, message.data(), message.size());
  luaL_traceback(L, co, lua_tostring(L, -1), 0);
  return 1;
}

}  // namespace

// ---- vm_core ---------------------------------------------------------------

vm_core::vm_core(vm_options opts)
    : options(std::move(opts)), memory(options.memory_limit), slot(&preemption_hook) {}

vm_core::~vm_core() {
  close_state();
}

void vm_core::close_state() {
  if (L != nullptr) {
    lua_close(L);
    L = nullptr;
    script = nullptr;
    memory.release_all();
  }
}

void vm_core::condemn(failure_kind kind, std::string message) {
  if (doom) return;
  doom = kind;
  doom_message = std::move(message);
}

int64_t vm_core::now_us() const {
  if (options.clock) return options.clock->now_us();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void load_cached_chunk(lua_State* L, std::string_view name, std::string_view source) {
  if (load_chunk_status(L, name, source) != LUA_OK) lua_error(L);
}

void preemption_hook(lua_State* L, lua_Debug*) {
  vm_core& core = core_of(L);
  if (!core.doom) {
    if (!core.slot.preempt_requested()) {
      lua_sethook(L, nullptr, 0, 0);  // armed during an earlier slice: stale
      return;
    }
    if (!lua_isyieldable(L)) {
      const auto grace_us =
          std::chrono::duration_cast<std::chrono::microseconds>(core.options.non_yieldable_grace)
              .count();
      if (core.now_us() - core.slice_started_us <= grace_us) {
        lua_sethook(L, preemption_hook, LUA_MASKCOUNT, 1000);  // look again soon
        return;
      }
      core.condemn(failure_kind::cpu_limit,
                   "cpu_limit: the script ran past its time slice for longer than the grace "
                   "period inside a call that cannot be interrupted (a metamethod, a table.sort "
                   "comparator, a string.gsub callback ...)");
    }
  }
  if (lua_isyieldable(L)) {
    lua_sethook(L, nullptr, 0, 0);
    core.hook_yielded = true;
    lua_yield(L, 0);
    return;
  }
  // Condemned where it cannot yield: raise, and again at every instruction
  // until the error escapes any pcall the script wraps around it.
  lua_sethook(L, preemption_hook, LUA_MASKCOUNT, 1);
  luaL_error(L, "%s", core.doom_message.c_str());
}

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
  if (core.finished) throw std::logic_error("script_vm::step: the script has already ended");
  if (core.waiting_for != vm_core::awaiting::nothing && core.reply == vm_core::reply_kind::none) {
    throw std::logic_error("script_vm::step: a host call is still unanswered");
  }
  core.waiting_for = vm_core::awaiting::nothing;
  core.hook_yielded = false;

  int results = 0;
  int status = LUA_OK;
  const int64_t started = core.now_us();
  core.slice_started_us = started;
  if (core.options.clock) {
    const slice_guard guard(*core.options.clock, core.slot, core.script, slice);
    status = lua_resume(core.script, core.L, 0, &results);
  } else {
    status = lua_resume(core.script, core.L, 0, &results);
  }
  core.cpu_used_us += core.now_us() - started;
  return finish_slice(status, results);
}

step_result script_vm::finish_slice(int status, int results) {
  vm_core& core = *core_;
  lua_State* co = core.script;
  const auto cpu_limit_us =
      std::chrono::duration_cast<std::chrono::microseconds>(core.options.cpu_limit).count();
  if (core.memory.exceeded()) {
    core.condemn(failure_kind::memory_limit,
                 "memory_limit: the script exceeded its memory limit of " +
                     mebibytes(core.options.memory_limit));
  } else if (cpu_limit_us > 0 && core.cpu_used_us > cpu_limit_us && status == LUA_YIELD) {
    core.condemn(failure_kind::cpu_limit, "cpu_limit: the script used more than " +
                                              std::to_string(core.options.cpu_limit.count()) +
                                              " ms of CPU time");
  }
  if (core.doom) return end_with(step_failed{*core.doom, core.doom_message});

  if (status == LUA_YIELD) {
    const bool runtime_yield = results == 1 && lua_touserdata(co, -1) == &runtime_yield_marker;
    lua_pop(co, results);
    if (runtime_yield && core.request_staged) {
      core.request_staged = false;
      if (const auto* call = std::get_if<llm_call>(&*core.request)) {
        core.waiting_for = vm_core::awaiting::llm;
        core.awaited_answers = call->queries.size();
      } else {
        core.waiting_for = vm_core::awaiting::service;
        core.awaited_answers = 1;
      }
      return step_host_call{&*core.request};
    }
    if (runtime_yield || (results == 0 && core.hook_yielded)) return step_preempted{};
    return end_with(step_failed{failure_kind::lua_error,
                                "coroutine.yield was called outside any coroutine the script "
                                "created"});
  }
  if (status == LUA_OK) {
    nlohmann::json value;
    if (results > 0) {
      if (auto error = lua_json::to_json(co, -results, "result", value)) {
        return end_with(step_failed{failure_kind::lua_error, *error});
      }
    }
    return end_with(step_done{std::move(value)});
  }
  if (status == LUA_ERRMEM) {
    return end_with(step_failed{failure_kind::memory_limit,
                                "memory_limit: the script exceeded its memory limit of " +
                                    mebibytes(core.options.memory_limit)});
  }
  return end_with(step_failed{failure_kind::lua_error, error_report()});
}

std::string script_vm::error_report() {
  vm_core& core = *core_;
  std::string message = describe_error_object(core.script);
  core.memory.raise_limit(report_headroom);
  core.scratch_text = message;
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
  core_->finished = true;
  core_->close_state();  // a finished session keeps no Lua memory
  return result;
}

void script_vm::answer_llm(std::vector<std::string> responses) {
  vm_core& core = *core_;
  if (core.waiting_for != vm_core::awaiting::llm || core.reply != vm_core::reply_kind::none) {
    throw std::logic_error("script_vm::answer_llm: no LLM call is waiting for an answer");
  }
  if (responses.size() != core.awaited_answers) {
    throw std::logic_error("script_vm::answer_llm: expected " +
                           std::to_string(core.awaited_answers) + " responses, got " +
                           std::to_string(responses.size()));
  }
  core.llm_reply = std::move(responses);
  core.reply = vm_core::reply_kind::llm;
}

void script_vm::answer_llm_single(std::string response) {
  vm_core& core = *core_;
  if (core.waiting_for != vm_core::awaiting::llm || core.reply != vm_core::reply_kind::none ||
      core.awaited_answers != 1) {
    throw std::logic_error(
        "script_vm::answer_llm_single: no single LLM query is waiting for an answer");
  }
  core.llm_reply.resize(1);
  core.llm_reply.front() = std::move(response);
  core.reply = vm_core::reply_kind::llm;
}

void script_vm::answer_value(nlohmann::json value) {
  vm_core& core = *core_;
  if (core.waiting_for != vm_core::awaiting::service || core.reply != vm_core::reply_kind::none) {
    throw std::logic_error("script_vm::answer_value: no service call is waiting for an answer");
  }
  core.value_reply = std::move(value);
  core.reply = vm_core::reply_kind::value;
}

void script_vm::answer_error(std::string message) {
  vm_core& core = *core_;
  if (core.waiting_for == vm_core::awaiting::nothing || core.reply != vm_core::reply_kind::none) {
    throw std::logic_error("script_vm::answer_error: no host call is waiting for an answer");
  }
  core.error_reply = std::move(message);
  core.reply = vm_core::reply_kind::error;
}

uint64_t script_vm::reserve_query_ids(std::size_t count) {
  const uint64_t first = core_->next_query_id;
  core_->next_query_id += count;
  return first;
}

std::size_t script_vm::memory_used() const {
  return core_->memory.used();
}

std::size_t script_vm::memory_held() const {
  return core_->memory.held();
}

std::chrono::microseconds script_vm::cpu_used() const {
  return std::chrono::microseconds{core_->cpu_used_us};
}

}  // namespace alc
