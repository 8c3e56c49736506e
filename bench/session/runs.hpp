#pragma once
// Carries out one planned run against alc or a baseline and returns its
// figure: the only unit that calls the drivers (alc_sessions, baselines/,
// vm/vm_only).

#include <string>
#include <vector>

#include "bench/alc_sessions.hpp"
#include "bench/session/figure.hpp"
#include "bench/session/options.hpp"
#include "bench/session/plan.hpp"

namespace alc_bench {

struct run_outcome {
  figure result;
  std::string summary;  ///< the end of the run's progress line
  bool error = false;   ///< the run could not be carried out (sessions failing ...)
};

class runner {
 public:
  /// `state_dir`: alc's state directory for every run (empty, removed by the caller).
  runner(const options& o, const run_sizes& sizes, std::string state_dir);

  /// Carries out `run`. `earlier`: the figures of the runs before it (alc's
  /// memory hold is sized from them).
  run_outcome run(const planned_run& run, const std::vector<figure>& earlier) const;

 private:
  /// Runs on `threads` threads are confined to that many CPUs (unless --no-pin).
  void pin(int threads) const;
  alc_config alc_for(int threads) const;

  run_outcome recorded_only(const planned_run& run) const;
  run_outcome sessions(const planned_run& run) const;
  run_outcome resume_probe(const planned_run& run) const;
  run_outcome fairness(const planned_run& run) const;
  run_outcome paused_memory(const planned_run& run, const std::vector<figure>& earlier) const;
  run_outcome alc_paused_memory_run(const planned_run& run,
                                    const std::vector<figure>& earlier) const;

  const options& o_;
  run_sizes sizes_;
  std::string state_dir_;
};

}  // namespace alc_bench
