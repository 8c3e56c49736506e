#pragma once
// The goals the session benchmark checks, as ratios and latencies measured
// in this run (docs/benchmarks.md lists them).

#include <cstddef>
#include <vector>

#include "bench/session/figure.hpp"

namespace alc_bench {

/// The targets `figures` allow checking; `threads` and `in_flight` are the
/// scheduler threads and in-flight counts of the alc throughput runs.
std::vector<target> targets_of(const std::vector<figure>& figures, const std::vector<int>& threads,
                               const std::vector<std::size_t>& in_flight);

}  // namespace alc_bench
