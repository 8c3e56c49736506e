#pragma once
// The soak test's command line, and the runtime settings it runs with.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "alc/options.hpp"

namespace alc_bench::soak {

struct options {
  std::uint64_t sessions = 1'000'000;
  bool quick = false;  ///< 20,000 sessions: what CI runs
  std::size_t in_flight = 1000;
  int threads = 2;                   ///< scheduler.max-threads
  std::uint64_t warmup = 0;          ///< sessions before the reference RSS; 0: 10% of the run
  std::uint64_t sample_every = 0;    ///< sessions between samples; 0: 1% of the run
  std::string out = "soak-results";  ///< soak.dat, soak_empty.dat and (with gnuplot) soak.png
  bool plots = true;
  std::string state_dir;             ///< alc.state-dir; empty: a fresh folder on tmpfs (/dev/shm)
  std::string packages;              ///< the fork children's packages (default bench/soak/packages)
  std::string gnuplot_script;        ///< default bench/soak/soak.gp
  std::vector<std::string> only;     ///< workloads to run (default all of them)
  std::uint64_t cpu_limit_ms = 200;  ///< alc.cpu-limit

  std::uint64_t warmup_sessions() const { return warmup != 0 ? warmup : sessions / 10; }
  std::uint64_t sample_interval() const {
    return sample_every != 0 ? sample_every : (sessions >= 100 ? sessions / 100 : 1);
  }
};

/// Parses the command line; prints the usage and exits on --help or an error.
options parse_options(int argc, char** argv);

/// The one runtime's settings: a short TTL and sweep so that ended sessions
/// leave the table during the run, a 2 MiB memory cap so that the sessions
/// which hit it cost little, and 2 ms slices. The CPU limit (200 ms) is far
/// above what any other workload uses: it is charged wall time while a slice
/// runs, which a loaded machine inflates (docs/benchmarks.md, "Soak").
alc::runtime_options runtime_settings(const options& o, const std::string& state_dir);

}  // namespace alc_bench::soak
