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

/// Median RSS of the samples with `from <= sessions < to` (0 if none).
double median_rss(const std::vector<const sample*>& run, std::uint64_t from, std::uint64_t to) {
  std::vector<double> rss;
  for (const auto* x : run) {
    if (x->sessions >= from && x->sessions < to) rss.push_back(static_cast<double>(x->rss));
  }
  if (rss.empty()) return 0;
  const auto middle = rss.begin() + static_cast<long>(rss.size() / 2);
  std::nth_element(rss.begin(), middle, rss.end());
  return *middle;
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
    if (x.phase == "warm_drained") s.warm_drained = x;
    if (x.phase == "drained") s.end_drained = x;
    if (x.phase == "released") s.released = x;
    s.peak_rss = std::max(s.peak_rss, x.rss);
  }
  s.end = *run.back();
  s.sessions = s.end.sessions;
  s.warmup = warmup;
  s.seconds = seconds;
  s.sessions_per_s = seconds > 0 ? static_cast<double>(s.sessions) / seconds : 0;
  s.window = std::max<std::uint64_t>(1, s.sessions / 10);
  s.load_warm_rss = median_rss(run, warmup, warmup + s.window);
  s.load_end_rss = median_rss(run, s.sessions - std::min(s.sessions, s.window), s.sessions + 1);
  std::vector<const sample*> after;
  for (const auto* x : run) {
    if (x->sessions >= warmup) after.push_back(x);
  }
  s.slope_per_100k = slope(after) * 100'000;
  double reference = s.load_warm_rss;
  if (s.warm_drained && s.end_drained) {
    reference = static_cast<double>(s.warm_drained->rss);
    s.growth = static_cast<std::int64_t>(s.end_drained->rss) -
               static_cast<std::int64_t>(s.warm_drained->rss);
  } else {
    s.growth = static_cast<std::int64_t>(s.load_end_rss - s.load_warm_rss);
  }
  s.flat_tolerance =
      std::max<std::size_t>(std::size_t{4} << 20, static_cast<std::size_t>(reference / 20));
  s.flat = s.growth <= static_cast<std::int64_t>(s.flat_tolerance);
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
  auto optional_sample = [](const std::optional<sample>& x) {
    return x ? sample_json(*x) : nlohmann::json(nullptr);
  };
  nlohmann::json j = {
      {"kind", "summary"},
      {"sessions", s.sessions},
      {"warmup_sessions", s.warmup},
      {"seconds", s.seconds},
      {"sessions_per_s", s.sessions_per_s},
      {"llm_calls_answered", report.llm_calls},
      {"cancels_sent", report.cancels},
      {"rss_drained_after_warmup", optional_sample(s.warm_drained)},
      {"rss_drained_at_end", optional_sample(s.end_drained)},
      {"rss_released_at_end", optional_sample(s.released)},
      {"growth_bytes", s.growth},
      {"flat_tolerance_bytes", s.flat_tolerance},
      {"flat", s.flat},
      {"window_sessions", s.window},
      {"rss_under_load_after_warmup_median", s.load_warm_rss},
      {"rss_under_load_at_end_median", s.load_end_rss},
      {"last_sample", sample_json(s.end)},
      {"peak_rss_bytes", s.peak_rss},
      {"slope_bytes_per_100k_sessions", s.slope_per_100k},
      {"outcomes", report.tally.totals()},
      {"workloads", std::move(workloads_json)},
      {"mismatches", report.tally.mismatches()},
      {"mismatch_examples", report.tally.examples()},
      {"overcharged", report.tally.overcharged()},
      {"overcharged_examples", report.tally.overcharged_examples()},
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
  if (s.warm_drained) {
    line("RSS, table empty, after the warm-up (" + count_text(s.warm_drained->sessions) +
             " sessions)",
         mib_text(static_cast<double>(s.warm_drained->rss)));
  }
  if (s.end_drained) {
    line("RSS, table empty, at the end (" + count_text(s.end_drained->sessions) + " sessions)",
         mib_text(static_cast<double>(s.end_drained->rss)));
  }
  line(s.warm_drained ? "growth (table empty)" : "growth (medians under load)",
       signed_mib_text(static_cast<double>(s.growth)) + " (flat: " + (s.flat ? "yes" : "no") +
           ", tolerance " + mib_text(static_cast<double>(s.flat_tolerance)) + ")");
  if (s.released) {
    line("RSS at the end once the allocator returned its free pages",
         mib_text(static_cast<double>(s.released->rss)));
  }
  line("RSS under load, median of the " + count_text(s.window) + " sessions after the warm-up",
       mib_text(s.load_warm_rss));
  line("RSS under load, median of the last " + count_text(s.window) + " sessions",
       mib_text(s.load_end_rss));
  line("slope under load after the warm-up",
       signed_mib_text(s.slope_per_100k) + " per 100k sessions");
  line("peak RSS (sampled)", mib_text(static_cast<double>(s.peak_rss)));
  line("registry at the last sample", stats_text(s.end));
  if (s.end_drained) line("registry drained", stats_text(*s.end_drained));
  line("queries answered, cancels sent",
       count_text(report.llm_calls) + ", " + count_text(report.cancels));
  md += "\n| workload | per 10,000 | sessions | outcomes | mismatches |\n|---|---|---|---|---|\n";
  const auto& rows = report.tally.rows();
  for (std::size_t w = 0; w < rows.size(); ++w) {
    std::string outcomes;
    for (const auto& [key, count] : rows[w].outcomes) {
      if (!outcomes.empty()) outcomes += ", ";
      outcomes += key + " " + count_text(count);
    }
    md += "| " + std::string(workloads()[w].name) + " | " + std::to_string(workloads()[w].weight) +
          " | " + count_text(rows[w].sessions) + " | " + outcomes + " | " +
          count_text(rows[w].mismatches) + " |\n";
  }
  md += "\nmismatches: " + count_text(report.tally.mismatches()) + "\n";
  for (const auto& example : report.tally.examples()) md += "- " + example + "\n";
  md +=
      "\novercharged (cpu_limit on a session that uses a few ms of CPU; a mismatch above 1 in "
      "1000 sessions): " +
      count_text(report.tally.overcharged()) + "\n";
  for (const auto& example : report.tally.overcharged_examples()) md += "- " + example + "\n";
  return md;
}

}  // namespace alc_bench::soak
