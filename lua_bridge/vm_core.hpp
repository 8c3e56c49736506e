#pragma once
// Internal to lua_bridge: the state one VM shares with its C functions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <lua.hpp>
#include <nlohmann/json.hpp>

#include "lua_bridge/host_call.hpp"
#include "lua_bridge/memory_cap.hpp"
#include "lua_bridge/preemption_clock.hpp"
#include "lua_bridge/script_vm.hpp"

namespace alc {

/// Everything the C functions of one VM reach through the state's extra
/// space. Rule for every C function: C++ objects live here, never as locals
/// across a Lua call that may raise or yield (those unwind with longjmp).
struct vm_core {
  explicit vm_core(vm_options opts);
  ~vm_core();
  vm_core(const vm_core&) = delete;
  vm_core& operator=(const vm_core&) = delete;

  vm_options options;
  memory_cap memory;
  preemption_slot slot;
  lua_State* L = nullptr;       ///< main state: setup and host-side calls only
  lua_State* script = nullptr;  ///< the coroutine running the script (anchored in the registry)

  // Host call in flight.
  /// The last host call; its storage is reused by the next one.
  std::optional<host_request> request;
  bool request_staged = false;  ///< a primitive staged `request` and is yielding for it
  enum class awaiting { nothing, llm, service } waiting_for = awaiting::nothing;
  std::size_t awaited_answers = 0;
  enum class reply_kind { none, llm, value, error } reply = reply_kind::none;
  std::vector<std::string> llm_reply;
  nlohmann::json value_reply;
  std::string error_reply;

  uint64_t next_query_id = 0;
  bool extensions_loaded = false;  ///< the off-hot-path C primitives are in `alc`
  bool prelude_loaded = false;
  uint8_t libraries_opened = 0;  ///< bit per lazily opened standard library (sandbox.cpp)

  // Scratch space for C functions (outlives any longjmp through them).
  std::string scratch_text;
  std::string scratch_error;
  std::string scratch_name;
  nlohmann::json scratch_json;

  // Execution accounting.
  bool hook_yielded = false;         ///< the preemption hook yielded the running thread
  std::optional<failure_kind> doom;  ///< forced end: set once, reported at the slice's end
  std::string doom_message;
  int64_t cpu_used_us = 0;
  int64_t slice_started_us = 0;
  bool finished = false;

  /// Ends the session at the next opportunity, whatever the script catches.
  void condemn(failure_kind kind, std::string message);
  /// Coarse monotonic microseconds (the clock's, else the steady clock).
  int64_t now_us() const;
  void close_state();
};

/// The vm_core of any thread of a VM.
inline vm_core& core_of(lua_State* L) {
  return **static_cast<vm_core**>(lua_getextraspace(L));
}

/// The preemption hook (armed asynchronously by the clock).
void preemption_hook(lua_State* L, lua_Debug* ar);

/// Its address marks yields that belong to the runtime, not to the script.
extern const char runtime_yield_marker;

// Raising errors from C functions (they never return).
/// Raises core.scratch_error, prefixed with the calling line.
int raise_scratch_error(lua_State* L, vm_core& core);
/// Raises the host's error answer, prefixed with the calling line.
int raise_host_error(lua_State* L, vm_core& core);
/// Raises a clear error when the caller runs where Lua cannot yield.
void require_yieldable(lua_State* L, const char* who);

// Setup steps, each run inside the protected setup call.
void open_sandbox(lua_State* L);
void open_alc_library(lua_State* L);
/// Adds state, progress, stats, time and budget_remaining to the `alc`
/// table on top of the stack.
void open_host_library(lua_State* L);
/// Installs `require` for the VM's package paths.
void open_package_loader(lua_State* L);
/// Replaces resume and wrap in the coroutine library on top of the stack.
void install_coroutine_bridge(lua_State* L);

/// Loads `source` as a function (compiling once per cache), leaving it on
/// the stack; raises a Lua error with the compiler's message on failure.
void load_cached_chunk(lua_State* L, std::string_view name, std::string_view source);

}  // namespace alc
