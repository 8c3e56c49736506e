#include "bench/session/tables.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "bench/session/text.hpp"

namespace alc_bench {

namespace {

bool alc_throughput_run(const figure& f) {
  return f.kind == figure_kind::sessions && f.impl == implementation::alc && f.usable();
}

std::string dagger(const figure& f) {
  return f.ok() ? "" : " †";
}

/// A baseline's cell: its figure, "cannot" when it could not run, "—" when absent.
std::string baseline_cell(const figure* f, const std::string& figure_text) {
  if (ok(f)) return figure_text;
  return f != nullptr ? "cannot" : "—";
}

void throughput_table(const std::vector<figure>& figures, std::ostringstream& md) {
  md << "\n### Sessions: throughput and spawn → done latency\n\n"
     << "| workload | threads | in flight | alc sessions/s | raw Lua | thread/session | alc ÷ "
        "raw | alc ÷ thread/session | alc p50 / p99 | thread/session p50 / p99 |\n"
     << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& f : figures) {
    if (!alc_throughput_run(f)) continue;
    const auto [raw, tps] = baselines_of(figures, f);
    const double rate = f.throughput->sessions_per_s;
    auto rate_of = [](const figure* x) { return x->throughput->sessions_per_s; };
    md << "| " << f.workload << " | " << *f.threads << " | " << in_flight_text(*f.in_flight)
       << " | " << count_text(rate) << dagger(f) << " | "
       << (ok(raw) ? count_text(rate_of(raw)) : "—") << " | "
       << baseline_cell(tps, ok(tps) ? count_text(rate_of(tps)) : "") << " | "
       << (ok(raw) ? ratio_text(rate / rate_of(raw)) : "—") << " | "
       << (ok(tps) ? ratio_text(rate / rate_of(tps)) : "—") << " | "
       << p50_p99_text(measured(f.latency)) << " | "
       << (ok(tps) ? p50_p99_text(measured(tps->latency)) : "—") << " |\n";
  }
}

void llm_table(const std::vector<figure>& figures, std::ostringstream& md) {
  md << "\n### llm round trips under full load (closed loop: every pause answered at once)\n\n"
     << "| workload | threads | in flight | alc llm calls/s | thread/session | alc resume → "
        "next pause p50 / p99 | thread/session p50 / p99 |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const auto& f : figures) {
    if (!alc_throughput_run(f) || !measured(f.resume_latency)) continue;
    const figure* tps = baselines_of(figures, f).tps;
    md << "| " << f.workload << " | " << *f.threads << " | " << in_flight_text(*f.in_flight)
       << " | " << count_text(f.throughput->llm_calls_per_s) << dagger(f) << " | "
       << baseline_cell(tps, ok(tps) ? count_text(tps->throughput->llm_calls_per_s) : "") << " | "
       << p50_p99_text(measured(f.resume_latency)) << " | "
       << (ok(tps) ? p50_p99_text(measured(tps->resume_latency)) : "—") << " |\n";
  }
}

void probe_table(const std::vector<figure>& figures, std::ostringstream& md) {
  md << "\n### Resume → next pause, one resume at a time with N sessions held paused\n\n"
     << "| threads | held | alc p50 | alc p90 | alc p99 | thread/session p50 | p90 | p99 |\n"
     << "|---|---|---|---|---|---|---|---|\n";
  auto cells = [](const figure* x) {
    const distribution l = x == nullptr ? std::nullopt : measured(x->resume_latency);
    if (!l) return std::string("— | — | —");
    return micros_text(l->p50) + " | " + micros_text(l->p90) + " | " + micros_text(l->p99);
  };
  for (const auto& f : figures) {
    if (f.kind != figure_kind::resume_probe || f.impl != implementation::alc) continue;
    const figure* tps = tps_probe_of(figures, f);
    md << "| " << *f.threads << " | " << in_flight_text(*f.held) << " | " << cells(&f) << " | "
       << cells(tps) << " |\n";
  }
}

void fairness_table(const std::vector<figure>& figures, std::ostringstream& md) {
  md << "\n### Fairness: one trivial session started every 1 ms while 2 sessions spin (slice "
        "10 ms)\n\n"
     << "| threads | implementation | sessions | CPU busy | p50 | p99 | max | p99 in slices |\n"
     << "|---|---|---|---|---|---|---|---|\n";
  for (const auto& f : figures) {
    if (f.kind != figure_kind::fairness) continue;
    const distribution l = measured(f.latency);
    if (!l) continue;
    char slices[32];
    std::snprintf(slices, sizeof slices, "%.2f", *f.p99_in_slices());
    char busy[32];
    std::snprintf(busy, sizeof busy, "%.0f%%", 100.0 * f.fairness->cpu_busy);
    md << "| " << *f.threads << " | " << to_string(f.impl) << " | " << l->count << " | " << busy
       << " | " << micros_text(l->p50) << " | " << micros_text(l->p99) << " | "
       << micros_text(l->max) << " | " << slices << " |\n";
  }
}

void memory_table(const std::vector<figure>& figures, std::ostringstream& md) {
  md << "\n### Paused sessions held at once: resident memory (RSS delta / N)\n\n"
     << "| implementation | held | RSS delta | per session | note |\n|---|---|---|---|---|\n";
  for (const auto& f : figures) {
    if (f.kind != figure_kind::paused_memory) continue;
    md << "| " << to_string(f.impl) << " | ";
    if (f.status == run_status::skipped) {
      md << in_flight_text(*f.target_held) << " | — | — | skipped: " << f.note << " |\n";
      continue;
    }
    const memory_figures& m = *f.memory;
    md << in_flight_text(*f.held) << " | " << bytes_text(static_cast<double>(m.rss_delta_bytes))
       << " | " << bytes_text(m.bytes_per_session) << " | ";
    if (m.lua_bytes_per_session) {
      md << "of which Lua allocations " << bytes_text(*m.lua_bytes_per_session) << "; ";
    }
    if (m.kernel_stack_bytes_per_session) {
      md << "+ " << bytes_text(*m.kernel_stack_bytes_per_session)
         << " kernel stack per thread (not in RSS)";
    }
    if (m.seconds_to_hold) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "spawned and paused in %.1f s", *m.seconds_to_hold);
      md << buf;
    }
    if (!f.ok()) md << " " << to_string(*f.status) << ": " << f.note;
    md << " |\n";
  }
}

std::string target_value_text(const target& t) {
  if (!t.value) return "—";
  const double v = *t.value;
  if (t.unit == "us") return micros_text(v);
  if (t.unit == "bytes") return bytes_text(v);
  if (t.unit == "sessions") return in_flight_text(static_cast<std::size_t>(v));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void targets_table(const std::vector<target>& targets, std::ostringstream& md) {
  md << "\n### Targets (ratios from this run)\n\n| target | measured | goal | met |\n"
     << "|---|---|---|---|\n";
  for (const auto& t : targets) {
    std::string met = !t.met ? "—" : (*t.met ? "yes" : "**no**");
    if (!t.note.empty()) met += " (" + t.note + ")";
    const std::string goal = t.unit == "us" ? t.goal + " µs" : t.goal;
    md << "| " << t.name << " | " << target_value_text(t) << " | " << goal << " | " << met
       << " |\n";
  }
}

}  // namespace

std::string tables_markdown(const std::vector<figure>& figures, const std::vector<target>& targets,
                            std::chrono::seconds time_box) {
  std::ostringstream md;
  throughput_table(figures, md);
  llm_table(figures, md);
  probe_table(figures, md);
  fairness_table(figures, md);
  memory_table(figures, md);
  const bool any_boxed = std::any_of(figures.begin(), figures.end(), [](const figure& f) {
    return f.status == run_status::time_boxed;
  });
  if (any_boxed) {
    md << "\n† time-boxed: the run was stopped after " << time_box.count()
       << " s; the figures cover the sessions closed by then.\n";
  }
  targets_table(targets, md);
  return md.str();
}

}  // namespace alc_bench
