#include "actors/session_actor.hpp"

#include <algorithm>
#include <utility>

#include <caf/all.hpp>

#include "actors/fork_group.hpp"
#include "actors/pending_answers.hpp"
#include "lua_bridge/budget_meter.hpp"
#include "lua_bridge/script_vm.hpp"
#include "messages/json_codec.hpp"
#include "messages/timestamp.hpp"
#include "messages/token_estimate.hpp"
#include "messages/wire.hpp"

namespace alc {
namespace {

/// Code run for an `advice` spec: the package's `run(ctx)`.
std::string advice_code(const advice_spec& advice) {
  return "return require(\"" + advice.strategy + "\").run(ctx)";
}

nlohmann::json advice_ctx(const session_spec& spec, const advice_spec& advice) {
  nlohmann::json ctx = spec.ctx.is_object() ? spec.ctx : nlohmann::json::object();
  if (advice.task) ctx["task"] = *advice.task;
  if (!advice.opts.is_null()) ctx["opts"] = advice.opts;
  return ctx;
}

/// `ctx._ns` names the session's state namespace; `default` otherwise.
std::string state_namespace_of(const nlohmann::json& ctx) {
  if (ctx.is_object()) {
    const auto it = ctx.find("_ns");
    if (it != ctx.end() && it->is_string()) return it->get<std::string>();
  }
  return "default";
}

live_state as_live(const execution_state& state) {
  if (const auto* paused = std::get_if<paused_state>(&state)) return *paused;
  return running_state{};
}

/// One session: its VM, its state machine, its subscribers and awaiters.
/// Every transition happens inside this actor, so each is atomic.
class session_actor final : public caf::event_based_actor {
 public:
  session_actor(caf::actor_config& cfg, session_setup setup)
      : caf::event_based_actor(cfg), setup_(std::move(setup)) {
    created_at_ = last_activity_ = unix_millis_now();
  }

  const char* name() const override { return "alc.session"; }

  caf::behavior make_behavior() override {
    set_down_handler([this](caf::down_msg& down) { on_down(down); });
    start();
    return {
        [this](continue_atom) { run_slice(); },
        [this](state_atom) -> execution_state {
          touch();
          return state_;
        },
        [this](resume_atom, const resume_payload& payload) { return on_resume(payload); },
        [this](cancel_atom, cancel_reason reason) {
          touch();
          cancel(std::move(reason));
          return caf::ok_atom_v;
        },
        [this](subscribe_atom, const caf::actor& subscriber) {
          on_subscribe(subscriber);
          return caf::ok_atom_v;
        },
        [this](unsubscribe_atom, const caf::actor& subscriber) {
          touch();
          drop_subscriber(subscriber.address());
          demonitor(subscriber);
          return caf::ok_atom_v;
        },
        [this](await_atom) { return on_await(); },
        [this](summary_atom) { return summary(); },
        [this](sweep_atom, caf::timespan ttl) { return on_sweep(ttl); },
        [this](evict_atom) {
          drop_children(cancel_reason{cancel_code::parent_dropped, "the parent session ended", 0});
          vm_.reset();
          quit();
        },
        [this](fork_atom, uint64_t child, const execution_state& state) {
          on_child_report(static_cast<std::size_t>(child), state);
        },
        // Replies of fork children to what we sent them.
        [](const resume_outcome&) {},
        [](caf::ok_atom) {},
    };
  }

 private:
  // ---- execution ----------------------------------------------------------

  void start() {
    if (setup_.shared_budget) {
      budget_ = setup_.shared_budget;
    } else {
      budget_limits limits;
      parse_budget(setup_.spec.ctx, limits);  // validated by the registry
      if (!limits.empty()) budget_ = std::make_shared<budget_meter>(limits);
    }
    if (auto parent = caf::actor_cast<caf::actor>(setup_.parent)) monitor(parent);
    if (setup_.first_subscriber) on_subscribe(setup_.first_subscriber);

    vm_options opts;
    opts.memory_limit = setup_.options.memory_limit;
    opts.cpu_limit = setup_.options.cpu_limit;
    opts.chunks = setup_.chunks;
    opts.clock = setup_.clock;
    opts.budget = budget_;
    opts.log = [this](log_level level, std::string_view text) {
      if (!subscribers_.empty()) emit(log_event{level, std::string(text)});
    };
    opts.progress = [this](int64_t step, int64_t total, std::optional<std::string_view> message) {
      if (subscribers_.empty()) return;
      std::optional<std::string> text;
      if (message) text.emplace(*message);
      emit(progress_event{step, total, std::move(text)});
    };
    opts.state_namespace = state_namespace_of(setup_.spec.ctx);
    opts.package_paths = setup_.options.package_paths;

    vm_error error;
    if (const auto* advice = std::get_if<advice_spec>(&setup_.spec.kind)) {
      vm_ = script_vm::create(advice_code(*advice), advice_ctx(setup_.spec, *advice),
                              std::move(opts), error);
    } else {
      vm_ = script_vm::create(std::get<run_spec>(setup_.spec.kind).code, setup_.spec.ctx,
                              std::move(opts), error);
    }
    if (!vm_) {
      finish(failed_state{std::move(error.message), error.kind, unix_millis_now()});
      return;
    }
    send(this, continue_atom_v);
  }

  /// Runs the script until it pauses, ends, or uses up its slice.
  void run_slice() {
    if (!vm_ || !std::holds_alternative<running_state>(state_)) return;  // stale continue
    if (awaiting_service_) return;  // resumes when the reply arrives
    for (;;) {
      step_result result = vm_->step(setup_.options.slice);
      if (std::holds_alternative<step_preempted>(result)) {
        // Through the clock, not the mailbox: the worker moves on to other
        // actors and this session queues behind them (fairness).
        delayed_send(this, std::chrono::nanoseconds{0}, continue_atom_v);
        return;
      }
      if (auto* call = std::get_if<step_host_call>(&result)) {
        if (const auto* llm = std::get_if<llm_call>(call->request)) {
          pause(*llm);
          return;
        }
        if (const auto* fork = std::get_if<fork_call>(call->request)) {
          start_fork(*fork);
          return;
        }
        const auto& state = std::get<state_call>(*call->request);
        if (setup_.state_store) {
          call_state_store(state);
          return;
        }
        vm_->answer_error("'state." + std::string(to_string(state.op)) +
                          "' is not available in this runtime");
        continue;
      }
      if (auto* done = std::get_if<step_done>(&result)) {
        std::optional<token_usage> usage;
        if (metrics_.llm_calls > 0) usage = metrics_.usage;
        finish(done_state{std::move(done->value), usage, unix_millis_now()});
        return;
      }
      auto& failed = std::get<step_failed>(result);
      finish(failed_state{std::move(failed.message), failed.kind, unix_millis_now()});
      return;
    }
  }

  /// The script stays running while the store works; other messages and
  /// sessions proceed, and the reply resumes the script.
  void call_state_store(const state_call& call) {
    awaiting_service_ = true;
    request(setup_.state_store, caf::infinite, store_atom_v, call)
        .then(
            [this](const std::string& result) {
              if (!take_service_reply()) return;
              auto value = parse_json_text(result);
              if (value) {
                vm_->answer_value(std::move(value).value());
              } else {
                vm_->answer_error("state: unreadable answer: " + value.error().message);
              }
              run_slice();
            },
            [this](caf::error& error) {
              if (!take_service_reply()) return;
              vm_->answer_error(error.context().match_element<std::string>(0)
                                    ? error.context().get_as<std::string>(0)
                                    : describe(error));
              run_slice();
            });
  }

  /// False when the session ended (cancelled) while the store worked.
  bool take_service_reply() {
    awaiting_service_ = false;
    return vm_ != nullptr && std::holds_alternative<running_state>(state_);
  }

  // ---- alc.fork --------------------------------------------------------------

  /// Spawns one child session per strategy; the script waits (running)
  /// until every child has ended, while their queries go out through us.
  void start_fork(const fork_call& call) {
    const std::vector<std::string>& strategies = call.strategies;
    const bool abort = call.abort_on_error;
    const nlohmann::json& ctx = call.ctx;
    awaiting_service_ = true;
    fork_.emplace(strategies, abort);
    for (std::size_t i = 0; i < strategies.size(); ++i) {
      session_spec spec;
      spec.kind = advice_spec{strategies[i], std::nullopt, nullptr};
      spec.ctx = ctx.is_object() ? ctx : nlohmann::json::object();
      spec.ctx["_ns"] = "fork-" + std::to_string(i + 1);
      session_setup child;
      child.id = setup_.id + ".fork-" + std::to_string(i + 1);
      child.spec = std::move(spec);
      child.options = setup_.options;
      child.chunks = setup_.chunks;
      child.clock = setup_.clock;
      child.state_store = setup_.state_store;
      child.parent = address();
      child.child_index = i;
      child.shared_budget = budget_;
      auto actor = spawn_session(this, std::move(child));
      monitor(actor);
      children_.push_back(std::move(actor));
    }
  }

  void on_child_report(std::size_t child, const execution_state& state) {
    if (!fork_ || !vm_ || child >= fork_->size()) return;  // the fork is over: stale
    fork_->report(child, state);
    if (fork_->abort_on_error()) {
      if (const auto failed = fork_->first_failure()) {
        const std::string message = "alc.fork: strategy '" + fork_->strategy(*failed) +
                                    "' failed: " + fork_->failure_message(*failed);
        end_fork(cancel_reason{cancel_code::internal,
                               "another strategy of the fork failed (on_error = abort)", 0});
        vm_->answer_error(message);
        run_slice();
        return;
      }
    }
    if (fork_->all_finished()) {
      auto results = fork_->results();
      end_fork(cancel_reason{cancel_code::internal, "the fork is over", 0});
      vm_->answer_value(std::move(results));
      run_slice();
      return;
    }
    pause_for_children();
  }

  /// Publishes the waiting children's queries as one pause of ours.
  void pause_for_children() {
    if (!fork_ || !std::holds_alternative<running_state>(state_) || !fork_->ready_to_pause()) {
      return;
    }
    const pause_info merged =
        fork_->merged_pause([this] { return "q-" + std::to_string(vm_->reserve_query_ids(1)); });
    pause(llm_call{merged.kind, merged.prompts});
  }

  /// Sends each child its answers; they report again when they pause or end.
  void route_to_children(std::vector<query_response> answers) {
    for (auto& [child, payload] : fork_->route(answers)) {
      send(children_.at(child), resume_atom_v, std::move(payload));
    }
  }

  void end_fork(const cancel_reason& reason) {
    drop_children(reason);
    fork_.reset();
    awaiting_service_ = false;
  }

  /// Cancels (if still live) and removes every fork child.
  void drop_children(const cancel_reason& reason) {
    for (const auto& child : children_) {
      demonitor(child);
      send(child, cancel_atom_v, reason);
      send(child, evict_atom_v);
    }
    children_.clear();
  }

  void on_down(const caf::down_msg& down) {
    if (down.source == setup_.parent) {
      cancel(cancel_reason{cancel_code::parent_dropped, "the parent session is gone", 0});
      quit();
      return;
    }
    for (std::size_t i = 0; i < children_.size(); ++i) {
      if (children_[i].address() == down.source) {
        on_child_report(
            i, failed_state{"fork child terminated unexpectedly: " + to_string(down.reason),
                            failure_kind::engine_error, unix_millis_now()});
        return;
      }
    }
    drop_subscriber(down.source);
  }

  /// A fork child tells its parent each time it pauses or ends.
  void report_to_parent() {
    if (auto parent = caf::actor_cast<caf::actor>(setup_.parent)) {
      send(parent, fork_atom_v, static_cast<uint64_t>(setup_.child_index), state_);
    }
  }

  void pause(const llm_call& call) {
    paused_state paused;
    paused.info.kind = call.kind;
    paused.info.prompts = call.queries;
    paused.paused_at = unix_millis_now();
    metrics_.llm_calls += static_cast<int64_t>(call.queries.size());
    metrics_.pauses += 1;
    for (const auto& query : call.queries) {
      metrics_.prompt_chars += static_cast<int64_t>(query.prompt.size());
    }
    pending_.start(paused.info);
    transition_to(paused);
    if (!subscribers_.empty()) {
      emit(pause_requested_event{paused.info});
      for (const auto& query : paused.info.prompts) emit(llm_call_begin_event{query.query_id});
    }
    report_to_parent();
  }

  caf::result<resume_outcome> on_resume(const resume_payload& payload) {
    touch();
    if (std::holds_alternative<cancelled_state>(state_)) {
      return make_verb_error(error_code::already_cancelled,
                             "session " + setup_.id + " was cancelled");
    }
    const auto* paused = std::get_if<paused_state>(&state_);
    if (paused == nullptr) {
      const std::string actual(state_name(state_));
      return make_verb_error(error_code::not_paused,
                             "session " + setup_.id + " is " + actual + ", not paused", actual);
    }
    auto verdict = pending_.accept(payload);
    if (auto* error = std::get_if<verb_error>(&verdict)) {
      return make_verb_error(error->code, std::move(error->message));
    }
    const auto& accepted = std::get<pending_answers::accepted>(verdict);
    emit(resume_accepted_event{
        std::holds_alternative<batch_payload>(payload) ? pause_kind::batch : pause_kind::single});
    for (const std::size_t index : accepted.answered) {
      account_answer(paused->info.prompts[index], pending_.answer(index));
    }
    if (accepted.remaining > 0) return resume_accepted{accepted.remaining};

    metrics_.rounds += 1;
    if (fork_) {
      // The answers belong to our fork children; our script keeps waiting.
      route_to_children(pending_.take_answers());
      transition_to(running_state{});
      pause_for_children();
      return resume_continued{};
    }
    vm_->answer_llm(pending_.take_responses());
    transition_to(running_state{});
    run_slice();
    return resume_continued{};
  }

  // Usage of one answered query: the host's figures, else the estimate.
  void account_answer(const llm_query& query, const query_response& answer) {
    token_usage usage;
    if (answer.usage) {
      usage = *answer.usage;
    } else {
      usage.prompt_tokens =
          estimate_tokens(query.prompt) + (query.system ? estimate_tokens(*query.system) : 0);
      usage.completion_tokens = estimate_tokens(answer.response);
    }
    metrics_.usage += usage;
    metrics_.response_chars += static_cast<int64_t>(answer.response.size());
    // A fork child records its own usage against the shared budget.
    if (budget_ && !fork_) budget_->record_tokens(usage.prompt_tokens + usage.completion_tokens);
    if (!subscribers_.empty()) emit(llm_call_end_event{query.query_id, usage});
  }

  void cancel(cancel_reason reason) {
    if (is_terminal(state_)) return;  // idempotent: terminal sessions stay as they are
    if (reason.requested_at == 0) reason.requested_at = unix_millis_now();
    pending_.clear();
    drop_children(cancel_reason{cancel_code::parent_dropped,
                                "the parent session was cancelled: " + reason.detail, 0});
    fork_.reset();
    finish(cancelled_state{std::move(reason), unix_millis_now(), as_live(state_)});
  }

  void finish(terminal_outcome outcome) {
    vm_.reset();  // the VM's memory goes now, not at eviction
    transition_to(to_execution_state(outcome));
    for (auto& promise : awaiters_) promise.deliver(outcome);
    awaiters_.clear();
    emit(closed_event{});
    if (auto registry = caf::actor_cast<caf::actor>(setup_.registry)) {
      send(registry, finished_atom_v, setup_.id);
    }
    report_to_parent();
  }

  // ---- verbs ----------------------------------------------------------------

  void on_subscribe(const caf::actor& subscriber) {
    touch();
    if (!subscriber) return;
    const bool known =
        std::find(subscribers_.begin(), subscribers_.end(), subscriber) != subscribers_.end();
    if (!known) {
      subscribers_.push_back(subscriber);
      monitor(subscriber);
    }
    const auto now = unix_millis_now();
    send(subscriber, event_atom_v, setup_.id, session_event{snapshot_event{state_}, now});
    if (is_terminal(state_))
      send(subscriber, event_atom_v, setup_.id, session_event{closed_event{}, now});
  }

  caf::result<terminal_outcome> on_await() {
    touch();
    if (auto outcome = to_terminal_outcome(state_)) return std::move(*outcome);
    awaiters_.push_back(make_response_promise());
    return caf::delegated<terminal_outcome>{};  // answered by finish()
  }

  /// Evictable when nobody listens and nothing happened for `ttl`; a live
  /// session is cancelled with `timeout` first, so awaiters hear why.
  bool on_sweep(caf::timespan ttl) {
    const auto idle_ms = unix_millis_now() - last_activity_;
    const auto ttl_ms = std::chrono::duration_cast<std::chrono::milliseconds>(ttl).count();
    if (!subscribers_.empty() || idle_ms < ttl_ms) return false;
    cancel(cancel_reason{cancel_code::timeout,
                         "idle for more than " + std::to_string(ttl_ms) + " ms", 0});
    return true;
  }

  session_summary summary() const {
    return session_summary{setup_.id,      std::string(state_name(state_)),           created_at_,
                           last_activity_, static_cast<int64_t>(subscribers_.size()), metrics_};
  }

  // ---- events -------------------------------------------------------------

  void transition_to(execution_state next) {
    const std::string_view from = state_name(state_);
    const std::string_view to = state_name(next);
    state_ = std::move(next);
    touch();
    if (!subscribers_.empty()) emit(state_transition_event{std::string(from), std::string(to)});
  }

  void emit(event_body body) {
    if (subscribers_.empty()) return;
    const session_event event{std::move(body), unix_millis_now()};
    for (const auto& subscriber : subscribers_) send(subscriber, event_atom_v, setup_.id, event);
  }

  void drop_subscriber(const caf::actor_addr& who) {
    subscribers_.erase(std::remove_if(subscribers_.begin(), subscribers_.end(),
                                      [&](const caf::actor& s) { return s.address() == who; }),
                       subscribers_.end());
  }

  void touch() { last_activity_ = unix_millis_now(); }

  session_setup setup_;
  std::unique_ptr<script_vm> vm_;
  std::shared_ptr<budget_meter> budget_;
  execution_state state_ = running_state{};
  pending_answers pending_;
  std::vector<caf::actor> subscribers_;
  std::vector<caf::response_promise> awaiters_;
  session_metrics metrics_;
  int64_t created_at_ = 0;
  int64_t last_activity_ = 0;
  bool awaiting_service_ = false;
  std::optional<fork_group> fork_;    ///< the `alc.fork` in progress
  std::vector<caf::actor> children_;  ///< its child sessions, in strategy order
};

}  // namespace

caf::actor spawn_session(caf::local_actor* parent, session_setup setup) {
  return parent->spawn<session_actor>(std::move(setup));
}

}  // namespace alc
