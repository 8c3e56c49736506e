#include "lua_bridge/vm_core.hpp"

#include <chrono>
#include <utility>

namespace alc {

vm_core::vm_core(vm_options opts)
    : options(std::move(opts)), memory(options.memory_limit, options.family_memory) {}

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

int64_t vm_core::now_us() const {
  if (options.clock) return options.clock->now_us();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void vm_core::log(std::string_view level, std::string_view text) noexcept {
  if (!options.log) return;
  try {
    options.log(level, text);
  } catch (...) {
  }
}

}  // namespace alc
