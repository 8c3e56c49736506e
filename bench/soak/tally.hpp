#pragma once
// What the soak run's sessions ended with, per workload, and every way a
// session missed the outcome its workload expects.
//
// One miss is counted apart: `cpu_limit` on a session that uses a few
// milliseconds of CPU. alc.cpu-limit is charged the wall time a session's
// slices take, so a worker descheduled by a loaded machine mid-slice charges
// the session for it (docs/benchmarks.md, "Soak"). Those are "overcharged":
// reported, and a mismatch only when more than 1 in 1000 sessions are.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace alc_bench::soak {

class outcome_tally {
 public:
  struct row {
    std::size_t sessions = 0;
    std::size_t mismatches = 0;
    std::map<std::string, std::size_t> outcomes;  ///< outcome_key -> sessions
  };

  /// One row per workload (workloads()).
  outcome_tally();

  /// Session `n` of `workload` ended with `outcome`; `mismatch` says how it
  /// differs from the expected one (empty: it does not).
  void record(std::size_t workload, std::uint64_t n, const std::string& outcome,
              const std::string& mismatch);
  /// A `state` session of `ns` read `count` back from its increment
  /// (nullopt: it ended otherwise, perhaps after incrementing).
  void record_count(const std::string& ns, std::optional<std::int64_t> count);
  /// A problem not tied to one outcome (a refused verb, a dead actor ...).
  void record_problem(const std::string& what);
  /// At the end: checks that no increment of a namespace's counter was lost
  /// or counted twice (every count read back is distinct, and the highest
  /// lies between the sessions that read one and all the namespace's
  /// sessions), and that overcharged sessions stay under 1 in 1000.
  void finish();

  const std::vector<row>& rows() const { return rows_; }
  std::size_t mismatches() const { return mismatches_; }
  std::size_t overcharged() const { return overcharged_; }
  /// The first few overcharged sessions, as text.
  const std::vector<std::string>& overcharged_examples() const { return overcharged_examples_; }
  /// The first few mismatches, as text.
  const std::vector<std::string>& examples() const { return examples_; }
  std::map<std::string, std::size_t> totals() const;  ///< outcome_key -> sessions

 private:
  void remember(std::string text);

  struct counter {
    std::vector<std::int64_t> counts;  ///< read back by the sessions that ended done
    std::size_t others = 0;            ///< sessions that ended otherwise
  };

  std::vector<row> rows_;
  std::map<std::string, counter> counters_;
  std::size_t sessions_ = 0;
  std::size_t mismatches_ = 0;
  std::vector<std::string> examples_;
  std::size_t overcharged_ = 0;
  std::vector<std::string> overcharged_examples_;
};

}  // namespace alc_bench::soak
