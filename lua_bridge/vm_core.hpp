#pragma once
// Internal to lua_bridge: the state one VM shares with its C functions.

#include <cstdint>

#include <lua.hpp>

#include "lua_bridge/execution_meter.hpp"
#include "lua_bridge/host_call_slot.hpp"
#include "lua_bridge/memory_cap.hpp"
#include "lua_bridge/scratch_buffers.hpp"
#include "lua_bridge/script_vm.hpp"

namespace alc {

/// What has been opened lazily, on first use (library/alc_table.cpp, sandbox.cpp).
struct opened_libraries {
  bool alc_extensions = false;  ///< the off-hot-path C primitives are in `alc`
  bool prelude = false;
  uint8_t standard = 0;  ///< bit per lazily opened standard library
};

/// Everything the C functions of one VM reach through the state's extra
/// space. Rule for every C function: C++ objects live here, never as locals
/// across a Lua call that may raise or yield (those unwind with longjmp).
struct vm_core {
  explicit vm_core(vm_options opts);
  ~vm_core();
  vm_core(const vm_core&) = delete;
  vm_core& operator=(const vm_core&) = delete;

  /// Coarse monotonic microseconds (the clock's, else the steady clock).
  int64_t now_us() const;
  /// Hands a line of script output to the log sink. A failing sink must not
  /// take the script down with it, so this never throws.
  void log(std::string_view level, std::string_view text) noexcept;
  void close_state();

  vm_options options;
  memory_cap memory;
  execution_meter meter;
  host_call_slot host;
  scratch_buffers scratch;
  opened_libraries opened;
  lua_State* L = nullptr;       ///< main state: setup and host-side calls only
  lua_State* script = nullptr;  ///< the coroutine running the script (anchored in the registry)
};

/// The vm_core of any thread of a VM.
inline vm_core& core_of(lua_State* L) {
  return **static_cast<vm_core**>(lua_getextraspace(L));
}

}  // namespace alc
