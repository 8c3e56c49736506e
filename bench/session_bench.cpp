// Concurrent-session benchmark: alc sessions driven by an in-process
// responder actor, against two baselines measured in the same run — the raw
// Lua C API in a plain loop (the physical limit) and thread-per-session with
// a blocking hand-off at every llm call (the original engine's design).
//
//   alc_session_bench [--quick] [--out DIR] [--only LIST] [--threads LIST]
//                     [--impl LIST] [--no-plots] [--packages DIR] [--max-held N]
//                     [--policy stealing|sharing] [--in-flight LIST] [--responders N]
//                     [--no-pin]
//
// stderr: progress. stdout: one JSON line per figure, then markdown tables.
// DIR (default ./session-bench-results): results.jsonl, tables.md, *.dat
// and, when gnuplot is installed, throughput.png, latency.png, resume.png.
// No speed is asserted anywhere; the exit status is non-zero only when a
// run could not be carried out (sessions failing, a driver hanging).
//
// The parts: session/options (command line), session/plan (which runs),
// session/runs (one run, one figure), session/report, targets, tables and
// plots (what is written).
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "bench/bench_support.hpp"
#include "bench/session/options.hpp"
#include "bench/session/plan.hpp"
#include "bench/session/plots.hpp"
#include "bench/session/report.hpp"
#include "bench/session/runs.hpp"
#include "bench/session/tables.hpp"
#include "bench/session/targets.hpp"

namespace fs = std::filesystem;
using namespace alc_bench;

namespace {

/// A fresh directory for alc's session state, removed when done.
class temporary_directory {
 public:
  temporary_directory() {
    char dir_template[] = "/tmp/alc-session-bench-XXXXXX";
    if (mkdtemp(dir_template) != nullptr) path_ = dir_template;
  }
  ~temporary_directory() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  temporary_directory(const temporary_directory&) = delete;
  temporary_directory& operator=(const temporary_directory&) = delete;

  const std::string& path() const { return path_; }  ///< empty if it could not be made

 private:
  std::string path_;
};

int run_benchmark(const options& o) {
  const temporary_directory state_dir;
  if (state_dir.path().empty()) {
    std::perror("mkdtemp");
    return 1;
  }
  fs::create_directories(o.out);
  figure_log log(o.out);
  log.record_machine(o.quick);

  const plan p = make_plan(o);
  const runner runs(o, p.sizes, state_dir.path());
  int errors = 0;
  progress().set_run_count(static_cast<int>(p.runs.size()));
  for (const auto& run : p.runs) {
    progress().begin(run.label, run.units);
    run_outcome outcome = runs.run(run, log.figures());
    if (outcome.error) ++errors;
    log.record(std::move(outcome.result));
    progress().end(outcome.summary);
    pin_to_cpus(online_cpus());
    release_free_memory();  // give what the run freed back to the machine
  }

  for (auto& t : targets_of(log.figures(), o.threads, p.in_flight)) log.record(std::move(t));
  const std::string tables = tables_markdown(log.figures(), log.targets(), p.sizes.time_box);
  std::printf("%s", tables.c_str());
  std::fflush(stdout);
  std::ofstream(fs::path(o.out) / "tables.md") << tables;
  write_plot_data(log.figures(), o.out);
  if (o.plots) plot(o.out, o.gnuplot_script);
  return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse_options(argc, argv);
  progress();  // its thread starts before any pinning
  return run_benchmark(o);
}
