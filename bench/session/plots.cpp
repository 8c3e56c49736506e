#include "bench/session/plots.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bench/session/text.hpp"

namespace alc_bench {
namespace {

namespace fs = std::filesystem;

/// A column of the plot data: "-" where the run is missing or has no figure.
std::string column(const figure* f) {
  if (!usable(f) || !f->throughput) return "-";
  return std::to_string(f->throughput->sessions_per_s);
}

std::string column(const figure* f, std::optional<distribution> figure::*which,
                   double percentiles::*p) {
  if (!usable(f)) return "-";
  const distribution d = measured(f->*which);
  return d ? std::to_string((*d).*p) : "-";
}

/// p50, p90 and p99 of one distribution, space-separated.
std::string percentile_columns(const figure* f, std::optional<distribution> figure::*which) {
  return column(f, which, &percentiles::p50) + ' ' + column(f, which, &percentiles::p90) + ' ' +
         column(f, which, &percentiles::p99);
}

}  // namespace

void write_plot_data(const std::vector<figure>& figures, const std::string& out_dir) {
  std::ofstream thr(fs::path(out_dir) / "throughput.dat");
  std::ofstream lat(fs::path(out_dir) / "latency.dat");
  thr << "# label alc raw_lua thread_per_session (sessions/s)\n";
  lat << "# label alc_p50 alc_p90 alc_p99 tps_p50 tps_p90 tps_p99 (us, spawn -> done)\n";
  for (const auto& f : figures) {
    if (f.kind != figure_kind::sessions || f.impl != implementation::alc || !f.usable()) continue;
    const auto [raw, tps] = baselines_of(figures, f);
    const std::string label = "\"" + f.workload + " " + in_flight_text(*f.in_flight) + " T" +
                              std::to_string(*f.threads) + "\"";
    thr << label << ' ' << column(&f) << ' ' << column(raw) << ' ' << column(tps) << '\n';
    lat << label << ' ' << percentile_columns(&f, &figure::latency) << ' '
        << percentile_columns(tps, &figure::latency) << '\n';
  }
  std::ofstream res(fs::path(out_dir) / "resume.dat");
  res << "# label alc_p50 alc_p90 alc_p99 tps_p50 tps_p90 tps_p99 (us, resume -> next pause)\n";
  for (const auto& f : figures) {
    if (f.kind != figure_kind::resume_probe || f.impl != implementation::alc) continue;
    const figure* tps = tps_probe_of(figures, f);
    res << "\"" << in_flight_text(*f.held) << " held T" << *f.threads << "\" "
        << percentile_columns(&f, &figure::resume_latency) << ' '
        << percentile_columns(tps, &figure::resume_latency) << '\n';
  }
}

void plot(const std::string& out_dir, const std::string& script) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    std::fprintf(stderr, "gnuplot not found: no plots (the .dat files are in %s)\n",
                 out_dir.c_str());
    return;
  }
  if (!fs::exists(script)) {
    std::fprintf(stderr, "no plot script at %s: no plots\n", script.c_str());
    return;
  }
  const std::string command = "gnuplot -e \"dir='" + out_dir + "'\" '" + script + "'";
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "gnuplot failed: no plots\n");
    return;
  }
  std::fprintf(stderr, "plots: %s/throughput.png, latency.png, resume.png\n", out_dir.c_str());
}

}  // namespace alc_bench
