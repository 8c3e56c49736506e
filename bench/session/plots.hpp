#pragma once
// Plot data (DIR/throughput.dat, latency.dat, resume.dat) and, when gnuplot
// is installed, the PNGs bench/plots.gp draws from them.

#include <string>
#include <vector>

#include "bench/session/figure.hpp"

namespace alc_bench {

void write_plot_data(const std::vector<figure>& figures, const std::string& out_dir);
/// Runs `script` with gnuplot on `out_dir`; says on stderr why when it cannot.
void plot(const std::string& out_dir, const std::string& script);

}  // namespace alc_bench
