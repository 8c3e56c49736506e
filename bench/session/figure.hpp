#pragma once
// The figures of the session benchmark as types: one `figure` per run (what
// it measured), one `target` per goal checked against them. The report
// turns them into JSON lines, tables and plot data; nothing reads figures
// back out of JSON.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_support.hpp"
#include "bench/run_status.hpp"

namespace alc_bench {

/// Which measurement a run made (the `bench` of its JSON line).
enum class figure_kind { sessions, resume_probe, fairness, paused_memory };

enum class implementation { alc, alc_vm_only, raw_lua, thread_per_session };

const char* to_string(figure_kind k);
const char* to_string(implementation i);

/// A latency distribution; nullopt when the run took no samples (JSON null).
using distribution = std::optional<percentiles>;

/// How fast a run got through its sessions.
struct throughput_figures {
  std::size_t sessions = 0;  ///< that closed
  double seconds = 0;
  double sessions_per_s = 0;
  double llm_calls_per_s = 0;
  std::size_t failures = 0;
};

/// The fairness run: spinners hog the CPUs while trivial sessions start.
struct fairness_figures {
  int spinners = 0;
  double interval_us = 0;  ///< between two trivial sessions
  double slice_us = 0;     ///< alc's time slice, the unit of `p99_in_slices`
  double cpu_busy = 0;     ///< process CPU time / (wall time x threads)
};

/// Resident memory added by the sessions held paused.
struct memory_figures {
  std::size_t rss_delta_bytes = 0;
  double bytes_per_session = 0;
  std::optional<double> lua_bytes_per_session;           ///< alc's VM only
  std::optional<double> kernel_stack_bytes_per_session;  ///< thread-per-session
  std::optional<double> seconds_to_hold;                 ///< alc
};

/// `d`'s distribution; none when the run did not measure it either.
inline distribution measured(const std::optional<distribution>& d) {
  return d ? *d : std::nullopt;
}

/// Every figure one run measured. A field left empty was not measured by
/// this kind of run and is not written.
struct figure {
  figure_kind kind = figure_kind::sessions;
  implementation impl = implementation::alc;
  std::string workload;  ///< sessions only
  std::optional<int> threads;
  std::optional<std::size_t> in_flight;    ///< sessions alive at once (alc, thread/session)
  std::optional<std::size_t> held;         ///< sessions held paused (probe, memory)
  std::optional<std::size_t> target_held;  ///< the hold asked for (alc memory)
  std::optional<std::size_t> probes;
  std::optional<run_status> status;  ///< the fairness run has none
  std::string note;
  std::optional<throughput_figures> throughput;
  std::optional<distribution> latency;         ///< spawn (or scheduled start) -> done
  std::optional<distribution> resume_latency;  ///< resume -> next pause
  std::optional<fairness_figures> fairness;
  std::optional<memory_figures> memory;

  bool ok() const { return status == run_status::ok; }
  /// Complete, or stopped by the time box (partial figures, marked †).
  bool usable() const { return ok() || status == run_status::time_boxed; }
  /// The 99th percentile latency in time slices (fairness runs with samples).
  std::optional<double> p99_in_slices() const;
};

/// A goal checked against this run's figures.
struct target {
  std::string name;
  std::optional<double> value;  ///< nullopt: could not be measured
  std::string unit;             ///< "ratio", "us", "bytes", "sessions", "slices"
  std::string goal;             ///< ">= 5", "<= 10" ...
  std::optional<bool> met;      ///< nullopt: not applicable
  std::string note;
};

nlohmann::json to_json(const figure& f);
nlohmann::json to_json(const target& t);

/// The first figure of `kind` by `impl` for which `also` holds, or null.
const figure* find_figure(const std::vector<figure>& figures, figure_kind kind, implementation impl,
                          const std::function<bool(const figure&)>& also = {});

/// The thread-per-session probe with the same threads and sessions held.
const figure* tps_probe_of(const std::vector<figure>& figures, const figure& alc_probe);

/// `f` is there and its run completed.
inline bool ok(const figure* f) {
  return f != nullptr && f->ok();
}
/// `f` is there and complete or time-boxed.
inline bool usable(const figure* f) {
  return f != nullptr && f->usable();
}

/// The baseline runs an alc throughput run is compared with.
struct baselines_of_run {
  const figure* raw = nullptr;  ///< same workload and threads
  const figure* tps = nullptr;  ///< same workload, threads and in-flight count
};
baselines_of_run baselines_of(const std::vector<figure>& figures, const figure& alc_run);

}  // namespace alc_bench
