#pragma once
// RSS and the registry's stats, sampled every N checked sessions while the
// soak runs, each printed as a JSON line on stdout as it is taken.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "alc/alc.hpp"

namespace alc_bench::soak {

struct sample {
  std::string phase;           ///< "run" while sessions go, "drained" once the table is empty
  std::uint64_t sessions = 0;  ///< checked so far
  double seconds = 0;          ///< since the run started
  std::size_t rss = 0;         ///< bytes (/proc/self/statm)
  std::optional<alc::registry_stats> stats;  ///< absent when the registry did not answer
};

/// One JSON line: {"kind":"sample", ...}.
std::string json_line(const sample& s);

/// Takes a sample each time `closed` passes a multiple of `every` (and one
/// at 0), on a thread of its own, until stopped.
class sampler {
 public:
  sampler(const alc::client& client, const std::atomic<std::uint64_t>& closed, std::uint64_t every);
  ~sampler();
  sampler(const sampler&) = delete;
  sampler& operator=(const sampler&) = delete;

  /// Stops the thread, takes a last sample if the count moved, and returns all.
  std::vector<sample> stop();
  /// One sample now (printed too); also used once the table has drained.
  sample take(const std::string& phase);

 private:
  void loop();

  const alc::client& client_;
  const std::atomic<std::uint64_t>& closed_;
  const std::uint64_t every_;
  const std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<sample> samples_;
  std::thread thread_;
};

}  // namespace alc_bench::soak
