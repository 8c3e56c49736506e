#pragma once
// What the soak run's sessions ended with, per workload, and every way a
// session missed the outcome its workload expects.

#include <cstddef>
#include <cstdint>
#include <map>
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
  /// A `state` session of `ns` read `count` back from its increment.
  void record_count(const std::string& ns, std::int64_t count);
  /// A problem not tied to one outcome (a refused verb, a dead actor ...).
  void record_problem(const std::string& what);
  /// Checks that each namespace's counter saw every increment exactly once
  /// (the highest count read equals the sessions that incremented it).
  void check_counters();

  const std::vector<row>& rows() const { return rows_; }
  std::size_t mismatches() const { return mismatches_; }
  /// The first few mismatches, as text.
  const std::vector<std::string>& examples() const { return examples_; }
  std::map<std::string, std::size_t> totals() const;  ///< outcome_key -> sessions

 private:
  void remember(std::string text);

  struct counter {
    std::size_t increments = 0;
    std::int64_t highest = 0;
  };

  std::vector<row> rows_;
  std::map<std::string, counter> counters_;
  std::size_t mismatches_ = 0;
  std::vector<std::string> examples_;
};

}  // namespace alc_bench::soak
