#include "lua_bridge/preemption_clock.hpp"

#include <lua.hpp>

namespace alc {
namespace {

// Busy-wait for the clock to leave a cell; it holds a cell for a few
// instructions, so yielding the CPU would cost more than spinning.
void wait_until_idle(const std::atomic<bool>& busy) {
  while (busy.load(std::memory_order_seq_cst)) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

}  // namespace

void preemption_slot::set_running(lua_State* thread) {
  running_.store(thread, std::memory_order_seq_cst);
  // Dekker handshake with preemption_clock::scan: once this returns the
  // clock cannot still hold the previous thread pointer.
  if (cell_ != nullptr) wait_until_idle(cell_->busy);
}

preemption_clock::preemption_clock(std::chrono::microseconds tick)
    : tick_(tick < std::chrono::microseconds{100} ? std::chrono::microseconds{100} : tick),
      epoch_(std::chrono::steady_clock::now()),
      cells_(std::make_unique<std::array<preemption_slot::cell, cell_count>>()) {
  thread_ = std::thread([this] { run(); });
}

preemption_clock::~preemption_clock() {
  {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_one();
  thread_.join();
}

int64_t preemption_clock::read_clock() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               epoch_)
      .count();
}

void preemption_clock::run() {
  std::unique_lock<std::mutex> lock(stop_mutex_);
  while (!stopping_) {
    const int64_t now = read_clock();
    now_us_.store(now, std::memory_order_relaxed);
    scan(now);
    stop_signal_.wait_for(lock, tick_);
  }
}

void preemption_clock::scan(int64_t now) {
  const std::size_t used = cells_in_use_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < used; ++i) {
    auto& cell = (*cells_)[i];
    if (cell.slot.load(std::memory_order_relaxed) == nullptr) continue;
    cell.busy.store(true, std::memory_order_seq_cst);
    preemption_slot* slot = cell.slot.load(std::memory_order_seq_cst);
    if (slot != nullptr && now >= slot->deadline_us_.load(std::memory_order_relaxed)) {
      if (lua_State* thread = slot->running_.load(std::memory_order_seq_cst)) {
        slot->preempt_requested_.store(true, std::memory_order_relaxed);
        // lua_sethook is the one Lua call meant to be made asynchronously
        // (lua.c does it from a signal handler); the hook yields at the next
        // instruction. Re-arming every tick covers a thread switch mid-slice.
        lua_sethook(thread, slot->hook_, slot->mask_, 1);
      }
    }
    cell.busy.store(false, std::memory_order_release);
  }
}

preemption_slot::cell& preemption_clock::claim(preemption_slot& slot) {
  // Start at the slot's last cell: with one VM per worker thread the first
  // attempt nearly always succeeds.
  for (std::size_t attempt = 0;; ++attempt) {
    const std::size_t index = (slot.cell_hint_ + attempt) % cell_count;
    auto& cell = (*cells_)[index];
    preemption_slot* expected = nullptr;
    if (cell.slot.load(std::memory_order_relaxed) == nullptr &&
        cell.slot.compare_exchange_strong(expected, &slot, std::memory_order_seq_cst)) {
      slot.cell_hint_ = index;
      std::size_t used = cells_in_use_.load(std::memory_order_relaxed);
      while (used <= index &&
             !cells_in_use_.compare_exchange_weak(used, index + 1, std::memory_order_release)) {
      }
      return cell;
    }
    // More concurrent slices than cells: let one finish.
    if (attempt % cell_count == cell_count - 1) std::this_thread::yield();
  }
}

slice_guard::slice_guard(preemption_clock& clock, preemption_slot& slot, lua_State* thread,
                         std::chrono::microseconds budget)
    : slot_(slot) {
  slot.preempt_requested_.store(false, std::memory_order_relaxed);
  slot.deadline_us_.store(clock.now_us() + budget.count(), std::memory_order_relaxed);
  slot.running_.store(thread, std::memory_order_relaxed);
  slot.cell_ = &clock.claim(slot);
}

slice_guard::~slice_guard() {
  auto* cell = slot_.cell_;
  slot_.running_.store(nullptr, std::memory_order_relaxed);
  cell->slot.store(nullptr, std::memory_order_seq_cst);
  wait_until_idle(cell->busy);
  slot_.cell_ = nullptr;
}

}  // namespace alc
