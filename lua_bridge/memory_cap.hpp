#pragma once

#include <algorithm>
#include <cstddef>

#include "lua_bridge/small_object_pool.hpp"

namespace alc {

/// The allocator of one Lua state: small objects from its own pool, larger
/// ones from malloc, and a limit on the bytes it holds. A refusal makes Lua
/// raise a memory error inside that VM only; `exceeded()` stays true
/// afterwards so the owner can fail the session even if the script caught it.
class memory_cap {
 public:
  explicit memory_cap(std::size_t limit) : limit_(limit) {}
  memory_cap(const memory_cap&) = delete;
  memory_cap& operator=(const memory_cap&) = delete;

  /// The `lua_Alloc` function; `ud` must point at a memory_cap.
  static void* allocate(void* ud, void* ptr, std::size_t old_size, std::size_t new_size) noexcept;

  /// Lets the owner finish an error report in a VM that hit its cap.
  void raise_limit(std::size_t extra_bytes) { limit_ += extra_bytes; }
  /// After lua_close: gives the pool's blocks back.
  void release_all() noexcept { small_.release_all(); }

  /// Bytes the Lua state has asked for and not freed.
  std::size_t used() const { return used_; }
  /// Bytes held from the system (pool blocks and malloc objects): what the
  /// limit applies to.
  std::size_t held() const { return small_.reserved() + large_; }
  std::size_t limit() const { return limit_; }
  bool exceeded() const { return exceeded_; }

 private:
  bool admits(std::size_t extra) {
    if (extra <= limit_ - std::min(limit_, held())) return true;
    exceeded_ = true;
    return false;
  }
  void* allocate_new(std::size_t size, bool shrinking) noexcept;
  void release(void* ptr, std::size_t size) noexcept;

  small_object_pool small_;
  std::size_t limit_;
  std::size_t used_ = 0;
  std::size_t large_ = 0;  ///< bytes of the objects that came from malloc
  bool exceeded_ = false;
};

}  // namespace alc
