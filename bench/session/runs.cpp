#include "bench/session/runs.hpp"

#include <algorithm>
#include <utility>

#include "alc/alc.hpp"
#include "bench/baselines/raw_lua.hpp"
#include "bench/baselines/thread_per_session.hpp"
#include "bench/bench_support.hpp"
#include "bench/session/text.hpp"
#include "bench/vm/vm_only.hpp"
#include "bench/workloads.hpp"

namespace alc_bench {
namespace {

/// The question the `cot` strategy package is run on.
const char* const cot_task = "How many primes are there below 100?";

alc::session_spec spec_of(const workload& w) {
  alc::session_spec spec;
  if (w.package.empty()) {
    spec.kind = alc::run_spec{w.code};
  } else {
    spec.kind = alc::advice_spec{w.package, cot_task, nullptr};
  }
  return spec;
}

/// The throughput of a run; every driver's result has these counts.
template <typename Result>
throughput_figures throughput_of(const Result& r) {
  throughput_figures t;
  t.sessions = r.sessions;
  t.seconds = r.seconds;
  t.sessions_per_s = static_cast<double>(r.sessions) / r.seconds;
  t.llm_calls_per_s = static_cast<double>(r.llm_calls) / r.seconds;
  t.failures = r.failures;
  return t;
}

figure figure_of(const planned_run& run, figure_kind kind) {
  figure f;
  f.kind = kind;
  f.impl = run.impl;
  f.threads = run.threads;
  return f;
}

/// A throughput run of alc or thread-per-session (both keep latencies).
template <typename Result>
figure sessions_figure(const planned_run& run, Result& r) {
  figure f = figure_of(run, figure_kind::sessions);
  f.workload = run.load.name;
  f.in_flight = run.count;
  f.status = r.status;
  f.note = r.note;
  f.throughput = throughput_of(r);
  f.latency = summarize(r.latency_us);
  f.resume_latency = summarize(r.resume_us);
  return f;
}

template <typename Result>
figure probe_figure(const planned_run& run, std::size_t probes, Result& r) {
  figure f = figure_of(run, figure_kind::resume_probe);
  f.held = r.held;
  f.probes = probes;
  f.status = r.status;
  f.note = r.note;
  f.resume_latency = summarize(r.resume_us);
  return f;
}

std::string rate_text(const figure& f) {
  return count_text(f.throughput->sessions_per_s) + " sessions/s";
}

double per(std::size_t bytes, double sessions) {
  return static_cast<double>(bytes) / sessions;
}

}  // namespace

runner::runner(const options& o, const run_sizes& sizes, std::string state_dir)
    : o_(o), sizes_(sizes), state_dir_(std::move(state_dir)) {}

void runner::pin(int threads) const {
  if (o_.pin) pin_to_cpus(threads);
}

alc_config runner::alc_for(int threads) const {
  alc_config c;
  c.threads = threads;
  c.state_dir = state_dir_;
  c.package_paths = {o_.packages};
  c.scheduler_policy = o_.policy;
  c.responders = o_.responders;
  return c;
}

run_outcome runner::run(const planned_run& run, const std::vector<figure>& earlier) const {
  if (run.skip) return recorded_only(run);
  switch (run.kind) {
    case figure_kind::sessions:
      return sessions(run);
    case figure_kind::resume_probe:
      return resume_probe(run);
    case figure_kind::fairness:
      return fairness(run);
    case figure_kind::paused_memory:
      return paused_memory(run, earlier);
  }
  return {};
}

run_outcome runner::recorded_only(const planned_run& run) const {
  run_outcome out;
  out.result = figure_of(run, run.kind);
  out.result.workload = run.load.name;
  if (run.count != 0) out.result.in_flight = run.count;
  out.result.status = run.skip->status;
  out.result.note = run.skip->note;
  if (run.skip->status == run_status::unsupported) out.summary = "unsupported";
  return out;
}

run_outcome runner::sessions(const planned_run& run) const {
  pin(run.threads);
  run_outcome out;
  switch (run.impl) {
    case implementation::raw_lua: {
      const auto r = run_raw_sessions(run.load.code, run.total, run.threads);
      out.error = r.failures != 0;
      out.result = figure_of(run, figure_kind::sessions);
      out.result.workload = run.load.name;
      out.result.status = run_status::ok;
      out.result.throughput = throughput_of(r);
      out.summary = rate_text(out.result);
      break;
    }
    case implementation::thread_per_session: {
      auto r = run_tps_sessions(run.load.code, run.total, run.count);
      out.error = r.failures != 0;
      out.result = sessions_figure(run, r);
      out.summary = r.status == run_status::ok ? rate_text(out.result)
                                               : std::string(to_string(r.status)) + ": " + r.note;
      break;
    }
    case implementation::alc:
    case implementation::alc_vm_only: {
      auto r = run_alc_sessions(alc_for(run.threads), spec_of(run.load), run.total, run.count,
                                sizes_.time_box);
      out.error = r.failures != 0;
      out.result = sessions_figure(run, r);
      const distribution latency = measured(out.result.latency);
      out.summary = rate_text(out.result) + ", p99 " + (latency ? micros_text(latency->p99) : "-");
      break;
    }
  }
  return out;
}

run_outcome runner::resume_probe(const planned_run& run) const {
  pin(run.threads);
  run_outcome out;
  if (run.impl == implementation::thread_per_session) {
    auto r = tps_resume_probe(run.count, sizes_.probes);
    out.result = probe_figure(run, sizes_.probes, r);
  } else {
    auto r = alc_resume_probe(alc_for(run.threads), run.count, sizes_.probes);
    out.error = r.status != run_status::ok;
    out.result = probe_figure(run, sizes_.probes, r);
  }
  out.summary = "p50/p99 " + p50_p99_text(measured(out.result.resume_latency));
  return out;
}

run_outcome runner::fairness(const planned_run& run) const {
  pin(run.threads);
  std::vector<float> latency;
  double cpu_busy = 0;
  if (run.impl == implementation::thread_per_session) {
    auto r = tps_fairness(sizes_.fairness, sizes_.fairness_interval, sizes_.spinners, run.threads);
    latency = std::move(r.latency_us);
    cpu_busy = r.cpu_busy;
  } else {
    auto r = alc_fairness(alc_for(run.threads), sizes_.fairness, sizes_.fairness_interval,
                          sizes_.spinners);
    latency = std::move(r.latency_us);
    cpu_busy = r.cpu_busy;
  }
  run_outcome out;
  out.result = figure_of(run, figure_kind::fairness);
  out.result.fairness =
      fairness_figures{sizes_.spinners, static_cast<double>(sizes_.fairness_interval.count()),
                       static_cast<double>(alc_default_slice().count()), cpu_busy};
  out.result.latency = summarize(latency);
  if (const distribution d = measured(out.result.latency))
    out.summary = "p50/p99 " + p50_p99_text(d);
  return out;
}

run_outcome runner::paused_memory(const planned_run& run,
                                  const std::vector<figure>& earlier) const {
  run_outcome out;
  out.result = figure_of(run, figure_kind::paused_memory);
  figure& f = out.result;
  switch (run.impl) {
    case implementation::raw_lua: {  // no scheduler threads: not pinned, none recorded
      const auto r = raw_paused_memory(paused_script, run.count);
      const double n = static_cast<double>(r.held);
      f.threads.reset();
      f.held = r.held;
      f.status = run_status::ok;
      f.memory = memory_figures{r.rss_delta, per(r.rss_delta, n), {}, {}, {}};
      out.summary = bytes_text(per(r.rss_delta, n)) + " per session";
      break;
    }
    case implementation::alc_vm_only: {
      const auto r = alc_vm_paused_memory(paused_script, run.count);
      const double n = static_cast<double>(r.held);
      f.threads.reset();
      f.held = r.held;
      f.status = run_status::ok;
      f.memory = memory_figures{r.rss_delta, per(r.rss_delta, n), per(r.lua_bytes, n), {}, {}};
      out.summary = bytes_text(per(r.rss_delta, n)) + " per VM";
      break;
    }
    case implementation::thread_per_session: {
      pin(run.threads);
      const auto r = tps_paused_memory(paused_script, run.count);
      const double n = static_cast<double>(std::max<std::size_t>(1, r.held));
      f.held = r.held;
      f.status = r.status;
      f.note = r.note;
      f.memory =
          memory_figures{r.rss_delta, per(r.rss_delta, n), {}, per(r.kernel_stack_delta, n), {}};
      out.summary = bytes_text(per(r.rss_delta, n)) + " per session + " +
                    bytes_text(per(r.kernel_stack_delta, n)) + " kernel stack";
      break;
    }
    case implementation::alc:
      return alc_paused_memory_run(run, earlier);
  }
  return out;
}

run_outcome runner::alc_paused_memory_run(const planned_run& run,
                                          const std::vector<figure>& earlier) const {
  const std::size_t target_held = run.count;
  run_outcome out;
  out.result = figure_of(run, figure_kind::paused_memory);
  figure& f = out.result;
  f.target_held = target_held;
  // Predict from the largest hold so far; hold fewer (in steps of 100k)
  // when the target would not fit, and nothing when even that would not.
  const std::size_t available = meminfo_bytes("MemAvailable");
  // The hold driver also stops at the floor while it runs, so the
  // prediction may be close: 5% over the largest hold's per-session figure.
  const std::size_t floor = std::max<std::size_t>(available / 12, std::size_t{3} << 29);
  double per_session = 0;
  std::size_t largest = 0;
  for (const auto& e : earlier) {
    if (e.kind == figure_kind::paused_memory && e.impl == implementation::alc && e.ok()) {
      per_session = std::max(per_session, e.memory->bytes_per_session);
      largest = std::max(largest, *e.held);
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
        f.held = 0;
        f.status = run_status::skipped;
        f.note = reduced;
        out.summary = "skipped: not enough memory";
        return out;
      }
      reduced += "; held " + in_flight_text(held) + " instead";
    }
  }
  pin(run.threads);
  progress().relabel(
      "alc paused memory T=" + std::to_string(run.threads) + " held=" + in_flight_text(held), held);
  const auto r = alc_paused_memory(alc_for(run.threads), paused_script, held, floor);
  const double n = static_cast<double>(std::max<std::size_t>(1, r.held));
  f.held = r.held;
  f.status = r.status;
  f.note = r.note;
  if (!reduced.empty()) f.note = reduced + (r.note.empty() ? "" : "; " + r.note);
  f.memory = memory_figures{r.rss_delta, per(r.rss_delta, n), {}, {}, r.seconds};
  out.error = r.status == run_status::failed;
  out.summary = bytes_text(per(r.rss_delta, n)) + " per session";
  return out;
}

}  // namespace alc_bench
