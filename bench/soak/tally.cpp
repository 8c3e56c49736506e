#include "bench/soak/tally.hpp"

#include <algorithm>

#include "bench/soak/workloads.hpp"

namespace alc_bench::soak {
namespace {
constexpr std::size_t max_examples = 20;
}

outcome_tally::outcome_tally() : rows_(workloads().size()) {}

void outcome_tally::record(std::size_t workload, std::uint64_t n, const std::string& outcome,
                           const std::string& mismatch) {
  row& r = rows_.at(workload);
  ++r.sessions;
  ++r.outcomes[outcome];
  if (mismatch.empty()) return;
  ++r.mismatches;
  remember("session " + std::to_string(n) + " (" + workloads()[workload].name + "): " + mismatch);
}

void outcome_tally::record_count(const std::string& ns, std::int64_t count) {
  counter& c = counters_[ns];
  ++c.increments;
  c.highest = std::max(c.highest, count);
}

void outcome_tally::record_problem(const std::string& what) {
  remember(what);
}

void outcome_tally::check_counters() {
  for (const auto& [ns, c] : counters_) {
    if (c.highest != static_cast<std::int64_t>(c.increments)) {
      remember("state namespace " + ns + ": " + std::to_string(c.increments) +
               " sessions incremented its counter, which reached " + std::to_string(c.highest));
    }
  }
}

std::map<std::string, std::size_t> outcome_tally::totals() const {
  std::map<std::string, std::size_t> sum;
  for (const auto& r : rows_) {
    for (const auto& [key, count] : r.outcomes) sum[key] += count;
  }
  return sum;
}

void outcome_tally::remember(std::string text) {
  ++mismatches_;
  if (examples_.size() < max_examples) examples_.push_back(std::move(text));
}

}  // namespace alc_bench::soak
