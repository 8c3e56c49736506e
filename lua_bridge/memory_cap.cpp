#include "lua_bridge/memory_cap.hpp"

#include <cstdlib>

namespace alc {

void* memory_cap::allocate(void* ud, void* ptr, std::size_t old_size,
                           std::size_t new_size) noexcept {
  auto& cap = *static_cast<memory_cap*>(ud);
  // Lua passes the type tag instead of a size when ptr is null.
  const std::size_t old_bytes = ptr != nullptr ? old_size : 0;
  if (new_size == 0) {
    std::free(ptr);
    cap.used_ -= old_bytes;
    return nullptr;
  }
  // used_ <= limit_ always holds, so the subtraction cannot wrap.
  if (new_size > old_bytes && new_size - old_bytes > cap.limit_ - cap.used_) {
    cap.exceeded_ = true;
    return nullptr;
  }
  void* grown = std::realloc(ptr, new_size);
  if (grown == nullptr) return nullptr;
  cap.used_ = cap.used_ - old_bytes + new_size;
  return grown;
}

}  // namespace alc
