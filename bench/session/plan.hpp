#pragma once
// Which runs the session benchmark makes, in order: workloads x in-flight
// counts x scheduler threads for each implementation, sized by --quick and
// filtered by --only and --impl. A plan is data; runs.hpp carries it out.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bench/run_status.hpp"
#include "bench/session/figure.hpp"
#include "bench/session/options.hpp"

namespace alc_bench {

/// What a session runs: a script, or (cot) a strategy package.
struct workload {
  std::string name;
  std::string code;          ///< the script; empty when `package` runs
  std::string package;       ///< a strategy package run as advice
  std::size_t sessions = 0;  ///< per throughput run, at least
};

/// The sizes shared by all runs of one benchmark invocation.
struct run_sizes {
  std::size_t in_flight_multiple = 1;  ///< a run has at least this many times its in-flight count
  std::chrono::seconds time_box{120};  ///< longest an alc run may take
  std::size_t probes = 0;              ///< resumes timed by a resume probe
  std::chrono::milliseconds fairness{0};
  /// d. One trivial session is started every interval while two sessions spin.
  std::chrono::microseconds fairness_interval{1000};
  int spinners = 2;
};

/// A run recorded without being carried out, and why.
struct not_run {
  run_status status = run_status::skipped;
  std::string note;
};

struct planned_run {
  std::string label;      ///< for the progress display
  std::size_t units = 0;  ///< sessions, probes ... it counts through
  figure_kind kind = figure_kind::sessions;
  implementation impl = implementation::alc;
  workload load;  ///< sessions runs
  int threads = 1;
  std::size_t count = 0;  ///< sessions in flight (sessions runs), held (probe, memory)
  std::size_t total = 0;  ///< sessions of a throughput run
  std::optional<not_run> skip;
};

struct plan {
  run_sizes sizes;
  std::vector<planned_run> runs;
  std::vector<std::size_t> in_flight;  ///< of the alc throughput runs (the targets use them)
};

plan make_plan(const options& o);

}  // namespace alc_bench
