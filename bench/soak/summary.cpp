#include "bench/soak/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "bench/soak/workloads.hpp"

namespace alc_bench::soak {
namespace {

constexpr double mib = 1024.0 * 1024.0;

/// Least-squares slope of RSS over sessions, in bytes per session.
double slope(const std::vector<const sample*>& points) {
  if (points.size() < 2) return 0;
  double mx = 0;
  double my = 0;
  for (const auto* p : points) {
    mx += static_cast<double>(p->sessions);
    my += static_cast<double>(p->rss);
  }
  mx /= static_cast<double>(points.size());
  my /= static_cast<double>(points.size());
  double sxy = 0;
  double sxx = 0;
  for (const auto* p : points) {
    const double dx = static_cast<double>(p->sessions) - mx;
    sxy += dx * (static_cast<double>(p->rss) - my);
    sxx += dx * dx;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

std::string printf_string(const char* format, double a, double b = 0) {
  char text[128];
  std::snprintf(text, sizeof text, format, a, b);
  return text;
}

std::string mib_text(double bytes) {
  return printf_string("%.1f MiB", bytes / mib);
}

std::string signed_mib_text(double bytes) {
  return printf_string("%+.1f MiB", bytes / mib);
}

std::string count_text(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

nlohmann::json sample_json(const sample& s) {
  return nlohmann::json::parse(json_line(s));
}

std::string stats_text(const sample& s) {
  if (!s.stats) return "(no answer)";
  return "table " + count_text(s.stats->live) + ", spawned " + count_text(s.stats->spawned) +
         ", evicted " + count_text(s.stats->evicted) + ", engine failures " +
         count_text(s.stats->engine_failures);
}

}  // namespace

summary summarize(const std::vector<sample>& samples, std::uint64_t warmup, double seconds) {
  summary s;
  std::vector<const sample*> run;
  for (const auto& x : samples) {
    if (x.phase == "run") run.push_back(&x);
    if (x.phase == "drained") s.drained = x;
    if (x.phase == "released") s.released = x;
    s.peak_rss = std::max(s.peak_rss, x.rss);
  }
  s.end = *run.back();
  s.sessions = s.end.sessions;
  s.warmup = warmup;
  s.seconds = seconds;
  s.sessions_per_s = seconds > 0 ? static_cast<double>(s.sessions) / seconds : 0;
  const auto warm =
      std::find_if(run.begin(), run.end(), [&](const sample* x) { return x->sessions >= warmup; });
  s.warm = warm == run.end() ? *run.back() : **warm;
  const std::vector<const sample*> after(warm, run.end());
  s.slope_per_100k = slope(after) * 100'000;
  s.growth = static_cast<std::int64_t>(s.end.rss) - static_cast<std::int64_t>(s.warm.rss);
  s.flat_tolerance = std::max<std::size_t>(std::size_t{4} << 20, s.warm.rss / 50);
  s.flat = static_cast<std::size_t>(std::llabs(s.growth)) <= s.flat_tolerance;
  return s;
}

std::string summary_json(const summary& s, const driver_report& report) {
  nlohmann::json workloads_json = nlohmann::json::object();
  const auto& rows = report.tally.rows();
  for (std::size_t w = 0; w < rows.size(); ++w) {
    workloads_json[workloads()[w].name] = {{"sessions", rows[w].sessions},
                                           {"mismatches", rows[w].mismatches},
                                           {"outcomes", rows[w].outcomes}};
  }
  nlohmann::json j = {
      {"kind", "summary"},
      {"sessions", s.sessions},
      {"warmup_sessions", s.warmup},
      {"seconds", s.seconds},
      {"sessions_per_s", s.sessions_per_s},
      {"llm_calls_answered", report.llm_calls},
      {"cancels_sent", report.cancels},
      {"rss_after_warmup", sample_json(s.warm)},
      {"rss_at_end", sample_json(s.end)},
      {"rss_drained", s.drained ? sample_json(*s.drained) : nlohmann::json(nullptr)},
      {"rss_released", s.released ? sample_json(*s.released) : nlohmann::json(nullptr)},
      {"peak_rss_bytes", s.peak_rss},
      {"growth_bytes", s.growth},
      {"slope_bytes_per_100k_sessions", s.slope_per_100k},
      {"flat_tolerance_bytes", s.flat_tolerance},
      {"flat", s.flat},
      {"outcomes", report.tally.totals()},
      {"workloads", std::move(workloads_json)},
      {"mismatches", report.tally.mismatches()},
      {"mismatch_examples", report.tally.examples()},
  };
  return j.dump();
}

std::string summary_markdown(const summary& s, const driver_report& report) {
  std::string md;
  auto line = [&md](const std::string& a, const std::string& b) {
    md += "| " + a + " | " + b + " |\n";
  };
  md += "| figure | value |\n|---|---|\n";
  line("sessions", count_text(s.sessions) + " in " + printf_string("%.1f s", s.seconds) + " (" +
                       printf_string("%.0f", s.sessions_per_s) + " sessions/s)");
  line("RSS after the warm-up (" + count_text(s.warm.sessions) + " sessions)",
       mib_text(static_cast<double>(s.warm.rss)));
  line("RSS at the end (" + count_text(s.end.sessions) + " sessions)",
       mib_text(static_cast<double>(s.end.rss)));
  line("end − warm-up", signed_mib_text(static_cast<double>(s.growth)) +
                            " (flat: " + (s.flat ? "yes" : "no") + ", within " +
                            mib_text(static_cast<double>(s.flat_tolerance)) + ")");
  line("slope after the warm-up", signed_mib_text(s.slope_per_100k) + " per 100k sessions");
  line("peak RSS (sampled)", mib_text(static_cast<double>(s.peak_rss)));
  if (s.drained) {
    line("RSS once the table drained", mib_text(static_cast<double>(s.drained->rss)));
  }
  if (s.released) {
    line("… after the allocator released its free pages",
         mib_text(static_cast<double>(s.released->rss)));
  }
  line("registry at the end", stats_text(s.end));
  if (s.drained) line("registry drained", stats_text(*s.drained));
  line("queries answered, cancels sent",
       count_text(report.llm_calls) + ", " + count_text(report.cancels));
  md += "\n| workload | per 1000 | sessions | outcomes | mismatches |\n|---|---|---|---|---|\n";
  const auto& rows = report.tally.rows();
  for (std::size_t w = 0; w < rows.size(); ++w) {
    std::string outcomes;
    for (const auto& [key, count] : rows[w].outcomes) {
      if (!outcomes.empty()) outcomes += ", ";
      outcomes += key + " " + count_text(count);
    }
    md += "| " + std::string(workloads()[w].name) + " | " +
          std::to_string(workloads()[w].per_mille) + " | " + count_text(rows[w].sessions) + " | " +
          outcomes + " | " + count_text(rows[w].mismatches) + " |\n";
  }
  md += "\nmismatches: " + count_text(report.tally.mismatches()) + "\n";
  for (const auto& example : report.tally.examples()) md += "- " + example + "\n";
  return md;
}

}  // namespace alc_bench::soak
