#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

struct lua_State;
struct lua_Debug;

namespace alc {

class preemption_clock;

/// What a running VM shares with the clock while one of its slices runs.
/// The clock arms `hook` on `running` once `deadline_us` has passed; the
/// owner changes `running` only through `set_running`, which waits until the
/// clock is not looking, so the clock never touches a thread that has stopped
/// running (and may have been collected).
class preemption_slot {
 public:
  using hook_fn = void (*)(lua_State*, lua_Debug*);

  /// The clock arms `hook` with `mask` (LUA_MASKCOUNT and more) and a count of 1.
  preemption_slot(hook_fn hook, int mask) : hook_(hook), mask_(mask) {}
  preemption_slot(const preemption_slot&) = delete;
  preemption_slot& operator=(const preemption_slot&) = delete;

  /// The Lua thread now executing (a coroutine the script resumed, say).
  void set_running(lua_State* thread);
  /// True once the clock has asked the current slice to end.
  bool preempt_requested() const { return preempt_requested_.load(std::memory_order_relaxed); }

 private:
  friend class preemption_clock;
  friend class slice_guard;

  /// A clock-visible registration; `busy` is set while the clock inspects it.
  struct alignas(64) cell {
    std::atomic<preemption_slot*> slot{nullptr};
    std::atomic<bool> busy{false};
  };

  hook_fn hook_;
  int mask_;
  std::atomic<lua_State*> running_{nullptr};
  std::atomic<int64_t> deadline_us_{0};
  std::atomic<bool> preempt_requested_{false};
  cell* cell_ = nullptr;
  std::size_t cell_hint_ = 0;
};

/// One background thread that ends overlong slices by arming a Lua hook
/// asynchronously. Nothing is paid on the fast path: a slice registers its
/// slot in a free cell (one CAS) and unregisters at the end; only a slice that
/// overruns its deadline ever runs a hook (docs/architecture.md, the preemption clock).
class preemption_clock {
 public:
  explicit preemption_clock(std::chrono::microseconds tick = std::chrono::microseconds{1000});
  ~preemption_clock();
  preemption_clock(const preemption_clock&) = delete;
  preemption_clock& operator=(const preemption_clock&) = delete;

  /// Coarse monotonic time in microseconds, refreshed every tick.
  int64_t now_us() const { return now_us_.load(std::memory_order_relaxed); }
  std::chrono::microseconds tick() const { return tick_; }

 private:
  friend class slice_guard;
  friend class preemption_slot;
  static constexpr std::size_t cell_count = 256;

  void run();
  void scan(int64_t now);
  preemption_slot::cell& claim(preemption_slot& slot);
  int64_t read_clock() const;

  const std::chrono::microseconds tick_;
  const std::chrono::steady_clock::time_point epoch_;
  std::atomic<int64_t> now_us_{0};
  std::atomic<std::size_t> cells_in_use_{0};  ///< high-water mark: scan only this far
  std::unique_ptr<std::array<preemption_slot::cell, cell_count>> cells_;
  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  std::thread thread_;
};

/// RAII registration of one slice: from construction to destruction the
/// clock may preempt `slot`'s running thread once `budget` has elapsed.
/// Destruction waits until the clock no longer looks at the slot.
class slice_guard {
 public:
  slice_guard(preemption_clock& clock, preemption_slot& slot, lua_State* thread,
              std::chrono::microseconds budget);
  ~slice_guard();
  slice_guard(const slice_guard&) = delete;
  slice_guard& operator=(const slice_guard&) = delete;

 private:
  preemption_slot& slot_;
};

}  // namespace alc
