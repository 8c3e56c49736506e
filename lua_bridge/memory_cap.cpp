#include "lua_bridge/memory_cap.hpp"

#include <cstdlib>
#include <cstring>

namespace alc {

// A shrinking object is never refused: Lua shrinks during collection, where
// a failure helps nobody; at most one pool block goes past the limit.
void* memory_cap::allocate_new(std::size_t size, bool shrinking) noexcept {
  if (small_object_pool::handles(size)) {
    if (void* p = small_.allocate(size)) return p;
    const std::size_t growth = small_.growth();
    if (growth != 0 && (shrinking || admits(growth)) && small_.grow()) {
      settle(held());
      return small_.allocate(size);
    }
  }
  if (!shrinking && !admits(size)) return nullptr;
  void* p = std::malloc(size);
  if (p != nullptr) {
    large_ += size;
    settle(held());
  }
  return p;
}

void memory_cap::release(void* ptr, std::size_t size) noexcept {
  if (small_object_pool::handles(size) && small_.owns(ptr)) {
    small_.release(ptr, size);
  } else {
    std::free(ptr);
    large_ -= size;
    settle(held());
  }
}

void* memory_cap::allocate(void* ud, void* ptr, std::size_t old_size,
                           std::size_t new_size) noexcept {
  auto& cap = *static_cast<memory_cap*>(ud);
  // Lua passes the type tag instead of a size when ptr is null.
  const std::size_t old_bytes = ptr != nullptr ? old_size : 0;
  if (new_size == 0) {
    if (ptr != nullptr) cap.release(ptr, old_bytes);
    cap.used_ -= old_bytes;
    return nullptr;
  }
  void* moved = nullptr;
  const bool pooled =
      ptr != nullptr && small_object_pool::handles(old_bytes) && cap.small_.owns(ptr);
  if (ptr != nullptr && !pooled && !small_object_pool::handles(new_size)) {
    // From malloc to malloc: realloc may resize in place.
    if (new_size > old_bytes && !cap.admits(new_size - old_bytes)) return nullptr;
    moved = std::realloc(ptr, new_size);
    if (moved == nullptr) return nullptr;
    cap.large_ = cap.large_ - old_bytes + new_size;
    cap.settle(cap.held());
  } else if (pooled && small_object_pool::handles(new_size) &&
             small_object_pool::same_class(old_bytes, new_size)) {
    moved = ptr;  // the pool slot already fits
  } else {
    moved = cap.allocate_new(new_size, new_size <= old_bytes);
    if (moved == nullptr) return nullptr;
    if (ptr != nullptr) {
      std::memcpy(moved, ptr, std::min(old_bytes, new_size));
      cap.release(ptr, old_bytes);
    }
  }
  cap.used_ = cap.used_ - old_bytes + new_size;
  return moved;
}

}  // namespace alc
