#pragma once
// alc driven the way an application drives it at scale: one responder actor
// spawns sessions on the registry (subscribed at spawn), answers every
// `pause_requested` event with a resume sent straight to the session actor,
// and keeps at most `in_flight` sessions alive (a new one starts when one
// closes). One actor system with `threads` scheduler threads per run.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "bench/run_status.hpp"

namespace alc {
struct session_spec;  // alc/alc.hpp
}

namespace alc_bench {

struct alc_config {
  int threads = 2;                         ///< scheduler.max-threads
  std::string state_dir;                   ///< alc.state-dir
  std::vector<std::string> package_paths;  ///< alc.package-paths
  std::string scheduler_policy;            ///< scheduler.policy; empty: CAF's default
  std::size_t responders = 1;              ///< responder actors sharing the sessions
};

struct alc_run_result {
  run_status status = run_status::ok;  ///< or time_boxed
  std::string note;
  double seconds = 0;
  std::size_t sessions = 0;  ///< sessions that closed
  std::size_t failures = 0;  ///< failed/cancelled sessions and refused verbs
  std::size_t llm_calls = 0;
  std::vector<float> latency_us;  ///< spawn request sent -> `closed` received
  std::vector<float> resume_us;   ///< resume sent -> next `pause_requested` received
};

/// Runs `sessions` sessions with at most `in_flight` alive. A run that is not
/// done after `time_box` stops there (status time_boxed, partial figures).
alc_run_result run_alc_sessions(const alc_config& config, const alc::session_spec& spec,
                                std::size_t sessions, std::size_t in_flight,
                                std::chrono::seconds time_box);

struct alc_probe_result {
  run_status status = run_status::ok;
  std::string note;
  std::size_t held = 0;
  std::vector<float> resume_us;
};

/// Holds `held` sessions paused (`while true do alc.llm(...) end`), then
/// resumes one at a time (`probes` times, round robin) and times each
/// resume -> next pause.
alc_probe_result alc_resume_probe(const alc_config& config, std::size_t held, std::size_t probes);

struct alc_memory_result {
  run_status status = run_status::ok;
  std::string note;
  std::size_t held = 0;
  std::size_t rss_delta = 0;
  double seconds = 0;  ///< to spawn them all and see every one paused
};

/// Holds `count` sessions of `code` paused at their first llm call and
/// measures the resident memory they add. Stops spawning (status
/// aborted) if MemAvailable falls below `memory_floor` bytes.
alc_memory_result alc_paused_memory(const alc_config& config, const std::string& code,
                                    std::size_t count, std::size_t memory_floor);

struct alc_fairness_result {
  std::vector<float> latency_us;  ///< scheduled spawn time -> closed
  double cpu_busy = 0;            ///< process CPU time / (wall time x threads)
};

/// Starts `spinners` sessions spinning (`while true do end`), then spawns a
/// trivial session every `interval` for `duration` (open loop).
alc_fairness_result alc_fairness(const alc_config& config, std::chrono::milliseconds duration,
                                 std::chrono::microseconds interval, int spinners);

/// The time slice of the runtime (alc.slice default).
std::chrono::microseconds alc_default_slice();

}  // namespace alc_bench
