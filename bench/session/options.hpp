#pragma once
// The session benchmark's command line.

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace alc_bench {

/// The benchmarks `--only` may name, in the order they are listed.
extern const std::vector<std::string> all_benches;

struct options {
  bool quick = false;
  bool plots = true;
  bool pin = true;  ///< confine a run on N threads to N CPUs
  std::string out = "session-bench-results";
  std::set<std::string> only;  ///< empty: everything
  std::set<std::string> impls = {"alc", "raw", "tps"};
  std::vector<int> threads = {1, 2};
  std::vector<std::size_t> in_flight;  ///< empty: the mode's defaults
  std::string packages;                ///< strategy packages (default the source tree's)
  std::string gnuplot_script;          ///< default the source tree's bench/plots.gp
  std::size_t max_held = 1'000'000;    ///< largest paused-memory hold tried
  std::string policy;                  ///< scheduler.policy for alc; empty: CAF's default
  std::size_t responders = 1;          ///< responder actors in the throughput runs

  /// Every benchmark is wanted unless `--only` names a subset.
  bool wanted(const std::string& bench) const { return only.empty() || only.count(bench) != 0; }
};

/// Parses the command line; prints the usage and exits on --help or an error.
options parse_options(int argc, char** argv);

}  // namespace alc_bench
