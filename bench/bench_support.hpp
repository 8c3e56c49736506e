#pragma once
// Small helpers shared by the session benchmark's parts: clocks, percentiles,
// memory readings from /proc, CPU pinning and the progress display.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace alc_bench {

using clock_type = std::chrono::steady_clock;

inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
      .count();
}

/// Latency percentiles in microseconds.
struct percentiles {
  std::size_t count = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
};

/// Percentiles of `samples_us` (reordered in place); nullopt when empty.
std::optional<percentiles> summarize(std::vector<float>& samples_us);

/// Resident set size of this process (second field of /proc/self/statm).
std::size_t rss_bytes();
/// The malloc this process runs with ("mimalloc 2.0.9", "glibc malloc").
std::string allocator_name();
/// Returns the heap's free pages to the system (malloc_trim), so that an
/// RSS delta measured next counts new allocations instead of reused pages.
void release_free_memory();
/// A field of /proc/meminfo in bytes (MemAvailable, KernelStack, ...), 0 if absent.
std::size_t meminfo_bytes(const char* field);
/// An integer from a /proc file (e.g. /proc/sys/kernel/pid_max), or `fallback`.
long proc_long(const char* path, long fallback);

/// User + system CPU time of this process so far.
double process_cpu_seconds();

/// Restricts the calling thread (and every thread it creates later) to the
/// first `cpus` CPUs, so a run "on N threads" cannot use more than N cores.
void pin_to_cpus(int cpus);
int online_cpus();

/// Progress display on stderr: one line per run, updated in place on a
/// terminal; plain start/end lines otherwise (CI logs).
class progress_display {
 public:
  progress_display();
  ~progress_display();
  progress_display(const progress_display&) = delete;
  progress_display& operator=(const progress_display&) = delete;

  /// Starts the run `label` of `total` units (sessions, probes ...).
  void begin(std::string label, std::size_t total);
  /// Renames the current run (its size changed).
  void relabel(std::string label, std::size_t total);
  /// Ends the current run with a one-line summary.
  void end(const std::string& summary);
  /// Units finished in the current run; workers add to it.
  std::atomic<std::size_t> done{0};
  void set_run_count(int count) { runs_total_ = count; }

 private:
  void loop();
  void print_line(bool final_line, const std::string& summary);

  std::mutex mutex_;
  std::string label_;
  std::size_t total_ = 0;
  int run_index_ = 0;
  int runs_total_ = 0;
  bool active_ = false;
  bool tty_ = false;
  clock_type::time_point started_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// The process-wide progress display.
progress_display& progress();

}  // namespace alc_bench
