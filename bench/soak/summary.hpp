#pragma once
// The soak run in a few figures. The RSS that says whether the run leaks is
// taken twice with the registry's table empty — once after the warm-up
// (the driver pauses there until the TTL sweep has evicted every session)
// and once at the end — so neither counts live sessions or ended ones
// waiting for eviction. The RSS under load (medians of the samples) and its
// slope show the same over the run.

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
  double seconds = 0;  ///< running sessions (the pause after the warm-up left out)
  double sessions_per_s = 0;
  std::optional<sample> warm_drained;  ///< table empty after the warm-up
  std::optional<sample> end_drained;   ///< table empty at the end
  std::optional<sample> released;      ///< then after the allocator returned its free pages
  sample end;                          ///< the last sample under load
  double load_warm_rss = 0;  ///< median RSS of the samples in the window after the warm-up
  double load_end_rss = 0;   ///< median RSS of the samples in the last window
  std::uint64_t window = 0;  ///< sessions in each of those windows (10% of the run)
  std::size_t peak_rss = 0;  ///< highest sampled RSS
  double slope_per_100k =
      0;  ///< bytes per 100k sessions under load after the warm-up (least squares)
  std::int64_t growth = 0;  ///< end_drained - warm_drained (or the medians under load without them)
  std::size_t flat_tolerance = 0;  ///< max(4 MiB, 5% of the reference)
  bool flat = false;               ///< growth within the tolerance
};

/// Needs at least one sample of the run.
summary summarize(const std::vector<sample>& samples, std::uint64_t warmup, double seconds);

/// {"kind":"summary", ...}: the figures, the outcomes per workload, the mismatches.
std::string summary_json(const summary& s, const driver_report& report);

/// The same as markdown tables, for people and docs/benchmarks.md.
std::string summary_markdown(const summary& s, const driver_report& report);

}  // namespace alc_bench::soak
