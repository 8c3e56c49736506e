#include "bench/session/figure.hpp"

namespace alc_bench {

using nlohmann::json;

const char* to_string(figure_kind k) {
  switch (k) {
    case figure_kind::sessions:
      return "sessions";
    case figure_kind::resume_probe:
      return "resume_probe";
    case figure_kind::fairness:
      return "fairness";
    case figure_kind::paused_memory:
      return "paused_memory";
  }
  return "unknown";
}

const char* to_string(implementation i) {
  switch (i) {
    case implementation::alc:
      return "alc";
    case implementation::alc_vm_only:
      return "alc_vm_only";
    case implementation::raw_lua:
      return "raw_lua";
    case implementation::thread_per_session:
      return "thread_per_session";
  }
  return "unknown";
}

std::optional<double> figure::p99_in_slices() const {
  if (!fairness || !latency || !*latency) return std::nullopt;
  return (*latency)->p99 / fairness->slice_us;
}

namespace {

json to_json(const distribution& d) {
  if (!d) return nullptr;
  return json{
      {"count", d->count}, {"p50", d->p50}, {"p90", d->p90}, {"p99", d->p99}, {"max", d->max}};
}

template <typename T>
void put(json& j, const char* key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}

}  // namespace

json to_json(const figure& f) {
  json j = {{"bench", to_string(f.kind)}, {"impl", to_string(f.impl)}};
  if (!f.workload.empty()) j["workload"] = f.workload;
  put(j, "threads", f.threads);
  put(j, "in_flight", f.in_flight);
  put(j, "held", f.held);
  put(j, "target_held", f.target_held);
  put(j, "probes", f.probes);
  if (f.status) j["status"] = to_string(*f.status);
  if (!f.note.empty()) j["note"] = f.note;
  if (const auto& t = f.throughput) {
    j["sessions"] = t->sessions;
    j["seconds"] = t->seconds;
    j["sessions_per_s"] = t->sessions_per_s;
    j["llm_calls_per_s"] = t->llm_calls_per_s;
    j["failures"] = t->failures;
  }
  if (f.latency) j["latency_us"] = to_json(*f.latency);
  if (f.resume_latency) j["resume_latency_us"] = to_json(*f.resume_latency);
  if (const auto& x = f.fairness) {
    j["spinners"] = x->spinners;
    j["interval_us"] = x->interval_us;
    j["slice_us"] = x->slice_us;
    j["cpu_busy"] = x->cpu_busy;
    put(j, "p99_in_slices", f.p99_in_slices());
  }
  if (const auto& m = f.memory) {
    j["rss_delta_bytes"] = m->rss_delta_bytes;
    j["bytes_per_session"] = m->bytes_per_session;
    put(j, "lua_bytes_per_session", m->lua_bytes_per_session);
    put(j, "kernel_stack_bytes_per_session", m->kernel_stack_bytes_per_session);
    put(j, "seconds_to_hold", m->seconds_to_hold);
  }
  return j;
}

json to_json(const target& t) {
  json j = {{"bench", "target"}, {"target", t.name}, {"goal", t.goal}, {"unit", t.unit}};
  j["value"] = t.value ? json(*t.value) : json(nullptr);
  j["met"] = t.met ? json(*t.met) : json(nullptr);
  if (!t.note.empty()) j["note"] = t.note;
  return j;
}

const figure* find_figure(const std::vector<figure>& figures, figure_kind kind, implementation impl,
                          const std::function<bool(const figure&)>& also) {
  for (const auto& f : figures) {
    if (f.kind == kind && f.impl == impl && (!also || also(f))) return &f;
  }
  return nullptr;
}

baselines_of_run baselines_of(const std::vector<figure>& figures, const figure& a) {
  baselines_of_run b;
  b.raw = find_figure(
      figures, figure_kind::sessions, implementation::raw_lua,
      [&](const figure& x) { return x.workload == a.workload && x.threads == a.threads; });
  b.tps = find_figure(
      figures, figure_kind::sessions, implementation::thread_per_session, [&](const figure& x) {
        return x.workload == a.workload && x.threads == a.threads && x.in_flight == a.in_flight;
      });
  return b;
}

const figure* tps_probe_of(const std::vector<figure>& figures, const figure& a) {
  return find_figure(figures, figure_kind::resume_probe, implementation::thread_per_session,
                     [&](const figure& x) { return x.threads == a.threads && x.held == a.held; });
}

}  // namespace alc_bench
