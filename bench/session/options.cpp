#include "bench/session/options.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#ifndef ALC_BENCH_DIR
#define ALC_BENCH_DIR "bench"
#endif
#ifndef ALC_PACKAGES_DIR
#define ALC_PACKAGES_DIR "examples/packages"
#endif

namespace alc_bench {

const std::vector<std::string> all_benches = {"trivial", "llm_1", "llm_10",   "script50",
                                              "cot",     "probe", "fairness", "memory"};

namespace {

[[noreturn]] void usage(int status) {
  std::fprintf(
      status == 0 ? stdout : stderr,
      "usage: alc_session_bench [--quick] [--out DIR] [--only LIST] [--threads LIST]\n"
      "                         [--impl LIST] [--no-plots] [--packages DIR] [--max-held N]\n"
      "                         [--policy stealing|sharing] [--in-flight LIST] [--responders N]\n"
      "                         [--no-pin]\n"
      "  --quick        small runs (under a minute): what CI executes\n"
      "  --out DIR      results.jsonl, tables.md, plot data and PNGs "
      "(default session-bench-results)\n"
      "  --only LIST    comma-separated subset of: trivial,llm_1,llm_10,script50,cot,\n"
      "                 probe,fairness,memory\n"
      "  --impl LIST    comma-separated subset of: alc,raw,tps (default all)\n"
      "  --threads LIST scheduler threads to measure (default 1,2)\n"
      "  --in-flight LIST sessions in flight / held (default 1000,10000,100000;\n"
      "                 --quick: 1000,10000)\n"
      "  --no-plots     do not call gnuplot\n"
      "  --no-pin       do not confine a run on N threads to N CPUs\n"
      "  --packages DIR strategy packages for the `cot` workload "
      "(default the source tree's)\n"
      "  --max-held N   largest number of paused sessions to hold (default 1000000)\n"
      "  --policy P     CAF scheduler.policy for alc: stealing (CAF's default) or "
      "sharing\n"
      "  --responders N responder actors sharing the sessions of a run (default 1)\n");
  std::exit(status);
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

}  // namespace

options parse_options(int argc, char** argv) {
  options o;
  o.packages = ALC_PACKAGES_DIR;
  o.gnuplot_script = ALC_BENCH_DIR "/plots.gp";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(2);
      return argv[++i];
    };
    if (arg == "--quick") {
      o.quick = true;
    } else if (arg == "--no-pin") {
      o.pin = false;
    } else if (arg == "--no-plots") {
      o.plots = false;
    } else if (arg == "--out") {
      o.out = value();
    } else if (arg == "--only") {
      for (auto& name : split(value())) {
        if (std::find(all_benches.begin(), all_benches.end(), name) == all_benches.end()) {
          std::fprintf(stderr, "unknown benchmark '%s'\n", name.c_str());
          usage(2);
        }
        o.only.insert(name);
      }
    } else if (arg == "--impl") {
      o.impls.clear();
      for (auto& name : split(value())) {
        if (name != "alc" && name != "raw" && name != "tps") {
          std::fprintf(stderr, "unknown implementation '%s'\n", name.c_str());
          usage(2);
        }
        o.impls.insert(name);
      }
    } else if (arg == "--in-flight") {
      for (auto& n : split(value())) o.in_flight.push_back(std::strtoull(n.c_str(), nullptr, 10));
    } else if (arg == "--threads") {
      o.threads.clear();
      for (auto& t : split(value())) o.threads.push_back(std::max(1, std::atoi(t.c_str())));
    } else if (arg == "--packages") {
      o.packages = value();
    } else if (arg == "--gnuplot-script") {
      o.gnuplot_script = value();
    } else if (arg == "--policy") {
      o.policy = value();
      if (o.policy != "stealing" && o.policy != "sharing") usage(2);
    } else if (arg == "--responders") {
      o.responders = std::max<std::size_t>(1, std::strtoull(value().c_str(), nullptr, 10));
    } else if (arg == "--max-held") {
      o.max_held = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--help" || arg == "-h") {
      usage(0);
    } else {
      std::fprintf(stderr, "unknown argument '%s'\n", arg.c_str());
      usage(2);
    }
  }
  return o;
}

}  // namespace alc_bench
