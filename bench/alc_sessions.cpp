#include "bench/alc_sessions.hpp"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <future>
#include <memory>
#include <unordered_map>
#include <utility>

#include <caf/all.hpp>

#include "alc/alc.hpp"
#include "bench/bench_support.hpp"
#include "bench/workloads.hpp"

namespace alc_bench {
namespace {

using namespace std::chrono_literals;

/// One actor system with `threads` workers and one alc runtime in it.
class bench_runtime {
 public:
  explicit bench_runtime(const alc_config& config)
      : system_(configured(cfg_, config)), runtime_(system_, options_of(config)) {}

  caf::actor_system& system() { return system_; }
  const alc::registry_handle& registry() const { return runtime_.registry(); }
  void shutdown() { runtime_.shutdown(); }

 private:
  static caf::actor_system_config& configured(caf::actor_system_config& cfg,
                                              const alc_config& config) {
    alc::configure(cfg);
    cfg.set("scheduler.max-threads", static_cast<std::size_t>(config.threads));
    if (!config.scheduler_policy.empty()) {
      cfg.set("scheduler.policy", caf::atom_from_string(config.scheduler_policy));
    }
    return cfg;
  }

  static alc::runtime_options options_of(const alc_config& config) {
    alc::runtime_options opts;
    // Nothing is swept during a run: every session closes or is held.
    opts.ttl = std::chrono::hours{24};
    opts.sweep_interval = std::chrono::hours{24};
    opts.state_dir = config.state_dir;
    opts.package_paths = config.package_paths;
    return opts;
  }

  caf::actor_system_config cfg_;
  caf::actor_system system_;
  alc::runtime runtime_;
};

/// The resume that answers every query of a pause with "ok". The one place
/// the benchmark builds a payload; alc/ is to get a public helper for this.
alc::resume_payload answer_all(const alc::pause_info& info) {
  if (info.kind == alc::pause_kind::single) {
    return alc::single_payload{alc::query_response{info.prompts.at(0).query_id, "ok", {}}};
  }
  alc::batch_payload batch;
  for (const auto& q : info.prompts) batch.responses.push_back({q.query_id, "ok", {}});
  return batch;
}

bool ends_badly(const alc::session_event& event) {
  const auto* t = std::get_if<alc::state_transition_event>(&event.body);
  return t != nullptr && (t->to == "failed" || t->to == "cancelled");
}

float micros_since(int64_t t0) {
  return static_cast<float>((now_ns() - t0) / 1000.0);
}

/// Waits for a driver's result with a generous bound: a run that hangs is
/// a bug, reported instead of waited for forever.
template <class T>
T wait_result(std::future<T>& result, const char* what) {
  if (result.wait_for(std::chrono::minutes{20}) != std::future_status::ready) {
    std::fprintf(stderr, "\nsession_bench: %s did not finish within 20 minutes\n", what);
    std::fflush(stderr);
    std::_Exit(2);
  }
  return result.get();
}

// ---- throughput runs ------------------------------------------------------------

using time_box_atom = caf::atom_constant<caf::atom("timebox")>;
constexpr time_box_atom time_box_atom_v{};

struct driver_outcome {
  alc_run_result result;
  int64_t finished_at = 0;  ///< now_ns() when the last session closed
};

class session_driver final : public caf::event_based_actor {
 public:
  session_driver(caf::actor_config& cfg, alc::registry_handle registry, alc::session_spec spec,
                 std::size_t total, std::size_t in_flight, std::chrono::seconds time_box,
                 std::promise<driver_outcome>* out)
      : caf::event_based_actor(cfg),
        registry_(std::move(registry)),
        spec_(std::move(spec)),
        total_(total),
        in_flight_(in_flight),
        time_box_(time_box),
        out_(out) {}

  caf::behavior make_behavior() override {
    result_.latency_us.reserve(total_);
    for (std::size_t i = 0; i < std::min(in_flight_, total_); ++i) spawn_one();
    delayed_send(this, time_box_, time_box_atom_v);
    return {
        [this](time_box_atom) {
          if (closed_ == total_) return;
          result_.status = run_status::time_boxed;
          result_.note = "stopped after " + std::to_string(time_box_.count()) + " s with " +
                         std::to_string(closed_) + " of " + std::to_string(total_) +
                         " sessions closed";
          deliver();
        },
        [this](alc::event_atom, const std::string& id, const alc::session_event& event) {
          on_event(id, event);
        },
        [this](std::string& id, alc::session_handle& session) { on_spawned(id, session); },
        [](const alc::resume_outcome&) {},
        [this](caf::error& error) {
          on_error(error);
          const auto verb = alc::to_verb_error(error);
          const bool refused_spawn = verb && (verb->code == alc::error_code::invalid_spec ||
                                              verb->code == alc::error_code::capacity);
          if (refused_spawn && !spawn_times_.empty()) {
            spawn_times_.pop_front();
            closed_one();
          }
        },
    };
  }

  // A session holds its subscribers strongly until it is destroyed; the
  // handles we hold to sessions must go when we stop, or neither side is
  // ever destroyed (and the actor system waits for them forever).
  void on_exit() override { records_.clear(); }

 private:
  struct record {
    int64_t spawned_at = 0;  ///< when the spawn request was sent (0: reply not seen yet)
    int64_t closed_at = 0;
    int64_t resumed_at = 0;
    alc::session_handle session;
  };

  // Spawns go out as plain messages, not request().then: CAF 0.17 keeps an
  // actor's pending responses in a flat vector (linear find and erase), so
  // 100k outstanding requests would make every reply cost O(100k). The
  // registry answers spawns in the order it receives them (CAF keeps the
  // order between two actors), so the replies pair with `spawn_times_`.
  void spawn_one() {
    ++launched_;
    spawn_times_.push_back(now_ns());
    send(registry_, alc::spawn_atom_v, spec_, caf::actor_cast<caf::actor>(this));
  }

  void on_spawned(std::string& id, alc::session_handle& session) {
    const int64_t t0 = spawn_times_.front();
    spawn_times_.pop_front();
    auto it = records_.try_emplace(std::move(id)).first;
    it->second.spawned_at = t0;
    if (it->second.closed_at != 0) {
      complete(it);
    } else {
      it->second.session = std::move(session);
    }
  }

  void on_event(const std::string& id, const alc::session_event& event) {
    if (const auto* pause = std::get_if<alc::pause_requested_event>(&event.body)) {
      auto& rec = records_[id];
      const int64_t now = now_ns();
      if (rec.resumed_at != 0)
        result_.resume_us.push_back(static_cast<float>((now - rec.resumed_at) / 1000.0));
      result_.llm_calls += pause->info.prompts.size();
      rec.resumed_at = now;
      if (rec.session) {
        send(rec.session, alc::resume_atom_v, answer_all(pause->info));
      } else {  // the spawn reply is not here yet: route by id
        send(registry_, alc::resume_atom_v, id, answer_all(pause->info));
      }
    } else if (std::holds_alternative<alc::closed_event>(event.body)) {
      auto it = records_.try_emplace(id).first;
      it->second.closed_at = now_ns();
      if (it->second.spawned_at != 0) complete(it);
    } else if (ends_badly(event)) {
      ++result_.failures;
    }
  }

  void complete(std::unordered_map<std::string, record>::iterator it) {
    result_.latency_us.push_back(
        static_cast<float>((it->second.closed_at - it->second.spawned_at) / 1000.0));
    records_.erase(it);
    closed_one();
  }

  void closed_one() {
    ++closed_;
    ++progress().done;
    if (launched_ < total_) spawn_one();
    if (closed_ == total_) deliver();
  }

  void deliver() {
    result_.sessions = closed_;
    out_->set_value(driver_outcome{std::move(result_), now_ns()});
    quit();
  }

  void on_error(const caf::error& error) {
    if (result_.failures++ == 0) result_.note = alc::describe(error);
  }

  alc::registry_handle registry_;
  alc::session_spec spec_;
  std::size_t total_;
  std::size_t in_flight_;
  std::chrono::seconds time_box_;
  std::promise<driver_outcome>* out_;
  std::size_t launched_ = 0;
  std::size_t closed_ = 0;
  std::deque<int64_t> spawn_times_;  ///< of spawns not answered yet, in order
  std::unordered_map<std::string, record> records_;
  alc_run_result result_;
};

// ---- holding paused sessions (memory, resume probe) -------------------------

struct hold_outcome {
  run_status status = run_status::ok;
  std::string note;
  std::size_t held = 0;
  double seconds = 0;
};

class hold_driver final : public caf::event_based_actor {
 public:
  struct setup {
    alc::registry_handle registry;
    alc::session_spec spec;
    std::size_t count = 0;
    std::size_t window = 1000;  ///< spawn requests outstanding at once
    std::size_t memory_floor = 0;
    bool keep_records = false;  ///< needed to probe; off when measuring memory
    std::size_t probes = 0;
    std::promise<hold_outcome>* held = nullptr;
    std::promise<std::vector<float>>* probed = nullptr;
  };

  hold_driver(caf::actor_config& cfg, setup s) : caf::event_based_actor(cfg), s_(std::move(s)) {}

  caf::behavior make_behavior() override {
    started_at_ = now_ns();
    for (std::size_t i = 0; i < std::min(s_.window, s_.count); ++i) spawn_one();
    return {
        [this](alc::event_atom, const std::string& id, const alc::session_event& event) {
          on_event(id, event);
        },
        [](const alc::resume_outcome&) {},
        [this](caf::error& error) { fail(alc::describe(error)); },
    };
  }

  void on_exit() override {  // see session_driver::on_exit
    records_.clear();
    order_.clear();
  }

 private:
  struct record {
    alc::session_handle session;
    alc::pause_info pause;  ///< the pause it waits in
  };

  void spawn_one() {
    ++launched_;
    if ((launched_ & 8191) == 0 && s_.memory_floor != 0 &&
        meminfo_bytes("MemAvailable") < s_.memory_floor) {
      stop_spawning_ = true;
      outcome_.status = run_status::aborted;
      outcome_.note = "stopped at " + std::to_string(launched_) +
                      " sessions: MemAvailable fell below the safety floor";
    }
    request(s_.registry, caf::infinite, alc::spawn_atom_v, s_.spec,
            caf::actor_cast<caf::actor>(this))
        .then(
            [this](std::string& id, alc::session_handle& session) {
              ++replies_;
              if (s_.keep_records) {
                order_.push_back(id);
                records_[id].session = std::move(session);
              }
              if (launched_ < s_.count && !stop_spawning_) spawn_one();
              check_held();
            },
            [this](caf::error& error) {
              fail(alc::describe(error));
              ++replies_;
              ++gone_;
              stop_spawning_ = true;
              check_held();
            });
  }

  void on_event(const std::string& id, const alc::session_event& event) {
    const auto* pause = std::get_if<alc::pause_requested_event>(&event.body);
    if (pause == nullptr) {
      if (ends_badly(event)) {
        fail("a held session ended: " + alc::wire_text(event));
        ++gone_;
        check_held();
      }
      return;
    }
    if (!probing_) {
      ++paused_;
      ++progress().done;
      if (s_.keep_records) records_[id].pause = pause->info;
      check_held();
      return;
    }
    const float since_resume = micros_since(probe_started_);  // before the copy below
    records_[id].pause = pause->info;
    if (id != order_[probe_ % order_.size()]) return;
    probe_us_.push_back(since_resume);
    ++progress().done;
    if (++probe_ < s_.probes) {
      probe_next();
    } else {
      s_.probed->set_value(std::move(probe_us_));
      probing_ = false;
    }
  }

  void check_held() {
    if (held_reported_ || replies_ != launched_ || paused_ + gone_ < launched_) return;
    if (launched_ < s_.count && !stop_spawning_) return;
    held_reported_ = true;
    outcome_.held = paused_;
    outcome_.seconds = (now_ns() - started_at_) / 1e9;
    s_.held->set_value(outcome_);
    if (s_.probes > 0 && outcome_.status == run_status::ok) {
      probing_ = true;
      progress().done = 0;
      probe_next();
    }
  }

  void probe_next() {
    const std::string& id = order_[probe_ % order_.size()];
    auto& rec = records_[id];
    probe_started_ = now_ns();
    send(rec.session, alc::resume_atom_v, answer_all(rec.pause));
  }

  void fail(std::string note) {
    if (outcome_.status == run_status::ok) {
      outcome_.status = run_status::failed;
      outcome_.note = std::move(note);
    }
  }

  setup s_;
  int64_t started_at_ = 0;
  std::size_t launched_ = 0;
  std::size_t replies_ = 0;
  std::size_t paused_ = 0;
  std::size_t gone_ = 0;  ///< sessions that will never pause (spawn refused, ended)
  bool stop_spawning_ = false;
  bool held_reported_ = false;
  bool probing_ = false;
  std::size_t probe_ = 0;
  int64_t probe_started_ = 0;
  std::vector<float> probe_us_;
  std::vector<std::string> order_;
  std::unordered_map<std::string, record> records_;
  hold_outcome outcome_;
};

// ---- fairness -----------------------------------------------------------------

/// Starts the spinners, then spawns one trivial session every `interval`
/// (open loop: on a schedule, not when the previous one is done). Latency
/// counts from the scheduled time, so a late tick is counted too.
class fairness_driver final : public caf::event_based_actor {
 public:
  fairness_driver(caf::actor_config& cfg, alc::registry_handle registry,
                  std::chrono::milliseconds duration, std::chrono::microseconds interval,
                  int spinners, std::promise<std::vector<float>>* out)
      : caf::event_based_actor(cfg),
        registry_(std::move(registry)),
        duration_(duration),
        interval_(interval),
        spinners_(spinners),
        out_(out) {}

  caf::behavior make_behavior() override {
    for (int i = 0; i < spinners_; ++i) {
      alc::session_spec spin;
      spin.kind = alc::run_spec{spinner_script};
      request(registry_, caf::infinite, alc::spawn_atom_v, std::move(spin))
          .then([](std::string&, alc::session_handle&) {}, [](caf::error&) {});
    }
    trivial_.kind = alc::run_spec{trivial_script};
    delayed_send(this, 50ms, alc::continue_atom_v);  // let them spin first
    return {
        [this](alc::continue_atom) { tick(); },
        [this](alc::event_atom, const std::string& id, const alc::session_event& event) {
          if (!std::holds_alternative<alc::closed_event>(event.body)) return;
          auto it = records_.try_emplace(id).first;
          it->second.closed_at = now_ns();
          if (it->second.scheduled_at != 0) complete(it);
        },
    };
  }

  void on_exit() override { records_.clear(); }

 private:
  struct record {
    int64_t scheduled_at = 0;
    int64_t closed_at = 0;
  };

  int64_t scheduled(std::size_t k) const {
    return start_ + static_cast<int64_t>(k) * std::chrono::nanoseconds{interval_}.count();
  }

  void tick() {
    const int64_t now = now_ns();
    if (start_ == 0) {
      start_ = now;
      end_ = now + std::chrono::nanoseconds{duration_}.count();
    }
    while (scheduled(next_) <= now && scheduled(next_) < end_) spawn_one(scheduled(next_++));
    if (scheduled(next_) < end_) {
      delayed_send(this, std::chrono::nanoseconds{scheduled(next_) - now}, alc::continue_atom_v);
    } else {
      all_spawned_ = true;
      finish_if_done();
    }
  }

  void spawn_one(int64_t scheduled_at) {
    ++spawned_;
    request(registry_, caf::infinite, alc::spawn_atom_v, trivial_,
            caf::actor_cast<caf::actor>(this))
        .then(
            [this, scheduled_at](std::string& id, alc::session_handle&) {
              auto it = records_.try_emplace(std::move(id)).first;
              it->second.scheduled_at = scheduled_at;
              if (it->second.closed_at != 0) complete(it);
            },
            [this](caf::error&) {
              ++done_;
              finish_if_done();
            });
  }

  void complete(std::unordered_map<std::string, record>::iterator it) {
    latency_us_.push_back(
        static_cast<float>((it->second.closed_at - it->second.scheduled_at) / 1000.0));
    records_.erase(it);
    ++done_;
    ++progress().done;
    finish_if_done();
  }

  void finish_if_done() {
    if (!all_spawned_ || done_ != spawned_) return;
    out_->set_value(std::move(latency_us_));
    quit();
  }

  alc::registry_handle registry_;
  std::chrono::milliseconds duration_;
  std::chrono::microseconds interval_;
  int spinners_;
  std::promise<std::vector<float>>* out_;
  alc::session_spec trivial_;
  int64_t start_ = 0;
  int64_t end_ = 0;
  std::size_t next_ = 0;
  std::size_t spawned_ = 0;
  std::size_t done_ = 0;
  bool all_spawned_ = false;
  std::unordered_map<std::string, record> records_;
  std::vector<float> latency_us_;
};

}  // namespace

alc_run_result run_alc_sessions(const alc_config& config, const alc::session_spec& spec,
                                std::size_t sessions, std::size_t in_flight,
                                std::chrono::seconds time_box) {
  const std::size_t drivers = std::max<std::size_t>(1, config.responders);
  std::vector<std::promise<driver_outcome>> promises(drivers);
  alc_run_result result;
  {
    bench_runtime rt(config);
    const int64_t started_at = now_ns();
    for (std::size_t d = 0; d < drivers; ++d) {
      // Shares of the sessions and of the in-flight limit.
      const std::size_t share = sessions / drivers + (d < sessions % drivers ? 1 : 0);
      const std::size_t window = std::max<std::size_t>(1, in_flight / drivers);
      rt.system().spawn<session_driver>(rt.registry(), spec, share, window, time_box, &promises[d]);
    }
    int64_t finished_at = started_at;
    for (auto& promise : promises) {
      auto future = promise.get_future();
      driver_outcome outcome = wait_result(future, "an alc run");
      auto& r = outcome.result;
      finished_at = std::max(finished_at, outcome.finished_at);
      result.sessions += r.sessions;
      result.failures += r.failures;
      result.llm_calls += r.llm_calls;
      if (result.note.empty()) result.note = r.note;
      if (r.status != run_status::ok) result.status = r.status;
      result.latency_us.insert(result.latency_us.end(), r.latency_us.begin(), r.latency_us.end());
      result.resume_us.insert(result.resume_us.end(), r.resume_us.begin(), r.resume_us.end());
    }
    result.seconds = (finished_at - started_at) / 1e9;
    rt.shutdown();
  }
  return result;
}

alc_probe_result alc_resume_probe(const alc_config& config, std::size_t held, std::size_t probes) {
  std::promise<hold_outcome> held_promise;
  std::promise<std::vector<float>> probe_promise;
  auto held_future = held_promise.get_future();
  auto probe_future = probe_promise.get_future();
  alc_probe_result result;
  {
    bench_runtime rt(config);
    hold_driver::setup s;
    s.registry = rt.registry();
    s.spec.kind = alc::run_spec{endless_llm_script};
    s.count = held;
    s.keep_records = true;
    s.probes = probes;
    s.held = &held_promise;
    s.probed = &probe_promise;
    auto driver = rt.system().spawn<hold_driver>(std::move(s));
    const hold_outcome outcome = wait_result(held_future, "holding sessions");
    result.status = outcome.status;
    result.note = outcome.note;
    result.held = outcome.held;
    if (outcome.status == run_status::ok)
      result.resume_us = wait_result(probe_future, "the resume probe");
    caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
    rt.shutdown();
  }
  return result;
}

alc_memory_result alc_paused_memory(const alc_config& config, const std::string& code,
                                    std::size_t count, std::size_t memory_floor) {
  std::promise<hold_outcome> held_promise;
  auto held_future = held_promise.get_future();
  alc_memory_result result;
  {
    bench_runtime rt(config);
    release_free_memory();
    const std::size_t before = rss_bytes();
    hold_driver::setup s;
    s.registry = rt.registry();
    s.spec.kind = alc::run_spec{code};
    s.count = count;
    s.memory_floor = memory_floor;
    s.held = &held_promise;
    auto driver = rt.system().spawn<hold_driver>(std::move(s));
    const hold_outcome outcome = wait_result(held_future, "holding sessions");
    std::this_thread::sleep_for(100ms);  // let the last events drain
    const std::size_t after = rss_bytes();
    result.status = outcome.status;
    result.note = outcome.note;
    result.held = outcome.held;
    result.seconds = outcome.seconds;
    result.rss_delta = after > before ? after - before : 0;
    caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);
    rt.shutdown();
  }
  return result;
}

alc_fairness_result alc_fairness(const alc_config& config, std::chrono::milliseconds duration,
                                 std::chrono::microseconds interval, int spinners) {
  std::promise<std::vector<float>> promise;
  auto future = promise.get_future();
  alc_fairness_result result;
  {
    bench_runtime rt(config);
    const double cpu_before = process_cpu_seconds();
    const auto wall_before = clock_type::now();
    rt.system().spawn<fairness_driver>(rt.registry(), duration, interval, spinners, &promise);
    result.latency_us = wait_result(future, "the fairness run");
    const double wall = std::chrono::duration<double>(clock_type::now() - wall_before).count();
    result.cpu_busy = (process_cpu_seconds() - cpu_before) / (wall * config.threads);
    rt.shutdown();
  }
  return result;
}

std::chrono::microseconds alc_default_slice() {
  return alc::runtime_options{}.slice;
}

}  // namespace alc_bench
