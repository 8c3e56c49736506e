#include "bench/session/plan.hpp"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "bench/baselines/thread_per_session.hpp"
#include "bench/session/text.hpp"
#include "bench/workloads.hpp"

namespace alc_bench {
namespace {

/// How many runs of each kind, and how large: the full run or --quick.
struct counts {
  std::vector<workload> workloads;
  std::vector<std::size_t> in_flight;
  std::vector<std::size_t> tps_in_flight;
  std::size_t cot_total = 0;
  std::vector<std::size_t> cot_in_flight;
  std::vector<std::size_t> probe_held;
  std::vector<std::size_t> tps_probe_held;
  std::vector<std::size_t> memory_held;
  std::vector<std::size_t> raw_memory_held;
  std::vector<std::size_t> tps_memory_held;
};

std::vector<workload> workloads(std::size_t trivial, std::size_t llm_1, std::size_t llm_10,
                                std::size_t script50) {
  return {{"trivial", trivial_script, "", trivial},
          {"llm_1", llm_trips_script(1), "", llm_1},
          {"llm_10", llm_trips_script(10), "", llm_10},
          {"script50", strategy_script, "", script50}};
}

counts counts_for(const options& o, run_sizes& sizes) {
  counts c;
  if (o.quick) {
    c.workloads = workloads(10000, 10000, 5000, 5000);
    c.in_flight = {1000, 10000};
    c.tps_in_flight = {1000};
    sizes.time_box = std::chrono::seconds{20};
    c.cot_total = 3000;
    c.cot_in_flight = {1000};
    c.probe_held = {1000, 10000};
    c.tps_probe_held = {1000};
    sizes.probes = 1000;
    sizes.fairness = std::chrono::milliseconds{300};
    c.memory_held = {10000};
    c.raw_memory_held = {10000};
    c.tps_memory_held = {1000};
  } else {
    c.workloads = workloads(150000, 100000, 30000, 50000);
    c.in_flight = {1000, 10000, 100000};
    c.tps_in_flight = {1000, 10000, 100000};
    c.cot_total = 50000;
    c.cot_in_flight = {1000, 10000};
    c.probe_held = {1000, 10000, 100000};
    c.tps_probe_held = {1000, 10000};
    sizes.probes = 20000;
    sizes.fairness = std::chrono::milliseconds{3000};
    c.memory_held = {10000, 100000, 1000000};
    c.raw_memory_held = {10000, 100000};
    c.tps_memory_held = {10000};
  }
  if (!o.in_flight.empty()) {
    c.in_flight = o.in_flight;
    c.tps_in_flight = o.in_flight;
    c.cot_in_flight = o.in_flight;
    c.probe_held = o.in_flight;
    c.tps_probe_held = o.in_flight;
  }
  return c;
}

/// The --impl family an implementation belongs to (alc's VM only counts as alc).
const char* family(implementation impl) {
  switch (impl) {
    case implementation::raw_lua:
      return "raw";
    case implementation::thread_per_session:
      return "tps";
    case implementation::alc:
    case implementation::alc_vm_only:
      return "alc";
  }
  return "alc";
}

bool contains(const std::vector<std::size_t>& values, std::size_t n) {
  return std::find(values.begin(), values.end(), n) != values.end();
}

/// Appends runs in order, leaving out the implementations --impl excludes.
class plan_builder {
 public:
  explicit plan_builder(const options& o) : o_(o) {}

  void add(planned_run run) {
    if (o_.impls.count(family(run.impl)) != 0) runs_.push_back(std::move(run));
  }
  void add(std::string label, std::size_t units, figure_kind kind, implementation impl, int threads,
           std::size_t count) {
    planned_run run;
    run.label = std::move(label);
    run.units = units;
    run.kind = kind;
    run.impl = impl;
    run.threads = threads;
    run.count = count;
    add(std::move(run));
  }
  void add_sessions(std::string label, implementation impl, const workload& load, int threads,
                    std::size_t in_flight, std::size_t total, std::optional<not_run> skip = {}) {
    planned_run run;
    run.label = std::move(label);
    run.units = skip ? 0 : total;
    run.kind = figure_kind::sessions;
    run.impl = impl;
    run.load = load;
    run.threads = threads;
    run.count = in_flight;
    run.total = total;
    run.skip = std::move(skip);
    add(std::move(run));
  }

  std::vector<planned_run> take() { return std::move(runs_); }

 private:
  const options& o_;
  std::vector<planned_run> runs_;
};

std::string held_text(std::size_t n) {
  return " held=" + in_flight_text(n);
}

void plan_memory(const options& o, const counts& c, plan_builder& b) {
  // e. first, while the heap is fresh: later runs leave freed memory
  // behind that new allocations would reuse without raising RSS.
  const int threads = *std::max_element(o.threads.begin(), o.threads.end());
  const std::string t = " T=" + std::to_string(threads);
  const auto kind = figure_kind::paused_memory;
  for (const std::size_t n : c.raw_memory_held) {
    b.add("raw paused memory" + held_text(n), n, kind, implementation::raw_lua, threads, n);
  }
  for (const std::size_t n : c.raw_memory_held) {
    b.add("alc VM only paused memory" + held_text(n), n, kind, implementation::alc_vm_only, threads,
          n);
  }
  for (const std::size_t n : c.tps_memory_held) {
    b.add("thread/session paused memory" + t + held_text(n), n, kind,
          implementation::thread_per_session, threads, n);
  }
  for (const std::size_t n : c.memory_held) {
    if (n > o.max_held) continue;
    b.add("alc paused memory" + t + held_text(n), n, kind, implementation::alc, threads, n);
  }
}

not_run tps_cannot(std::size_t in_flight) {
  return {run_status::unsupported,
          "not attempted: needs " + std::to_string(in_flight) +
              " OS threads at once; this machine allows at most " +
              std::to_string(tps_thread_limit()) +
              " (min of pid_max, threads-max, vm.max_map_count/2, RLIMIT_NPROC), and the "
              "benchmark keeps half of that for the rest of the machine"};
}

void plan_throughput(const counts& c, const run_sizes& sizes, int threads, const workload& w,
                     plan_builder& b) {
  const std::size_t thread_cap = tps_thread_limit() / 2;
  const std::string t = " T=" + std::to_string(threads);
  b.add_sessions("raw " + w.name + t, implementation::raw_lua, w, threads, 0, w.sessions);
  for (const std::size_t n : c.in_flight) {
    const std::size_t total = std::max(w.sessions, sizes.in_flight_multiple * n);
    const std::string f = " in-flight=" + in_flight_text(n);
    b.add_sessions("alc " + w.name + t + f, implementation::alc, w, threads, n, total);
    if (!contains(c.tps_in_flight, n)) continue;
    std::optional<not_run> skip;
    if (n > thread_cap) skip = tps_cannot(n);
    b.add_sessions("thread/session " + w.name + t + f, implementation::thread_per_session, w,
                   threads, n, total, std::move(skip));
  }
}

void plan_cot(const options& o, const counts& c, int threads, plan_builder& b) {
  const std::string t = " T=" + std::to_string(threads);
  workload cot{"cot", "", "cot", c.cot_total};
  if (!std::filesystem::exists(std::filesystem::path(o.packages) / "cot" / "init.lua")) {
    b.add_sessions("alc cot" + t, implementation::alc, cot, threads, 0, 0,
                   not_run{run_status::skipped, "no cot package under " + o.packages});
    return;
  }
  for (const std::size_t n : c.cot_in_flight) {
    b.add_sessions("alc cot" + t + " in-flight=" + in_flight_text(n), implementation::alc, cot,
                   threads, n, c.cot_total);
  }
}

}  // namespace

plan make_plan(const options& o) {
  plan p;
  const counts c = counts_for(o, p.sizes);
  p.in_flight = c.in_flight;
  plan_builder b(o);
  if (o.wanted("memory")) plan_memory(o, c, b);
  for (const int threads : o.threads) {
    const std::string t = " T=" + std::to_string(threads);
    for (const auto& w : c.workloads) {
      if (o.wanted(w.name)) plan_throughput(c, p.sizes, threads, w, b);
    }
    if (o.wanted("cot")) plan_cot(o, c, threads, b);
    if (o.wanted("probe")) {
      for (const std::size_t n : c.probe_held) {
        b.add("alc resume probe" + t + held_text(n), n + p.sizes.probes, figure_kind::resume_probe,
              implementation::alc, threads, n);
      }
      for (const std::size_t n : c.tps_probe_held) {
        b.add("thread/session resume probe" + t + held_text(n), p.sizes.probes,
              figure_kind::resume_probe, implementation::thread_per_session, threads, n);
      }
    }
    if (o.wanted("fairness")) {
      const auto units = static_cast<std::size_t>(p.sizes.fairness / p.sizes.fairness_interval);
      b.add("alc fairness" + t, units, figure_kind::fairness, implementation::alc, threads, 0);
      b.add("thread/session fairness" + t, units, figure_kind::fairness,
            implementation::thread_per_session, threads, 0);
    }
  }
  p.runs = b.take();
  return p;
}

}  // namespace alc_bench
