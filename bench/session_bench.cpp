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
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <caf/config.hpp>
#include <lua.hpp>
#include <nlohmann/json.hpp>

#include "bench/alc_sessions.hpp"
#include "bench/bench_support.hpp"
#include "bench/raw_lua.hpp"
#include "bench/thread_per_session.hpp"
#include "bench/vm_only.hpp"
#include "bench/workloads.hpp"

#ifndef ALC_BENCH_DIR
#define ALC_BENCH_DIR "bench"
#endif
#ifndef ALC_PACKAGES_DIR
#define ALC_PACKAGES_DIR "examples/packages"
#endif

namespace fs = std::filesystem;
using nlohmann::json;
using namespace alc_bench;

namespace {

// ---- options --------------------------------------------------------------------

struct options {
  bool quick = false;
  bool plots = true;
  bool pin = true;  ///< confine a run on N threads to N CPUs
  std::string out = "session-bench-results";
  std::set<std::string> only;  ///< empty: everything
  std::set<std::string> impls = {"alc", "raw", "tps"};
  std::vector<int> threads = {1, 2};
  std::vector<std::size_t> in_flight;  ///< empty: the mode's defaults
  std::string packages = ALC_PACKAGES_DIR;
  std::string gnuplot_script = ALC_BENCH_DIR "/plots.gp";
  std::size_t max_held = 1'000'000;  ///< largest paused-memory hold tried
  std::string policy;                ///< scheduler.policy for alc; empty: CAF's default
  std::size_t responders = 1;        ///< responder actors in the throughput runs
};

const std::vector<std::string> all_benches = {"trivial", "llm_1", "llm_10",   "script50",
                                              "cot",     "probe", "fairness", "memory"};

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

options parse(int argc, char** argv) {
  options o;
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

// ---- formatting -------------------------------------------------------------------

std::string count_text(double n) {
  char buf[32];
  if (n >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
  } else if (n >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  }
  return buf;
}

std::string in_flight_text(std::size_t n) {
  if (n >= 1'000'000 && n % 1'000'000 == 0) return std::to_string(n / 1'000'000) + "M";
  if (n >= 1000 && n % 1000 == 0) return std::to_string(n / 1000) + "k";
  return std::to_string(n);
}

std::string micros_text(double us) {
  char buf[32];
  if (us >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2f s", us / 1e6);
  } else if (us >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.3g ms", us / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g µs", us);
  }
  return buf;
}

std::string bytes_text(double b) {
  char buf[32];
  if (b >= 1024.0 * 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  } else if (b >= 1024.0 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
  }
  return buf;
}

std::string ratio_text(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f×", r);
  return buf;
}

json pct_json(std::vector<float>& samples) {
  const auto p = summarize(samples);
  if (!p) return nullptr;
  return json{
      {"count", p->count}, {"p50", p->p50}, {"p90", p->p90}, {"p99", p->p99}, {"max", p->max}};
}

std::string pct_pair(const json& p) {
  if (p.is_null()) return "—";
  return micros_text(p["p50"].get<double>()) + " / " + micros_text(p["p99"].get<double>());
}

// ---- the benchmark ------------------------------------------------------------------

struct run_item {
  std::string label;
  std::size_t units;
  std::function<void()> run;
};

struct sizes {
  std::vector<std::size_t> in_flight;
  std::vector<std::size_t> tps_in_flight;
  std::map<std::string, std::size_t> base_total;  ///< sessions per run, at least
  std::size_t in_flight_multiple = 1;             ///< ... this many times the in-flight count
  std::chrono::seconds time_box{120};             ///< longest an alc run may take
  std::size_t cot_total;
  std::vector<std::size_t> cot_in_flight;
  std::vector<std::size_t> probe_held;
  std::vector<std::size_t> tps_probe_held;
  std::size_t probes;
  std::chrono::milliseconds fairness;
  std::vector<std::size_t> memory_held;
  std::vector<std::size_t> raw_memory_held;
  std::vector<std::size_t> tps_memory_held;
};

sizes sizes_for(const options& o) {
  sizes s;
  if (o.quick) {
    s.in_flight = {1000, 10000};
    s.tps_in_flight = {1000};
    s.base_total = {{"trivial", 10000}, {"llm_1", 10000}, {"llm_10", 5000}, {"script50", 5000}};
    s.time_box = std::chrono::seconds{20};
    s.cot_total = 3000;
    s.cot_in_flight = {1000};
    s.probe_held = {1000, 10000};
    s.tps_probe_held = {1000};
    s.probes = 1000;
    s.fairness = std::chrono::milliseconds{300};
    s.memory_held = {10000};
    s.raw_memory_held = {10000};
    s.tps_memory_held = {1000};
  } else {
    s.in_flight = {1000, 10000, 100000};
    s.tps_in_flight = {1000, 10000, 100000};
    s.base_total = {{"trivial", 150000}, {"llm_1", 100000}, {"llm_10", 30000}, {"script50", 50000}};
    s.cot_total = 50000;
    s.cot_in_flight = {1000, 10000};
    s.probe_held = {1000, 10000, 100000};
    s.tps_probe_held = {1000, 10000};
    s.probes = 20000;
    s.fairness = std::chrono::milliseconds{3000};
    s.memory_held = {10000, 100000, 1000000};
    s.raw_memory_held = {10000, 100000};
    s.tps_memory_held = {10000};
  }
  if (!o.in_flight.empty()) {
    s.in_flight = o.in_flight;
    s.tps_in_flight = o.in_flight;
    s.cot_in_flight = o.in_flight;
    s.probe_held = o.in_flight;
    s.tps_probe_held = o.in_flight;
  }
  return s;
}

/// d. One trivial session is started every interval while two sessions spin.
constexpr std::chrono::microseconds fairness_interval{1000};

struct workload {
  std::string name;
  std::string code;
  int llm_calls;  ///< per session
};

class session_bench {
 public:
  explicit session_bench(options o) : o_(std::move(o)), s_(sizes_for(o_)) {}

  int run() {
    char dir_template[] = "/tmp/alc-session-bench-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    state_dir_ = dir_template;
    fs::create_directories(o_.out);
    jsonl_.open(fs::path(o_.out) / "results.jsonl");

    emit_machine();
    build_plan();
    progress().set_run_count(static_cast<int>(plan_.size()));
    for (auto& item : plan_) {
      progress().begin(item.label, item.units);
      last_summary_.clear();
      item.run();
      progress().end(last_summary_);
      pin_to_cpus(online_cpus());
      release_free_memory();  // give what the run freed back to the machine
    }
    emit_targets();
    write_tables();
    write_plot_data();
    if (o_.plots) plot();
    std::error_code ignored;
    fs::remove_all(state_dir_, ignored);
    return errors_ == 0 ? 0 : 1;
  }

 private:
  /// Runs on `threads` threads are confined to that many CPUs (unless --no-pin).
  void pin(int threads) const {
    if (o_.pin) pin_to_cpus(threads);
  }

  bool wanted(const std::string& bench) const { return o_.only.empty() || o_.only.count(bench); }

  alc_config alc_for(int threads) const {
    alc_config c;
    c.threads = threads;
    c.state_dir = state_dir_;
    c.package_paths = {o_.packages};
    c.scheduler_policy = o_.policy;
    c.responders = o_.responders;
    return c;
  }

  void emit(json j) {
    const std::string line = j.dump();
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    jsonl_ << line << '\n';
    jsonl_.flush();
    figures_.push_back(std::move(j));
  }

  void emit_machine() {
    utsname u{};
    uname(&u);
    std::string cpu = "unknown";
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
      if (line.rfind("model name", 0) == 0) {
        cpu = line.substr(line.find(':') + 2);
        break;
      }
    }
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    emit({{"bench", "machine"},
          {"cpus", online_cpus()},
          {"cpu", cpu},
          {"mem_total_bytes", meminfo_bytes("MemTotal")},
          {"mem_available_bytes", meminfo_bytes("MemAvailable")},
          {"kernel", std::string(u.sysname) + " " + u.release},
          {"lua", LUA_RELEASE},
          {"caf", CAF_VERSION},
          {"compiler", __VERSION__},
          {"allocator", allocator_name()},
          {"thread_limit", tps_thread_limit()},
          {"loadavg_1m", load[0]},
          {"quick", o_.quick}});
  }

  // ---- plan --------------------------------------------------------------------

  void build_plan() {
    const std::vector<workload> workloads = {
        {"trivial", trivial_script, 0},
        {"llm_1", llm_trips_script(1), 1},
        {"llm_10", llm_trips_script(10), 10},
        {"script50", strategy_script, strategy_llm_calls},
    };
    // e. first, while the heap is fresh: later runs leave freed memory
    // behind that new allocations would reuse without raising RSS.
    if (wanted("memory")) {
      const int threads = *std::max_element(o_.threads.begin(), o_.threads.end());
      const std::string t = " T=" + std::to_string(threads);
      for (const std::size_t n : s_.raw_memory_held) {
        add("raw paused memory held=" + in_flight_text(n), n, [=] { run_raw_memory(n); });
      }
      for (const std::size_t n : s_.raw_memory_held) {
        add("alc VM only paused memory held=" + in_flight_text(n), n, [=] { run_vm_memory(n); });
      }
      for (const std::size_t n : s_.tps_memory_held) {
        add("thread/session paused memory" + t + " held=" + in_flight_text(n), n,
            [=] { run_tps_memory(threads, n); });
      }
      for (const std::size_t n : s_.memory_held) {
        if (n > o_.max_held) continue;
        add("alc paused memory" + t + " held=" + in_flight_text(n), n,
            [=] { run_alc_memory(threads, n); });
      }
    }
    const std::size_t thread_cap = tps_thread_limit() / 2;
    for (const int threads : o_.threads) {
      const std::string t = " T=" + std::to_string(threads);
      for (const auto& w : workloads) {
        if (!wanted(w.name)) continue;
        const std::size_t base = s_.base_total.at(w.name);
        add("raw " + w.name + t, base, [=] { run_raw(w, threads, base); });
        for (const std::size_t n : s_.in_flight) {
          const std::size_t total = std::max(base, s_.in_flight_multiple * n);
          const std::string f = " in-flight=" + in_flight_text(n);
          add("alc " + w.name + t + f, total, [=] { run_alc(w, threads, n, total); });
          if (std::find(s_.tps_in_flight.begin(), s_.tps_in_flight.end(), n) ==
              s_.tps_in_flight.end()) {
            continue;
          }
          if (n > thread_cap) {
            add("thread/session " + w.name + t + f, 0, [=] { tps_unsupported(w, threads, n); });
          } else {
            add("thread/session " + w.name + t + f, total, [=] { run_tps(w, threads, n, total); });
          }
        }
      }
      if (wanted("cot")) {
        if (fs::exists(fs::path(o_.packages) / "cot" / "init.lua")) {
          for (const std::size_t n : s_.cot_in_flight) {
            add("alc cot" + t + " in-flight=" + in_flight_text(n), s_.cot_total,
                [=] { run_cot(threads, n); });
          }
        } else {
          add("alc cot" + t, 0, [=] {
            emit({{"bench", "sessions"},
                  {"workload", "cot"},
                  {"impl", "alc"},
                  {"threads", threads},
                  {"status", "skipped"},
                  {"note", "no cot package under " + o_.packages}});
          });
        }
      }
      if (wanted("probe")) {
        for (const std::size_t n : s_.probe_held) {
          add("alc resume probe" + t + " held=" + in_flight_text(n), n + s_.probes,
              [=] { run_alc_probe(threads, n); });
        }
        for (const std::size_t n : s_.tps_probe_held) {
          add("thread/session resume probe" + t + " held=" + in_flight_text(n), s_.probes,
              [=] { run_tps_probe(threads, n); });
        }
      }
      if (wanted("fairness")) {
        const auto units = static_cast<std::size_t>(s_.fairness / fairness_interval);
        add("alc fairness" + t, units, [=] { run_alc_fairness(threads); });
        add("thread/session fairness" + t, units, [=] { run_tps_fairness(threads); });
      }
    }
  }

  void add(std::string label, std::size_t units, std::function<void()> fn) {
    const std::string impl = label.rfind("raw", 0) == 0              ? "raw"
                             : label.rfind("thread/session", 0) == 0 ? "tps"
                                                                     : "alc";  // (+ VM only)
    if (o_.impls.count(impl) == 0) return;
    plan_.push_back({std::move(label), units, std::move(fn)});
  }

  // ---- runs --------------------------------------------------------------------

  void run_raw(const workload& w, int threads, std::size_t sessions) {
    pin(threads);
    const auto r = run_raw_sessions(w.code, sessions, threads);
    const double rate = static_cast<double>(r.sessions) / r.seconds;
    if (r.failures != 0) ++errors_;
    emit({{"bench", "sessions"},
          {"workload", w.name},
          {"impl", "raw_lua"},
          {"threads", threads},
          {"sessions", r.sessions},
          {"seconds", r.seconds},
          {"sessions_per_s", rate},
          {"llm_calls_per_s", static_cast<double>(r.llm_calls) / r.seconds},
          {"failures", r.failures},
          {"status", "ok"}});
    last_summary_ = count_text(rate) + " sessions/s";
  }

  void run_alc(const workload& w, int threads, std::size_t in_flight, std::size_t total) {
    alc::session_spec spec;
    spec.kind = alc::run_spec{w.code};
    emit_alc(w.name, threads, in_flight, total, spec);
  }

  void run_cot(int threads, std::size_t in_flight) {
    alc::session_spec spec;
    spec.kind = alc::advice_spec{"cot", "How many primes are there below 100?", nullptr};
    emit_alc("cot", threads, in_flight, s_.cot_total, spec);
  }

  void emit_alc(const std::string& name, int threads, std::size_t in_flight, std::size_t total,
                const alc::session_spec& spec) {
    pin(threads);
    auto r = run_alc_sessions(alc_for(threads), spec, total, in_flight, s_.time_box);
    if (r.failures != 0) ++errors_;
    const double rate = static_cast<double>(r.sessions) / r.seconds;
    json j = sessions_figure(name, "alc", threads, in_flight, r);
    last_summary_ = count_text(rate) + " sessions/s, p99 " +
                    (j["latency_us"].is_null() ? "-" : micros_text(j["latency_us"]["p99"]));
    emit(std::move(j));
  }

  /// The JSON figure of one throughput run (alc or thread-per-session).
  template <typename Result>
  static json sessions_figure(const std::string& workload, const char* impl, int threads,
                              std::size_t in_flight, Result& r) {
    const double rate = static_cast<double>(r.sessions) / r.seconds;
    json j = {{"bench", "sessions"},
              {"workload", workload},
              {"impl", impl},
              {"threads", threads},
              {"in_flight", in_flight},
              {"sessions", r.sessions},
              {"seconds", r.seconds},
              {"sessions_per_s", rate},
              {"llm_calls_per_s", static_cast<double>(r.llm_calls) / r.seconds},
              {"failures", r.failures},
              {"latency_us", pct_json(r.latency_us)},
              {"resume_latency_us", pct_json(r.resume_us)},
              {"status", r.status}};
    if (!r.note.empty()) j["note"] = r.note;
    return j;
  }

  void run_tps(const workload& w, int threads, std::size_t in_flight, std::size_t total) {
    pin(threads);
    auto r = run_tps_sessions(w.code, total, in_flight);
    const double rate = static_cast<double>(r.sessions) / r.seconds;
    if (r.failures != 0) ++errors_;
    json j = sessions_figure(w.name, "thread_per_session", threads, in_flight, r);
    last_summary_ = r.status == "ok" ? count_text(rate) + " sessions/s" : r.status + ": " + r.note;
    emit(std::move(j));
  }

  void tps_unsupported(const workload& w, int threads, std::size_t in_flight) {
    const std::string note =
        "not attempted: needs " + std::to_string(in_flight) +
        " OS threads at once; this machine allows at most " + std::to_string(tps_thread_limit()) +
        " (min of pid_max, threads-max, vm.max_map_count/2, RLIMIT_NPROC), and the benchmark "
        "keeps half of that for the rest of the machine";
    emit({{"bench", "sessions"},
          {"workload", w.name},
          {"impl", "thread_per_session"},
          {"threads", threads},
          {"in_flight", in_flight},
          {"status", "unsupported"},
          {"note", note}});
    last_summary_ = "unsupported";
  }

  void run_alc_probe(int threads, std::size_t held) {
    pin(threads);
    auto r = alc_resume_probe(alc_for(threads), held, s_.probes);
    if (r.status != "ok") ++errors_;
    json j = {{"bench", "resume_probe"},
              {"impl", "alc"},
              {"threads", threads},
              {"held", r.held},
              {"probes", s_.probes},
              {"status", r.status},
              {"resume_latency_us", pct_json(r.resume_us)}};
    if (!r.note.empty()) j["note"] = r.note;
    last_summary_ = "p50/p99 " + pct_pair(j["resume_latency_us"]);
    emit(std::move(j));
  }

  void run_tps_probe(int threads, std::size_t held) {
    pin(threads);
    auto r = tps_resume_probe(held, s_.probes);
    json j = {{"bench", "resume_probe"},
              {"impl", "thread_per_session"},
              {"threads", threads},
              {"held", r.held},
              {"probes", s_.probes},
              {"status", r.status},
              {"resume_latency_us", pct_json(r.resume_us)}};
    if (!r.note.empty()) j["note"] = r.note;
    last_summary_ = "p50/p99 " + pct_pair(j["resume_latency_us"]);
    emit(std::move(j));
  }

  void run_alc_fairness(int threads) {
    pin(threads);
    auto r = alc_fairness(alc_for(threads), s_.fairness, fairness_interval, 2);
    emit_fairness("alc", threads, r.latency_us, r.cpu_busy);
  }

  void run_tps_fairness(int threads) {
    pin(threads);
    auto r = tps_fairness(s_.fairness, fairness_interval, 2, threads);
    emit_fairness("thread_per_session", threads, r.latency_us, r.cpu_busy);
  }

  void emit_fairness(const std::string& impl, int threads, std::vector<float>& latency,
                     double cpu_busy) {
    const double slice_us = static_cast<double>(alc_default_slice().count());
    json j = {{"bench", "fairness"},
              {"impl", impl},
              {"threads", threads},
              {"spinners", 2},
              {"interval_us", static_cast<double>(fairness_interval.count())},
              {"slice_us", slice_us},
              {"cpu_busy", cpu_busy},
              {"latency_us", pct_json(latency)}};
    if (!j["latency_us"].is_null()) {
      j["p99_in_slices"] = j["latency_us"]["p99"].get<double>() / slice_us;
      last_summary_ = "p50/p99 " + pct_pair(j["latency_us"]);
    }
    emit(std::move(j));
  }

  void run_raw_memory(std::size_t held) {
    auto r = raw_paused_memory(paused_script, held);
    emit({{"bench", "paused_memory"},
          {"impl", "raw_lua"},
          {"held", r.held},
          {"rss_delta_bytes", r.rss_delta},
          {"bytes_per_session", static_cast<double>(r.rss_delta) / static_cast<double>(r.held)},
          {"status", "ok"}});
    last_summary_ =
        bytes_text(static_cast<double>(r.rss_delta) / static_cast<double>(r.held)) + " per session";
  }

  void run_vm_memory(std::size_t held) {
    auto r = alc_vm_paused_memory(paused_script, held);
    const double n = static_cast<double>(r.held);
    emit({{"bench", "paused_memory"},
          {"impl", "alc_vm_only"},
          {"held", r.held},
          {"rss_delta_bytes", r.rss_delta},
          {"bytes_per_session", static_cast<double>(r.rss_delta) / n},
          {"lua_bytes_per_session", static_cast<double>(r.lua_bytes) / n},
          {"status", "ok"}});
    last_summary_ = bytes_text(static_cast<double>(r.rss_delta) / n) + " per VM";
  }

  void run_tps_memory(int threads, std::size_t held) {
    pin(threads);
    auto r = tps_paused_memory(paused_script, held);
    const double n = static_cast<double>(std::max<std::size_t>(1, r.held));
    json j = {{"bench", "paused_memory"},
              {"impl", "thread_per_session"},
              {"threads", threads},
              {"held", r.held},
              {"rss_delta_bytes", r.rss_delta},
              {"bytes_per_session", static_cast<double>(r.rss_delta) / n},
              {"kernel_stack_bytes_per_session", static_cast<double>(r.kernel_stack_delta) / n},
              {"status", r.status}};
    if (!r.note.empty()) j["note"] = r.note;
    last_summary_ = bytes_text(static_cast<double>(r.rss_delta) / n) + " per session + " +
                    bytes_text(static_cast<double>(r.kernel_stack_delta) / n) + " kernel stack";
    emit(std::move(j));
  }

  void run_alc_memory(int threads, std::size_t target_held) {
    // Predict from the largest hold so far; hold fewer (in steps of 100k)
    // when the target would not fit, and nothing when even that would not.
    const std::size_t available = meminfo_bytes("MemAvailable");
    // The hold driver also stops at the floor while it runs, so the
    // prediction may be close: 5% over the largest hold's per-session figure.
    const std::size_t floor = std::max<std::size_t>(available / 12, std::size_t{3} << 29);
    double per_session = 0;
    std::size_t largest = 0;
    for (const auto& f : figures_) {
      if (f["bench"] == "paused_memory" && f["impl"] == "alc" && f["status"] == "ok") {
        per_session = std::max(per_session, f["bytes_per_session"].get<double>());
        largest = std::max(largest, f["held"].get<std::size_t>());
      }
    }
    std::size_t held = target_held;
    std::string reduced;
    if (per_session > 0) {
      const double budget = static_cast<double>(available) - static_cast<double>(floor);
      const double predicted = per_session * 1.05 * static_cast<double>(target_held);
      if (predicted > budget) {
        const auto fits = static_cast<std::size_t>(std::max(0.0, budget / (per_session * 1.05)));
        held = fits / 100000 * 100000;
        reduced = in_flight_text(target_held) + " would need about " + bytes_text(predicted) +
                  " and MemAvailable is " + bytes_text(static_cast<double>(available)) +
                  " (keeping " + bytes_text(static_cast<double>(floor)) + " free)";
        if (held <= largest) {
          emit({{"bench", "paused_memory"},
                {"impl", "alc"},
                {"threads", threads},
                {"held", 0},
                {"target_held", target_held},
                {"status", "skipped"},
                {"note", reduced}});
          last_summary_ = "skipped: not enough memory";
          return;
        }
        reduced += "; held " + in_flight_text(held) + " instead";
      }
    }
    pin(threads);
    progress().relabel(
        "alc paused memory T=" + std::to_string(threads) + " held=" + in_flight_text(held), held);
    auto r = alc_paused_memory(alc_for(threads), paused_script, held, floor);
    const double n = static_cast<double>(std::max<std::size_t>(1, r.held));
    json j = {{"bench", "paused_memory"},
              {"impl", "alc"},
              {"threads", threads},
              {"held", r.held},
              {"target_held", target_held},
              {"rss_delta_bytes", r.rss_delta},
              {"bytes_per_session", static_cast<double>(r.rss_delta) / n},
              {"seconds_to_hold", r.seconds},
              {"status", r.status}};
    if (!r.note.empty()) j["note"] = r.note;
    if (!reduced.empty()) j["note"] = reduced + (r.note.empty() ? "" : "; " + r.note);
    if (r.status == "failed") ++errors_;
    last_summary_ = bytes_text(static_cast<double>(r.rss_delta) / n) + " per session";
    emit(std::move(j));
  }

  // ---- targets -----------------------------------------------------------------

  const json* find(const std::string& bench, const std::string& impl,
                   const std::function<bool(const json&)>& also) const {
    for (const auto& f : figures_) {
      if (f["bench"] == bench && f["impl"] == impl && also(f)) return &f;
    }
    return nullptr;
  }

  static bool ok(const json* f) { return f != nullptr && f->value("status", "") == "ok"; }
  /// Complete, or stopped by the time box (partial figures, marked †).
  static bool usable(const json* f) {
    return ok(f) || (f != nullptr && f->value("status", "") == "time-boxed");
  }

  void target(const std::string& name, std::optional<double> value, const std::string& unit,
              const std::string& goal, std::optional<bool> met, const std::string& note = "") {
    json j = {{"bench", "target"}, {"target", name}, {"goal", goal}, {"unit", unit}};
    j["value"] = value ? json(*value) : json(nullptr);
    j["met"] = met ? json(*met) : json(nullptr);
    if (!note.empty()) j["note"] = note;
    emit(std::move(j));
  }

  void emit_targets() {
    for (const std::size_t n : s_.in_flight) {
      auto same = [n](const json& f) {
        return f["workload"] == "trivial" && f["threads"] == 2 && f.value("in_flight", 0u) == n;
      };
      const json* a = find("sessions", "alc", same);
      const json* raw = find("sessions", "raw_lua", [](const json& f) {
        return f["workload"] == "trivial" && f["threads"] == 2;
      });
      if (ok(a) && ok(raw)) {
        const double r =
            (*a)["sessions_per_s"].get<double>() / (*raw)["sessions_per_s"].get<double>();
        target("trivial sessions/s vs raw Lua, 2 threads, " + in_flight_text(n) + " in flight", r,
               "ratio", ">= 0.7", r >= 0.7);
      }
    }
    for (const int threads : o_.threads) {
      for (const std::size_t n : s_.in_flight) {
        auto same = [n, threads](const json& f) {
          return f["workload"] == "llm_10" && f["threads"] == threads &&
                 f.value("in_flight", 0u) == n;
        };
        const json* a = find("sessions", "alc", same);
        const json* t = find("sessions", "thread_per_session", same);
        if (!usable(a) || t == nullptr) continue;
        const std::string name = "10 llm round trips: sessions/s vs thread-per-session, " +
                                 std::to_string(threads) + " threads, " + in_flight_text(n) +
                                 " in flight";
        if (ok(t)) {
          const double r =
              (*a)["sessions_per_s"].get<double>() / (*t)["sessions_per_s"].get<double>();
          target(name, r, "ratio", ">= 5", r >= 5.0, ok(a) ? "" : "alc run time-boxed");
        } else {
          target(name, std::nullopt, "ratio", ">= 5", std::nullopt,
                 "thread-per-session cannot run this (" + in_flight_text(n) + " OS threads)");
        }
      }
    }
    for (const int threads : o_.threads) {
      const json* p = find("resume_probe", "alc", [threads](const json& f) {
        return f["threads"] == threads && f["held"] == 10000;
      });
      if (!ok(p) || (*p)["resume_latency_us"].is_null()) continue;
      const auto& l = (*p)["resume_latency_us"];
      const std::string t = std::to_string(threads) + " threads, 10k sessions held";
      target("resume -> next pause p50, " + t, l["p50"].get<double>(), "us", "<= 10",
             l["p50"].get<double>() <= 10.0);
      target("resume -> next pause p99, " + t, l["p99"].get<double>(), "us", "<= 100",
             l["p99"].get<double>() <= 100.0);
    }
    {
      double best = 0;
      std::size_t most = 0;
      for (const auto& f : figures_) {
        if (f["bench"] != "paused_memory" || f["impl"] != "alc" || f["status"] != "ok") continue;
        if (f["held"].get<std::size_t>() >= most) {
          most = f["held"].get<std::size_t>();
          best = f["bytes_per_session"].get<double>();
        }
      }
      if (most > 0) {
        target("resident bytes per paused session (" + in_flight_text(most) + " held)", best,
               "bytes", "<= 20480", best <= 20480.0);
        target("paused sessions held at once", static_cast<double>(most), "sessions", ">= 1000000",
               most >= 1'000'000, most >= 1'000'000 ? "" : "the largest hold tried in this run");
      }
    }
    for (const int threads : o_.threads) {
      const json* f = find("fairness", "alc", [threads](const json& x) {
        return x["threads"] == threads && x.contains("p99_in_slices");
      });
      if (f == nullptr) continue;
      const double slices = (*f)["p99_in_slices"].get<double>();
      target("trivial session p99 while 2 sessions spin, " + std::to_string(threads) + " threads",
             slices, "slices", "<= 2", slices <= 2.0);
    }
  }

  // ---- tables ------------------------------------------------------------------

  void write_tables() {
    std::ostringstream md;
    md << "\n### Sessions: throughput and spawn → done latency\n\n"
       << "| workload | threads | in flight | alc sessions/s | raw Lua | thread/session | alc ÷ "
          "raw | alc ÷ thread/session | alc p50 / p99 | thread/session p50 / p99 |\n"
       << "|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& f : figures_) {
      if (f["bench"] != "sessions" || f["impl"] != "alc" || !usable(&f)) continue;
      const auto workload = f["workload"].get<std::string>();
      const int threads = f["threads"];
      const auto n = f["in_flight"].get<std::size_t>();
      const json* raw = find("sessions", "raw_lua", [&](const json& x) {
        return x["workload"] == workload && x["threads"] == threads;
      });
      const json* tps = find("sessions", "thread_per_session", [&](const json& x) {
        return x["workload"] == workload && x["threads"] == threads &&
               x.value("in_flight", 0u) == n;
      });
      const double rate = f["sessions_per_s"];
      md << "| " << workload << " | " << threads << " | " << in_flight_text(n) << " | "
         << count_text(rate) << (ok(&f) ? "" : " †") << " | "
         << (ok(raw) ? count_text((*raw)["sessions_per_s"]) : "—") << " | ";
      if (ok(tps)) {
        md << count_text((*tps)["sessions_per_s"]);
      } else if (tps != nullptr) {
        md << "cannot";
      } else {
        md << "—";
      }
      md << " | " << (ok(raw) ? ratio_text(rate / (*raw)["sessions_per_s"].get<double>()) : "—")
         << " | " << (ok(tps) ? ratio_text(rate / (*tps)["sessions_per_s"].get<double>()) : "—")
         << " | " << pct_pair(f["latency_us"]) << " | "
         << (ok(tps) ? pct_pair((*tps)["latency_us"]) : "—") << " |\n";
    }

    md << "\n### llm round trips under full load (closed loop: every pause answered at once)\n\n"
       << "| workload | threads | in flight | alc llm calls/s | thread/session | alc resume → "
          "next pause p50 / p99 | thread/session p50 / p99 |\n"
       << "|---|---|---|---|---|---|---|\n";
    for (const auto& f : figures_) {
      if (f["bench"] != "sessions" || f["impl"] != "alc" || !usable(&f) ||
          f["resume_latency_us"].is_null()) {
        continue;
      }
      const auto workload = f["workload"].get<std::string>();
      const int threads = f["threads"];
      const auto n = f["in_flight"].get<std::size_t>();
      const json* tps = find("sessions", "thread_per_session", [&](const json& x) {
        return x["workload"] == workload && x["threads"] == threads &&
               x.value("in_flight", 0u) == n;
      });
      md << "| " << workload << " | " << threads << " | " << in_flight_text(n) << " | "
         << count_text(f["llm_calls_per_s"]) << (ok(&f) ? "" : " †") << " | "
         << (ok(tps) ? count_text((*tps)["llm_calls_per_s"]) : (tps ? "cannot" : "—")) << " | "
         << pct_pair(f["resume_latency_us"]) << " | "
         << (ok(tps) ? pct_pair((*tps)["resume_latency_us"]) : "—") << " |\n";
    }

    md << "\n### Resume → next pause, one resume at a time with N sessions held paused\n\n"
       << "| threads | held | alc p50 | alc p90 | alc p99 | thread/session p50 | p90 | p99 |\n"
       << "|---|---|---|---|---|---|---|---|\n";
    for (const auto& f : figures_) {
      if (f["bench"] != "resume_probe" || f["impl"] != "alc") continue;
      const int threads = f["threads"];
      const auto held = f["held"].get<std::size_t>();
      const json* tps = find("resume_probe", "thread_per_session", [&](const json& x) {
        return x["threads"] == threads && x["held"] == held;
      });
      auto cells = [](const json* x) {
        if (x == nullptr || (*x)["resume_latency_us"].is_null()) return std::string("— | — | —");
        const auto& l = (*x)["resume_latency_us"];
        return micros_text(l["p50"]) + " | " + micros_text(l["p90"]) + " | " +
               micros_text(l["p99"]);
      };
      md << "| " << threads << " | " << in_flight_text(held) << " | " << cells(&f) << " | "
         << cells(tps) << " |\n";
    }

    md << "\n### Fairness: one trivial session started every 1 ms while 2 sessions spin (slice "
          "10 ms)\n\n"
       << "| threads | implementation | sessions | CPU busy | p50 | p99 | max | p99 in slices |\n"
       << "|---|---|---|---|---|---|---|---|\n";
    for (const auto& f : figures_) {
      if (f["bench"] != "fairness" || f["latency_us"].is_null()) continue;
      const auto& l = f["latency_us"];
      char slices[32];
      std::snprintf(slices, sizeof slices, "%.2f", f["p99_in_slices"].get<double>());
      char busy[32];
      std::snprintf(busy, sizeof busy, "%.0f%%", 100.0 * f["cpu_busy"].get<double>());
      md << "| " << f["threads"].get<int>() << " | " << f["impl"].get<std::string>() << " | "
         << l["count"].get<std::size_t>() << " | " << busy << " | " << micros_text(l["p50"])
         << " | " << micros_text(l["p99"]) << " | " << micros_text(l["max"]) << " | " << slices
         << " |\n";
    }

    md << "\n### Paused sessions held at once: resident memory (RSS delta / N)\n\n"
       << "| implementation | held | RSS delta | per session | note |\n|---|---|---|---|---|\n";
    for (const auto& f : figures_) {
      if (f["bench"] != "paused_memory") continue;
      md << "| " << f["impl"].get<std::string>() << " | ";
      if (f["status"] == "skipped") {
        md << in_flight_text(f["target_held"])
           << " | — | — | skipped: " << f.value("note", std::string()) << " |\n";
        continue;
      }
      md << in_flight_text(f["held"]) << " | " << bytes_text(f["rss_delta_bytes"]) << " | "
         << bytes_text(f["bytes_per_session"]) << " | ";
      if (f.contains("lua_bytes_per_session")) {
        md << "of which Lua allocations " << bytes_text(f["lua_bytes_per_session"]) << "; ";
      }
      if (f.contains("kernel_stack_bytes_per_session")) {
        md << "+ " << bytes_text(f["kernel_stack_bytes_per_session"])
           << " kernel stack per thread (not in RSS)";
      }
      if (f.contains("seconds_to_hold")) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "spawned and paused in %.1f s",
                      f["seconds_to_hold"].get<double>());
        md << buf;
      }
      if (f["status"] != "ok")
        md << " " << f["status"].get<std::string>() << ": " << f.value("note", std::string());
      md << " |\n";
    }

    const bool any_boxed = std::any_of(figures_.begin(), figures_.end(), [](const json& f) {
      return f.value("status", "") == "time-boxed";
    });
    if (any_boxed) {
      md << "\n† time-boxed: the run was stopped after " << s_.time_box.count()
         << " s; the figures cover the sessions closed by then.\n";
    }
    md << "\n### Targets (ratios from this run)\n\n| target | measured | goal | met |\n"
       << "|---|---|---|---|\n";
    for (const auto& f : figures_) {
      if (f["bench"] != "target") continue;
      std::string value = "—";
      if (!f["value"].is_null()) {
        char buf[48];
        const double v = f["value"];
        const std::string unit = f["unit"];
        if (unit == "us") {
          value = micros_text(v);
        } else if (unit == "bytes") {
          value = bytes_text(v);
        } else if (unit == "sessions") {
          value = in_flight_text(static_cast<std::size_t>(v));
        } else {
          std::snprintf(buf, sizeof buf, "%.2f", v);
          value = buf;
        }
      }
      std::string met = f["met"].is_null() ? "—" : (f["met"].get<bool>() ? "yes" : "**no**");
      if (f.contains("note")) met += " (" + f["note"].get<std::string>() + ")";
      std::string goal = f["goal"];
      if (f["unit"] == "us") goal += " µs";
      md << "| " << f["target"].get<std::string>() << " | " << value << " | " << goal << " | "
         << met << " |\n";
    }
    std::printf("%s", md.str().c_str());
    std::fflush(stdout);
    std::ofstream(fs::path(o_.out) / "tables.md") << md.str();
  }

  // ---- plots -------------------------------------------------------------------

  void write_plot_data() {
    auto num = [](const json* f, const char* key) -> std::string {
      if (!usable(f) || !f->contains(key) || (*f)[key].is_null()) return "-";
      return std::to_string((*f)[key].get<double>());
    };
    auto pct = [](const json* f, const char* key, const char* which) -> std::string {
      if (!usable(f) || !f->contains(key) || (*f)[key].is_null()) return "-";
      return std::to_string((*f)[key][which].get<double>());
    };
    std::ofstream thr(fs::path(o_.out) / "throughput.dat");
    std::ofstream lat(fs::path(o_.out) / "latency.dat");
    thr << "# label alc raw_lua thread_per_session (sessions/s)\n";
    lat << "# label alc_p50 alc_p90 alc_p99 tps_p50 tps_p90 tps_p99 (us, spawn -> done)\n";
    for (const auto& f : figures_) {
      if (f["bench"] != "sessions" || f["impl"] != "alc" || !usable(&f)) continue;
      const auto workload = f["workload"].get<std::string>();
      const int threads = f["threads"];
      const auto n = f["in_flight"].get<std::size_t>();
      const json* raw = find("sessions", "raw_lua", [&](const json& x) {
        return x["workload"] == workload && x["threads"] == threads;
      });
      const json* tps = find("sessions", "thread_per_session", [&](const json& x) {
        return x["workload"] == workload && x["threads"] == threads &&
               x.value("in_flight", 0u) == n;
      });
      const std::string label =
          "\"" + workload + " " + in_flight_text(n) + " T" + std::to_string(threads) + "\"";
      thr << label << ' ' << num(&f, "sessions_per_s") << ' ' << num(raw, "sessions_per_s") << ' '
          << num(tps, "sessions_per_s") << '\n';
      lat << label << ' ' << pct(&f, "latency_us", "p50") << ' ' << pct(&f, "latency_us", "p90")
          << ' ' << pct(&f, "latency_us", "p99") << ' ' << pct(tps, "latency_us", "p50") << ' '
          << pct(tps, "latency_us", "p90") << ' ' << pct(tps, "latency_us", "p99") << '\n';
    }
    std::ofstream res(fs::path(o_.out) / "resume.dat");
    res << "# label alc_p50 alc_p90 alc_p99 tps_p50 tps_p90 tps_p99 (us, resume -> next pause)\n";
    for (const auto& f : figures_) {
      if (f["bench"] != "resume_probe" || f["impl"] != "alc") continue;
      const int threads = f["threads"];
      const auto held = f["held"].get<std::size_t>();
      const json* tps = find("resume_probe", "thread_per_session", [&](const json& x) {
        return x["threads"] == threads && x["held"] == held;
      });
      res << "\"" << in_flight_text(held) << " held T" << threads << "\" "
          << pct(&f, "resume_latency_us", "p50") << ' ' << pct(&f, "resume_latency_us", "p90")
          << ' ' << pct(&f, "resume_latency_us", "p99") << ' '
          << pct(tps, "resume_latency_us", "p50") << ' ' << pct(tps, "resume_latency_us", "p90")
          << ' ' << pct(tps, "resume_latency_us", "p99") << '\n';
    }
  }

  void plot() {
    if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
      std::fprintf(stderr, "gnuplot not found: no plots (the .dat files are in %s)\n",
                   o_.out.c_str());
      return;
    }
    if (!fs::exists(o_.gnuplot_script)) {
      std::fprintf(stderr, "no plot script at %s: no plots\n", o_.gnuplot_script.c_str());
      return;
    }
    const std::string command = "gnuplot -e \"dir='" + o_.out + "'\" '" + o_.gnuplot_script + "'";
    if (std::system(command.c_str()) != 0) {
      std::fprintf(stderr, "gnuplot failed: no plots\n");
      return;
    }
    std::fprintf(stderr, "plots: %s/throughput.png, latency.png, resume.png\n", o_.out.c_str());
  }

  options o_;
  sizes s_;
  std::string state_dir_;
  std::ofstream jsonl_;
  std::vector<run_item> plan_;
  std::vector<json> figures_;
  std::string last_summary_;
  int errors_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  options o = parse(argc, argv);
  progress();  // its thread starts before any pinning
  return session_bench(std::move(o)).run();
}
