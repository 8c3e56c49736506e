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
  ++sessions_;
  ++r.sessions;
  ++r.outcomes[outcome];
  if (mismatch.empty()) return;
  std::string text =
      "session " + std::to_string(n) + " (" + workloads()[workload].name + "): " + mismatch;
  if (outcome == "failed:cpu_limit") {
    ++overcharged_;
    if (overcharged_examples_.size() < max_examples)
      overcharged_examples_.push_back(std::move(text));
    return;
  }
  ++r.mismatches;
  remember(std::move(text));
}

void outcome_tally::record_count(const std::string& ns, std::optional<std::int64_t> count) {
  counter& c = counters_[ns];
  if (count) {
    c.counts.push_back(*count);
  } else {
    ++c.others;
  }
}

void outcome_tally::record_problem(const std::string& what) {
  remember(what);
}

void outcome_tally::finish() {
  if (overcharged_ * 1000 > sessions_) {
    remember(std::to_string(overcharged_) + " of " + std::to_string(sessions_) +
             " sessions ended with cpu_limit where their workload uses a few ms of CPU: more "
             "than 1 in 1000");
  }
  for (auto& [ns, c] : counters_) {
    std::sort(c.counts.begin(), c.counts.end());
    const bool distinct = std::adjacent_find(c.counts.begin(), c.counts.end()) == c.counts.end();
    const auto read = static_cast<std::int64_t>(c.counts.size());
    const std::int64_t highest = c.counts.empty() ? 0 : c.counts.back();
    if (!distinct || highest < read || highest > read + static_cast<std::int64_t>(c.others)) {
      remember("state namespace " + ns + ": " + std::to_string(read) +
               " sessions read a count back (" + (distinct ? "all distinct" : "some twice") +
               "), the highest is " + std::to_string(highest) + ", " + std::to_string(c.others) +
               " sessions ended otherwise");
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
