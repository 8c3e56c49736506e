#pragma once
// The soak test's mixed workload: what each session runs and the one
// outcome it must end with. Session n of the run gets mix::workload_of(n);
// every block of 10,000 consecutive sessions holds each workload `weight`
// times, spread through the block, so any stretch of the run has the mix.
//
// The driver reacts to two signals only, so it never has to know a
// session's workload before its spawn reply arrives:
//   - a pause whose first prompt is `hold_prompt` is cancelled, not answered;
//   - a log line `spin_message` makes the driver cancel the session, which
//     by then spins in Lua (cancelled while running).
// Every other query is answered with `answer_to(prompt)`.

#include <cstdint>
#include <string>
#include <vector>

#include "alc/values.hpp"

namespace alc_bench::soak {

inline const char* const hold_prompt = "soak:hold";
inline const char* const spin_message = "soak:spin";
/// The workload whose sessions count in alc.state (the driver checks the counters).
inline const char* const state_workload = "state";
/// The namespaces the `state` workload counts in (ctx._ns).
inline constexpr std::uint64_t state_namespaces = 4;
/// The packages `fork` runs (bench/soak/packages).
inline const char* const fork_child_ok = "soak_child";
inline const char* const fork_child_fails = "soak_fail";

/// The in-process responder's answer: what the checks expect back.
std::string answer_to(const std::string& prompt);

struct workload {
  const char* name;
  int weight;  ///< sessions of this workload in every 10,000
  /// The spec of session `n` (its code and ctx).
  alc::session_spec (*spec)(std::uint64_t n);
  /// Empty when `outcome` is the one session `n` must end with; else what is wrong.
  std::string (*check)(const alc::terminal_outcome& outcome, std::uint64_t n);
};

/// Every workload; weights sum to 10,000.
const std::vector<workload>& workloads();

/// Which workload each session runs: the whole table, or (to look at a few
/// in isolation) only some of them, in proportion to their weights.
class mix {
 public:
  /// `only`: names from workloads(); empty for all of them. Unknown names
  /// are left out of `unknown`.
  explicit mix(const std::vector<std::string>& only = {});
  /// Index into workloads() of session `n`.
  std::size_t workload_of(std::uint64_t n) const;
  /// Names in `only` that are no workload.
  const std::vector<std::string>& unknown() const { return unknown_; }

 private:
  std::vector<std::size_t> slots_;  ///< a block of sessions, spread (see workloads.cpp)
  std::vector<std::string> unknown_;
};

/// The namespace of session `n` when it is a `state` session.
std::string state_namespace_of(std::uint64_t n);

/// The outcome as a tally key: `done`, `failed:<kind>`, `cancelled:<state before>`.
std::string outcome_key(const alc::terminal_outcome& outcome);

}  // namespace alc_bench::soak
