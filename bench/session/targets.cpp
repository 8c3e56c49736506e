#include "bench/session/targets.hpp"

#include <string>

#include "bench/session/text.hpp"

namespace alc_bench {
namespace {

double rate(const figure* f) {
  return f->throughput->sessions_per_s;
}

/// A throughput run of `workload` on `threads` threads, `in_flight` alive.
auto throughput_run(const char* workload, int threads, std::size_t in_flight) {
  return [=](const figure& f) {
    return f.workload == workload && f.threads == threads && f.in_flight == in_flight;
  };
}

void trivial_vs_raw(const std::vector<figure>& figures, const std::vector<std::size_t>& in_flight,
                    std::vector<target>& out) {
  for (const std::size_t n : in_flight) {
    const figure* a = find_figure(figures, figure_kind::sessions, implementation::alc,
                                  throughput_run("trivial", 2, n));
    const figure* raw =
        find_figure(figures, figure_kind::sessions, implementation::raw_lua,
                    [](const figure& f) { return f.workload == "trivial" && f.threads == 2; });
    if (!ok(a) || !ok(raw)) continue;
    const double r = rate(a) / rate(raw);
    out.push_back({"trivial sessions/s vs raw Lua, 2 threads, " + in_flight_text(n) + " in flight",
                   r, "ratio", ">= 0.7", r >= 0.7, ""});
  }
}

void llm_10_vs_tps(const std::vector<figure>& figures, const std::vector<int>& threads,
                   const std::vector<std::size_t>& in_flight, std::vector<target>& out) {
  for (const int t : threads) {
    for (const std::size_t n : in_flight) {
      const auto same = throughput_run("llm_10", t, n);
      const figure* a = find_figure(figures, figure_kind::sessions, implementation::alc, same);
      const figure* tps =
          find_figure(figures, figure_kind::sessions, implementation::thread_per_session, same);
      if (!usable(a) || tps == nullptr) continue;
      const std::string name = "10 llm round trips: sessions/s vs thread-per-session, " +
                               std::to_string(t) + " threads, " + in_flight_text(n) + " in flight";
      if (ok(tps)) {
        const double r = rate(a) / rate(tps);
        out.push_back({name, r, "ratio", ">= 5", r >= 5.0, ok(a) ? "" : "alc run time-boxed"});
      } else {
        out.push_back(
            {name, std::nullopt, "ratio", ">= 5", std::nullopt,
             "thread-per-session cannot run this (" + in_flight_text(n) + " OS threads)"});
      }
    }
  }
}

void resume_latency(const std::vector<figure>& figures, const std::vector<int>& threads,
                    std::vector<target>& out) {
  for (const int t : threads) {
    const figure* p =
        find_figure(figures, figure_kind::resume_probe, implementation::alc,
                    [t](const figure& f) { return f.threads == t && f.held == 10000u; });
    if (!ok(p)) continue;
    const distribution l = measured(p->resume_latency);
    if (!l) continue;
    const std::string held = std::to_string(t) + " threads, 10k sessions held";
    out.push_back({"resume -> next pause p50, " + held, l->p50, "us", "<= 10", l->p50 <= 10.0, ""});
    out.push_back(
        {"resume -> next pause p99, " + held, l->p99, "us", "<= 100", l->p99 <= 100.0, ""});
  }
}

void paused_memory(const std::vector<figure>& figures, std::vector<target>& out) {
  double best = 0;
  std::size_t most = 0;
  for (const auto& f : figures) {
    if (f.kind != figure_kind::paused_memory || f.impl != implementation::alc || !f.ok()) continue;
    if (*f.held >= most) {
      most = *f.held;
      best = f.memory->bytes_per_session;
    }
  }
  if (most == 0) return;
  out.push_back({"resident bytes per paused session (" + in_flight_text(most) + " held)", best,
                 "bytes", "<= 20480", best <= 20480.0, ""});
  out.push_back({"paused sessions held at once", static_cast<double>(most), "sessions",
                 ">= 1000000", most >= 1'000'000,
                 most >= 1'000'000 ? "" : "the largest hold tried in this run"});
}

void fairness(const std::vector<figure>& figures, const std::vector<int>& threads,
              std::vector<target>& out) {
  for (const int t : threads) {
    const figure* f = find_figure(
        figures, figure_kind::fairness, implementation::alc,
        [t](const figure& x) { return x.threads == t && x.p99_in_slices().has_value(); });
    if (f == nullptr) continue;
    const double slices = *f->p99_in_slices();
    out.push_back({"trivial session p99 while 2 sessions spin, " + std::to_string(t) + " threads",
                   slices, "slices", "<= 2", slices <= 2.0, ""});
  }
}

}  // namespace

std::vector<target> targets_of(const std::vector<figure>& figures, const std::vector<int>& threads,
                               const std::vector<std::size_t>& in_flight) {
  std::vector<target> out;
  trivial_vs_raw(figures, in_flight, out);
  llm_10_vs_tps(figures, threads, in_flight, out);
  resume_latency(figures, threads, out);
  paused_memory(figures, out);
  fairness(figures, threads, out);
  return out;
}

}  // namespace alc_bench
