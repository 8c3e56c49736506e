#pragma once

#include <atomic>
#include <cstddef>

namespace alc {

/// Memory a family of VMs shares: a session and its `alc.fork` children at
/// every depth, on any worker thread. Each VM's memory_cap charges here
/// what it holds from the system, besides its own limit, so a fan-out (or a
/// fork of forks) holds at most `limit` together. A check and a charge are
/// separate steps, so concurrent VMs may overshoot by one allocation each.
class memory_account {
 public:
  explicit memory_account(std::size_t limit) : limit_(limit) {}
  memory_account(const memory_account&) = delete;
  memory_account& operator=(const memory_account&) = delete;

  /// Whether `extra` more bytes fit.
  bool admits(std::size_t extra) const noexcept {
    const std::size_t held = held_.load(std::memory_order_relaxed);
    return held <= limit_ && extra <= limit_ - held;
  }
  void charge(std::size_t bytes) noexcept { held_.fetch_add(bytes, std::memory_order_relaxed); }
  void refund(std::size_t bytes) noexcept { held_.fetch_sub(bytes, std::memory_order_relaxed); }

  std::size_t held() const noexcept { return held_.load(std::memory_order_relaxed); }
  std::size_t limit() const noexcept { return limit_; }

 private:
  std::atomic<std::size_t> held_{0};
  const std::size_t limit_;
};

}  // namespace alc
