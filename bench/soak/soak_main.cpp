// Soak test: a million sessions through one alc runtime, a bounded number in
// flight, over a mix of workloads (trivial, llm round trips, failing
// scripts, memory and CPU caps, cancellations while paused and running,
// alc.state, alc.fork), with the process's RSS and the registry's stats
// sampled as it goes.
//
//   alc_soak [--sessions N] [--quick] [--in-flight N] [--threads N] ...
//
// stdout: a JSON line for the settings, one per sample, one for the summary,
// then the summary as markdown tables. --out DIR gets soak.dat,
// soak_empty.dat and, with gnuplot, soak.png. The exit status is 1 when a session missed its
// workload's outcome (or a verb was refused), 3 when the run stalled; never
// for speed or memory: "flat" is reported, not asserted.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <system_error>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "alc/alc.hpp"
#include "bench/bench_support.hpp"
#include "bench/soak/options.hpp"
#include "bench/soak/samples.hpp"
#include "bench/soak/soak_driver.hpp"
#include "bench/soak/summary.hpp"

namespace fs = std::filesystem;
using namespace alc_bench;
using namespace alc_bench::soak;

namespace {

/// A fresh folder for alc.state on tmpfs when there is one: the soak
/// measures memory, and the store fsyncs every write (10 ms on this disk).
class temporary_directory {
 public:
  temporary_directory() {
    std::error_code ec;
    const std::string base =
        fs::is_directory("/dev/shm", ec) ? "/dev/shm" : fs::temp_directory_path(ec).string();
    std::string dir_template = base + "/alc-soak-XXXXXX";
    if (mkdtemp(dir_template.data()) != nullptr) path_ = dir_template;
  }
  ~temporary_directory() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  temporary_directory(const temporary_directory&) = delete;
  temporary_directory& operator=(const temporary_directory&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void print_settings(const options& o, const alc::runtime_options& rt) {
  const nlohmann::json j = {
      {"kind", "settings"},
      {"sessions", o.sessions},
      {"in_flight", o.in_flight},
      {"threads", o.threads},
      {"warmup_sessions", o.warmup_sessions()},
      {"sample_every", o.sample_interval()},
      {"ttl_ms", rt.ttl.count()},
      {"sweep_interval_ms", rt.sweep_interval.count()},
      {"slice_us", rt.slice.count()},
      {"memory_limit_bytes", rt.memory_limit},
      {"cpu_limit_ms", rt.cpu_limit.count()},
      {"state_dir", rt.state_dir},
      {"allocator", allocator_name()},
  };
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

/// Waits for the driver; a run in which no session is checked for two
/// minutes is stuck (a bug), and ends the process rather than hang.
template <class T>
T wait_for(std::future<T>& future, const std::atomic<std::uint64_t>& closed) {
  std::uint64_t last = closed.load();
  auto last_change = std::chrono::steady_clock::now();
  while (future.wait_for(std::chrono::seconds{1}) != std::future_status::ready) {
    const std::uint64_t now = closed.load();
    if (now != last) {
      last = now;
      last_change = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_change > std::chrono::minutes{2}) {
      std::fprintf(stderr, "\nalc_soak: stalled: no session ended in 2 minutes (%llu checked)\n",
                   static_cast<unsigned long long>(now));
      std::fflush(stdout);
      std::_Exit(3);
    }
  }
  return future.get();
}

/// Waits (up to `limit`) until the TTL sweep has emptied the registry's table.
void wait_for_drain(const alc::client& client, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto stats = client.stats();
    if (stats && stats->live == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
}

/// soak.dat: the samples under load; soak_empty.dat: those with the table empty.
void write_plot_data(const std::vector<sample>& samples, const std::string& out_dir) {
  std::ofstream dat(out_dir + "/soak.dat");
  std::ofstream empty(out_dir + "/soak_empty.dat");
  dat << "# sessions rss_mib table seconds\n";
  empty << "# sessions rss_mib\n";
  for (const auto& s : samples) {
    const double rss_mib = static_cast<double>(s.rss) / (1024.0 * 1024.0);
    if (s.phase == "run") {
      dat << s.sessions << ' ' << rss_mib << ' ' << (s.stats ? s.stats->live : -1) << ' '
          << s.seconds << '\n';
    } else if (s.phase == "warm_drained" || s.phase == "drained") {
      empty << s.sessions << ' ' << rss_mib << '\n';
    }
  }
}

void plot(const std::string& out_dir, const std::string& script) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    std::fprintf(stderr, "gnuplot not found: no plot (the data is in %s/soak.dat)\n",
                 out_dir.c_str());
    return;
  }
  const std::string command = "gnuplot -e \"dir='" + out_dir + "'\" '" + script + "'";
  if (std::system(command.c_str()) != 0) std::fprintf(stderr, "gnuplot failed: no plot\n");
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse_options(argc, argv);
  const mix sessions_mix(o.only);
  for (const auto& name : sessions_mix.unknown()) {
    std::fprintf(stderr, "alc_soak: no workload '%s' (see --help)\n", name.c_str());
  }
  if (!sessions_mix.unknown().empty()) return 2;
  const temporary_directory temporary;
  const std::string state_dir = o.state_dir.empty() ? temporary.path() : o.state_dir;
  if (state_dir.empty()) {
    std::perror("mkdtemp");
    return 2;
  }
  const alc::runtime_options settings = runtime_settings(o, state_dir);
  print_settings(o, settings);

  caf::actor_system_config cfg;
  alc::configure(cfg);
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(o.threads));
  caf::actor_system system{cfg};

  driver_report report;
  std::vector<sample> samples;
  double seconds = 0;
  {
    alc::runtime rt(system, settings);
    std::atomic<std::uint64_t> closed{0};
    progress().set_run_count(1);
    progress().begin("soak: " + std::to_string(o.sessions) + " sessions", o.sessions);
    sampler sampling(rt.client(), closed, o.sample_interval());
    std::promise<driver_report> promise;
    auto future = promise.get_future();
    std::promise<void> paused;
    auto paused_future = paused.get_future();
    const auto started = std::chrono::steady_clock::now();
    const auto driver =
        start_driver(system,
                     driver_setup{rt.registry(), o.sessions, o.in_flight, o.warmup_sessions(),
                                  &paused, &closed, sessions_mix},
                     promise);
    std::chrono::steady_clock::duration paused_for{0};
    if (o.warmup_sessions() != 0 && o.warmup_sessions() < o.sessions) {
      // Warmed up: with nothing running and the table emptied by the sweep,
      // the RSS is what the runtime keeps, the reference for the end.
      wait_for(paused_future, closed);
      const auto pause_started = std::chrono::steady_clock::now();
      wait_for_drain(rt.client(), std::chrono::seconds{15});
      sampling.take("warm_drained");
      paused_for = std::chrono::steady_clock::now() - pause_started;
      resume_driver(driver);
    }
    report = wait_for(future, closed);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started - paused_for)
                  .count();
    sampling.stop();
    progress().end(std::to_string(report.tally.mismatches()) + " mismatches");
    // The same at the end: what the run left behind outside the table.
    wait_for_drain(rt.client(), std::chrono::seconds{15});
    sampling.take("drained");
    // What the allocator keeps cached for reuse is not what the run leaked:
    // ask it to give back its free pages and look again.
    release_free_memory();
    sampling.take("released");
    samples = sampling.stop();
    rt.shutdown();
  }

  const summary s = summarize(samples, o.warmup_sessions(), seconds);
  std::printf("%s\n\n%s", summary_json(s, report).c_str(), summary_markdown(s, report).c_str());
  std::fflush(stdout);

  std::error_code ec;
  fs::create_directories(o.out, ec);
  write_plot_data(samples, o.out);
  if (o.plots) plot(o.out, o.gnuplot_script);
  return report.tally.mismatches() == 0 ? 0 : 1;
}
