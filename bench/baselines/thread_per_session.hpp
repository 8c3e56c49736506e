#pragma once
// Baseline (ii): thread-per-session, the way the original engine works. Each
// session is one OS thread running its own Lua state with lua_pcall; at
// every `alc.llm` the thread posts the prompt to the host and blocks on its
// own mutex + condition variable until a responder thread answers.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "bench/run_status.hpp"

namespace alc_bench {

struct tps_run_result {
  run_status status = run_status::ok;  ///< or failed (thread creation refused, ...)
  std::string note;
  double seconds = 0;
  std::size_t sessions = 0;  ///< sessions that finished
  std::size_t failures = 0;
  std::size_t llm_calls = 0;
  std::vector<float> latency_us;  ///< thread creation -> script done, per session
  std::vector<float> resume_us;   ///< answer given -> next llm call posted
};

/// Runs `sessions` sessions of `code` with at most `in_flight` threads alive.
tps_run_result run_tps_sessions(const std::string& code, std::size_t sessions,
                                std::size_t in_flight);

struct tps_probe_result {
  run_status status = run_status::ok;
  std::string note;
  std::size_t held = 0;
  std::vector<float> resume_us;  ///< answer given -> the host sees the next call
};

/// Holds `held` threads blocked in `alc.llm`, then answers one of them at a
/// time (`probes` times, round robin) and times until its next call arrives.
tps_probe_result tps_resume_probe(std::size_t held, std::size_t probes);

struct tps_memory_result {
  run_status status = run_status::ok;
  std::string note;
  std::size_t held = 0;
  std::size_t rss_delta = 0;           ///< this process's resident memory
  std::size_t kernel_stack_delta = 0;  ///< KernelStack of /proc/meminfo (machine-wide)
};

/// Holds `count` threads blocked at the first `alc.llm` of `code`.
tps_memory_result tps_paused_memory(const std::string& code, std::size_t count);

struct tps_fairness_result {
  std::vector<float> latency_us;  ///< scheduled start -> done
  double cpu_busy = 0;            ///< process CPU time / (wall time x cpus)
};

/// Starts `spinners` threads spinning in Lua, then starts a trivial session
/// thread every `interval` for `duration` (open loop) on `cpus` CPUs.
tps_fairness_result tps_fairness(std::chrono::milliseconds duration,
                                 std::chrono::microseconds interval, int spinners, int cpus);

/// The number of threads this machine lets a process hold at most:
/// min(pid_max, threads-max, vm.max_map_count / 2, RLIMIT_NPROC).
std::size_t tps_thread_limit();

}  // namespace alc_bench
