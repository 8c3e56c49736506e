#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>

#include "lua_bridge/memory_account.hpp"
#include "lua_bridge/small_object_pool.hpp"

namespace alc {

/// The allocator of one Lua state: small objects from its own pool, larger
/// ones from malloc, and a limit on the bytes it holds. A refusal makes Lua
/// raise a memory error inside that VM only; `exceeded()` stays true
/// afterwards so the owner can fail the session even if the script caught it.
/// With a family account, what it holds counts there too (memory_account).
class memory_cap {
 public:
  explicit memory_cap(std::size_t limit, std::shared_ptr<memory_account> family = nullptr)
      : family_(std::move(family)), limit_(limit) {}
  ~memory_cap() { settle(0); }
  memory_cap(const memory_cap&) = delete;
  memory_cap& operator=(const memory_cap&) = delete;

  /// The `lua_Alloc` function; `ud` must point at a memory_cap.
  static void* allocate(void* ud, void* ptr, std::size_t old_size, std::size_t new_size) noexcept;

  /// Lets the owner finish an error report in a VM that hit its cap.
  void raise_limit(std::size_t extra_bytes) { limit_ += extra_bytes; }
  /// After lua_close: gives the pool's blocks back.
  void release_all() noexcept {
    small_.release_all();
    settle(held());
  }

  /// Bytes the Lua state has asked for and not freed.
  std::size_t used() const { return used_; }
  /// Bytes held from the system (pool blocks and malloc objects): what the
  /// limit applies to.
  std::size_t held() const { return small_.reserved() + large_; }
  std::size_t limit() const { return limit_; }
  bool exceeded() const { return exceeded_; }
  /// The refusal that set exceeded() was the family's, not this cap's own.
  bool family_exceeded() const { return family_exceeded_; }
  const memory_account* family() const { return family_.get(); }

 private:
  bool admits(std::size_t extra) {
    if (extra > limit_ - std::min(limit_, held())) {
      exceeded_ = true;
      return false;
    }
    if (family_ && !family_->admits(extra)) {
      exceeded_ = family_exceeded_ = true;
      return false;
    }
    return true;
  }
  /// Brings the family's charge for this cap to `now_held` bytes.
  void settle(std::size_t now_held) noexcept {
    if (!family_ || now_held == charged_) return;
    if (now_held > charged_) {
      family_->charge(now_held - charged_);
    } else {
      family_->refund(charged_ - now_held);
    }
    charged_ = now_held;
  }
  void* allocate_new(std::size_t size, bool shrinking) noexcept;
  void release(void* ptr, std::size_t size) noexcept;

  small_object_pool small_;
  std::shared_ptr<memory_account> family_;
  std::size_t charged_ = 0;  ///< what the family holds for this cap
  std::size_t limit_;
  std::size_t used_ = 0;
  std::size_t large_ = 0;  ///< bytes of the objects that came from malloc
  bool exceeded_ = false;
  bool family_exceeded_ = false;
};

}  // namespace alc
