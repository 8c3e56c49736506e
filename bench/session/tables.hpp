#pragma once
// The session benchmark's figures as markdown tables (stdout and DIR/tables.md).

#include <chrono>
#include <string>
#include <vector>

#include "bench/session/figure.hpp"

namespace alc_bench {

/// The tables of `figures` and `targets`; `time_box` explains the † marks.
std::string tables_markdown(const std::vector<figure>& figures, const std::vector<target>& targets,
                            std::chrono::seconds time_box);

}  // namespace alc_bench
