#pragma once
// The actor that drives the soak run: it spawns sessions on the registry
// (subscribed at spawn), keeps at most `in_flight` of them going, answers
// their queries, cancels the ones whose workload asks for it, awaits each
// outcome and checks it against the workload, then unsubscribes — so an
// ended session can be evicted by the TTL sweep, as in a long-running
// application.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <future>

#include "alc/alc.hpp"
#include "bench/soak/tally.hpp"
#include "bench/soak/workloads.hpp"

namespace alc_bench::soak {

struct driver_setup {
  alc::registry_handle registry;
  std::uint64_t sessions = 0;  ///< in total
  std::size_t in_flight = 0;   ///< spawned and not yet checked, at most
  /// After this many sessions the driver stops spawning, tells `paused` once
  /// they are all checked, and goes on when resumed (resume_driver). 0: never.
  std::uint64_t pause_at = 0;
  std::promise<void>* paused = nullptr;
  std::atomic<std::uint64_t>* closed = nullptr;  ///< sessions checked so far (the sampler reads it)
  mix sessions_mix;                              ///< which workload each session runs
};

struct driver_report {
  outcome_tally tally;
  std::uint64_t sessions = 0;   ///< sessions checked
  std::uint64_t llm_calls = 0;  ///< queries answered
  std::uint64_t cancels = 0;    ///< cancel requests sent
};

/// Spawns the driver; `out` receives the report once every session is checked.
caf::actor start_driver(caf::actor_system& system, driver_setup setup,
                        std::promise<driver_report>& out);

/// Lets a driver that paused at `pause_at` go on.
void resume_driver(const caf::actor& driver);

}  // namespace alc_bench::soak
