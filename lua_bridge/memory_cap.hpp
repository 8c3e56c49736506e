#pragma once

#include <cstddef>

namespace alc {

/// A Lua allocator that refuses to grow one VM past `limit` bytes. A refusal
/// makes Lua raise a memory error inside that VM only; `exceeded()` stays true
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

  std::size_t used() const { return used_; }
  std::size_t limit() const { return limit_; }
  bool exceeded() const { return exceeded_; }

 private:
  std::size_t limit_;
  std::size_t used_ = 0;
  bool exceeded_ = false;
};

}  // namespace alc
