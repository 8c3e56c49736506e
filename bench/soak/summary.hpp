#pragma once
// The soak run in a few figures: the RSS once warmed up against the RSS at
// the end, its slope over the run, the pace and the outcomes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/soak/samples.hpp"
#include "bench/soak/soak_driver.hpp"

namespace alc_bench::soak {

struct summary {
  std::uint64_t sessions = 0;
  std::uint64_t warmup = 0;
  double seconds = 0;
  double sessions_per_s = 0;
  sample warm;  ///< the first sample at or past the warm-up
  sample end;   ///< the last sample of the run
  std::optional<sample> drained;
  std::optional<sample> released;
  std::size_t peak_rss = 0;   ///< highest sampled RSS
  double slope_per_100k = 0;  ///< bytes of RSS per 100k sessions after the warm-up (least squares)
  std::int64_t growth = 0;    ///< end.rss - warm.rss, bytes
  std::size_t flat_tolerance = 0;  ///< bytes: max(4 MiB, 2% of warm.rss)
  bool flat = false;               ///< |growth| within the tolerance
};

/// Needs at least one sample of the run.
summary summarize(const std::vector<sample>& samples, std::uint64_t warmup, double seconds);

/// {"kind":"summary", ...}: the figures, the outcomes per workload, the mismatches.
std::string summary_json(const summary& s, const driver_report& report);

/// The same as markdown tables, for people and docs/benchmarks.md.
std::string summary_markdown(const summary& s, const driver_report& report);

}  // namespace alc_bench::soak
