#pragma once
// Internal to lua_bridge: a way for pure C++ work that a script's arguments
// can make arbitrarily long to stop when the script's slice is over.

#include <cstddef>
#include <type_traits>

namespace alc {

/// Lets long C++ work (text matching, quadratic statistics) stop early when its caller's time is
/// up: `spend` the work done; every so often it asks `expired`, and once that said yes the budget
/// stays exhausted and the work gives up (its result is then meaningless). The default budget never
/// runs out.
class work_budget {
 public:
  using expired_fn = bool (*)(void* context);
  work_budget() noexcept = default;
  work_budget(expired_fn expired, void* context) noexcept : expired_(expired), context_(context) {}

  /// Counts `units` of work; true once the budget is exhausted.
  bool spend(std::size_t units) noexcept {
    if (expired_ == nullptr || exhausted_) return exhausted_;
    spent_ += units;
    if (spent_ >= units_between_checks) {
      spent_ = 0;
      exhausted_ = expired_(context_);
    }
    return exhausted_;
  }
  bool exhausted() const noexcept { return exhausted_; }

 private:
  static constexpr std::size_t units_between_checks = std::size_t{1} << 16;
  expired_fn expired_ = nullptr;
  void* context_ = nullptr;
  std::size_t spent_ = 0;
  bool exhausted_ = false;
};

// Lua C functions keep a budget alive across calls that may longjmp.
static_assert(std::is_trivially_destructible_v<work_budget>);

}  // namespace alc
