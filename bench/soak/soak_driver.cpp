#include "bench/soak/soak_driver.hpp"

#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>

#include <caf/all.hpp>

#include "bench/bench_support.hpp"
#include "bench/soak/workloads.hpp"

namespace alc_bench::soak {
namespace {

using go_atom = caf::atom_constant<caf::atom("soakgo")>;
constexpr go_atom go_atom_v{};

class soak_driver final : public caf::event_based_actor {
 public:
  soak_driver(caf::actor_config& cfg, driver_setup setup, std::promise<driver_report>* out)
      : caf::event_based_actor(cfg), setup_(std::move(setup)), out_(out) {}

  caf::behavior make_behavior() override {
    set_down_handler([this](caf::down_msg& down) { on_down(down); });
    fill();
    if (setup_.sessions == 0) deliver();
    return {
        [this](go_atom) {
          resumed_ = true;
          fill();
        },
        [this](std::string& id, alc::session_handle& session) { on_spawned(id, session); },
        [this](alc::event_atom, const std::string& id, const alc::session_event& event) {
          on_event(id, event);
        },
        [this](alc::terminal_outcome& outcome) { on_outcome(std::move(outcome)); },
        [](const alc::resume_outcome&) {},
        [](caf::ok_atom) {},  // cancel, unsubscribe
        [this](caf::error& error) { on_error(error); },
    };
  }

  // A session holds its subscribers strongly; the handles we hold must go
  // when we stop, or neither side is ever destroyed.
  void on_exit() override {
    records_.clear();
    ids_by_actor_.clear();
  }

 private:
  struct record {
    std::optional<std::uint64_t> n;  ///< set by the spawn reply
    alc::session_handle session;
    bool closed = false;
    std::optional<alc::terminal_outcome> outcome;
  };
  using record_iterator = std::unordered_map<std::string, record>::iterator;

  // Spawns are plain messages, not request().then (see bench/alc_sessions.cpp):
  // the registry answers them in order, so replies pair with `spawning_`.
  void spawn_one() {
    const std::uint64_t n = launched_++;
    spawning_.push_back(n);
    send(setup_.registry, alc::spawn_atom_v,
         workloads()[setup_.sessions_mix.workload_of(n)].spec(n),
         caf::actor_cast<caf::actor>(this));
  }

  void on_spawned(std::string& id, alc::session_handle& session) {
    const std::uint64_t n = spawning_.front();
    spawning_.pop_front();
    auto it = records_.try_emplace(std::move(id)).first;
    it->second.n = n;
    it->second.session = session;
    ids_by_actor_.emplace(session.address(), it->first);
    monitor(session);  // a session that dies without an outcome is reported, not waited for
    send(session, alc::await_atom_v);
  }

  void on_event(const std::string& id, const alc::session_event& event) {
    if (const auto* pause = std::get_if<alc::pause_requested_event>(&event.body)) {
      if (!pause->info.prompts.empty() && pause->info.prompts.front().prompt == hold_prompt) {
        cancel(id);
      } else {
        llm_calls_ += pause->info.prompts.size();
        to_session(id, alc::resume_atom_v,
                   alc::answer_all(pause->info, [](const alc::llm_query& q) {
                     return alc::query_response{q.query_id, answer_to(q.prompt), {}};
                   }));
      }
    } else if (const auto* log = std::get_if<alc::log_event>(&event.body)) {
      if (log->message == spin_message) cancel(id);
    } else if (std::holds_alternative<alc::closed_event>(event.body)) {
      auto it = records_.try_emplace(id).first;
      it->second.closed = true;
      complete_if_done(it);
    }
  }

  void on_outcome(alc::terminal_outcome outcome) {
    const auto from = ids_by_actor_.find(caf::actor_cast<caf::actor_addr>(current_sender()));
    if (from == ids_by_actor_.end()) {
      tally_.record_problem("an outcome from an unknown sender");
      return;
    }
    auto it = records_.find(from->second);
    it->second.outcome = std::move(outcome);
    complete_if_done(it);
  }

  /// A session that goes down before it was checked never reached its outcome.
  void on_down(const caf::down_msg& down) {
    const auto from = ids_by_actor_.find(down.source);
    if (from == ids_by_actor_.end()) return;
    auto it = records_.find(from->second);
    const std::uint64_t n = *it->second.n;
    tally_.record(setup_.sessions_mix.workload_of(n), n, "actor_down",
                  "the session actor went down before its outcome: " + to_string(down.reason));
    finish(it);
  }

  void on_error(const caf::error& error) {
    const auto verb = alc::to_verb_error(error);
    const bool refused_spawn = verb && (verb->code == alc::error_code::invalid_spec ||
                                        verb->code == alc::error_code::capacity);
    if (refused_spawn && !spawning_.empty()) {
      const std::uint64_t n = spawning_.front();
      spawning_.pop_front();
      tally_.record(setup_.sessions_mix.workload_of(n), n, "refused",
                    "spawn refused: " + alc::describe(error));
      next();
      return;
    }
    tally_.record_problem("a verb was refused: " + alc::describe(error));
  }

  void cancel(const std::string& id) {
    ++cancels_;
    to_session(id, alc::cancel_atom_v, alc::cancel_reason{alc::cancel_code::user, "soak", 0});
  }

  /// To the session directly once its handle is known, else routed by id.
  template <class Atom, class... Ts>
  void to_session(const std::string& id, Atom atom, Ts&&... xs) {
    const auto it = records_.find(id);
    if (it != records_.end() && it->second.session) {
      send(it->second.session, atom, std::forward<Ts>(xs)...);
    } else {
      send(setup_.registry, atom, id, std::forward<Ts>(xs)...);
    }
  }

  void complete_if_done(record_iterator it) {
    record& rec = it->second;
    if (!rec.n || !rec.closed || !rec.outcome) return;
    const std::uint64_t n = *rec.n;
    const std::size_t w = setup_.sessions_mix.workload_of(n);
    tally_.record(w, n, outcome_key(*rec.outcome), workloads()[w].check(*rec.outcome, n));
    if (workloads()[w].name == std::string_view(state_workload)) {
      const auto* done = std::get_if<alc::done_state>(&*rec.outcome);
      std::optional<std::int64_t> count;
      if (done != nullptr && done->value.is_number_integer())
        count = done->value.get<std::int64_t>();
      tally_.record_count(state_namespace_of(n), count);
    }
    // Without subscribers an ended session is evictable: the TTL sweep takes it.
    send(rec.session, alc::unsubscribe_atom_v, caf::actor_cast<caf::actor>(this));
    finish(it);
  }

  void finish(record_iterator it) {
    demonitor(it->second.session.address());
    ids_by_actor_.erase(it->second.session.address());
    records_.erase(it);
    next();
  }

  void next() {
    ++checked_;
    setup_.closed->store(checked_, std::memory_order_relaxed);
    ++progress().done;
    if (may_spawn()) spawn_one();
    if (checked_ == setup_.sessions) {
      deliver();
    } else if (pausing() && checked_ == setup_.pause_at) {
      setup_.paused->set_value();
    }
  }

  bool pausing() const { return setup_.pause_at != 0 && setup_.pause_at < setup_.sessions; }

  bool may_spawn() const {
    if (launched_ >= setup_.sessions) return false;
    return !pausing() || resumed_ || launched_ < setup_.pause_at;
  }

  /// Spawns until `in_flight` sessions are going (or none may start now).
  void fill() {
    while (launched_ - checked_ < setup_.in_flight && may_spawn()) spawn_one();
  }

  void deliver() {
    tally_.finish();
    driver_report report;
    report.tally = std::move(tally_);
    report.sessions = checked_;
    report.llm_calls = llm_calls_;
    report.cancels = cancels_;
    out_->set_value(std::move(report));
    quit();
  }

  driver_setup setup_;
  std::promise<driver_report>* out_;
  std::uint64_t launched_ = 0;
  std::uint64_t checked_ = 0;
  std::uint64_t llm_calls_ = 0;
  std::uint64_t cancels_ = 0;
  bool resumed_ = false;                ///< past the pause
  std::deque<std::uint64_t> spawning_;  ///< session numbers of spawns not answered yet, in order
  std::unordered_map<std::string, record> records_;
  std::unordered_map<caf::actor_addr, std::string> ids_by_actor_;
  outcome_tally tally_;
};

}  // namespace

caf::actor start_driver(caf::actor_system& system, driver_setup setup,
                        std::promise<driver_report>& out) {
  return system.spawn<soak_driver>(std::move(setup), &out);
}

void resume_driver(const caf::actor& driver) {
  caf::anon_send(driver, go_atom_v);
}

}  // namespace alc_bench::soak
