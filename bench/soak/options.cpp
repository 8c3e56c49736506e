#include "bench/soak/options.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#ifndef ALC_SOAK_DIR
#define ALC_SOAK_DIR "bench/soak"
#endif

namespace alc_bench::soak {
namespace {

[[noreturn]] void usage(int status) {
  std::fprintf(
      status == 0 ? stdout : stderr,
      "usage: alc_soak [--sessions N] [--quick] [--in-flight N] [--threads N] [--warmup N]\n"
      "                [--sample-every N] [--out DIR] [--no-plots] [--state-dir DIR]\n"
      "                [--packages DIR] [--only LIST] [--cpu-limit-ms N]\n"
      "  --sessions N      sessions in total (default 1000000)\n"
      "  --quick           20000 sessions, a few seconds: what CI runs\n"
      "  --in-flight N     sessions going at once (default 1000)\n"
      "  --threads N       CAF scheduler threads (default 2)\n"
      "  --warmup N        sessions before the reference RSS (default 10%% of the run)\n"
      "  --sample-every N  sessions between RSS samples (default 1%% of the run)\n"
      "  --out DIR         plot data and, with gnuplot, soak.png (default soak-results)\n"
      "  --no-plots        do not call gnuplot\n"
      "  --state-dir DIR   alc.state-dir (default a fresh folder in /dev/shm, removed after)\n"
      "  --packages DIR    the fork children's packages (default the source tree's)\n"
      "  --cpu-limit-ms N  alc.cpu-limit of the runtime (default 200)\n"
      "  --only LIST       comma-separated workloads to run, in their proportions:\n"
      "                    trivial,llm,state,fork,error,runtime_error,compile_error,\n"
      "                    cancel_paused,cancel_running,memory_one,memory_many,cpu_limit\n");
  std::exit(status);
}

std::uint64_t count_of(const std::string& text) {
  char* end = nullptr;
  const unsigned long long n = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') {
    std::fprintf(stderr, "not a count: '%s'\n", text.c_str());
    usage(2);
  }
  return n;
}

}  // namespace

options parse_options(int argc, char** argv) {
  options o;
  o.packages = ALC_SOAK_DIR "/packages";
  o.gnuplot_script = ALC_SOAK_DIR "/soak.gp";
  bool sessions_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(2);
      return argv[++i];
    };
    if (arg == "--sessions") {
      o.sessions = count_of(value());
      sessions_given = true;
    } else if (arg == "--quick") {
      o.quick = true;
    } else if (arg == "--in-flight") {
      o.in_flight = std::max<std::size_t>(1, count_of(value()));
    } else if (arg == "--threads") {
      o.threads = static_cast<int>(std::max<std::uint64_t>(1, count_of(value())));
    } else if (arg == "--warmup") {
      o.warmup = count_of(value());
    } else if (arg == "--sample-every") {
      o.sample_every = count_of(value());
    } else if (arg == "--out") {
      o.out = value();
    } else if (arg == "--no-plots") {
      o.plots = false;
    } else if (arg == "--state-dir") {
      o.state_dir = value();
    } else if (arg == "--packages") {
      o.packages = value();
    } else if (arg == "--cpu-limit-ms") {
      o.cpu_limit_ms = std::max<std::uint64_t>(1, count_of(value()));
    } else if (arg == "--only") {
      std::stringstream names(value());
      for (std::string name; std::getline(names, name, ',');) {
        if (!name.empty()) o.only.push_back(name);
      }
    } else if (arg == "--gnuplot-script") {
      o.gnuplot_script = value();
    } else if (arg == "--help" || arg == "-h") {
      usage(0);
    } else {
      std::fprintf(stderr, "unknown argument '%s'\n", arg.c_str());
      usage(2);
    }
  }
  if (o.quick && !sessions_given) o.sessions = 20'000;
  return o;
}

alc::runtime_options runtime_settings(const options& o, const std::string& state_dir) {
  using namespace std::chrono_literals;
  alc::runtime_options opts;
  opts.ttl = 500ms;
  opts.sweep_interval = 250ms;
  opts.slice = 2ms;
  opts.memory_limit = std::size_t{2} << 20;
  opts.cpu_limit = std::chrono::milliseconds{o.cpu_limit_ms};
  opts.state_dir = state_dir;
  opts.package_paths = {o.packages};
  return opts;
}

}  // namespace alc_bench::soak
