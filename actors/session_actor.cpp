#include "actors/session_actor.hpp"

#include <utility>
#include <variant>

#include <caf/all.hpp>

#include "actors/fork_children.hpp"
#include "actors/pending_answers.hpp"
#include "actors/session_machine.hpp"
#include "actors/session_subscribers.hpp"
#include "lua_bridge/budget_meter.hpp"
#include "lua_bridge/memory_account.hpp"
#include "lua_bridge/script_vm.hpp"
#include "messages/json_codec.hpp"
#include "messages/timestamp.hpp"
#include "messages/token_estimate.hpp"
#include "messages/wire.hpp"

namespace alc {
namespace {

std::string describe_exception(const std::exception_ptr& thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

live_state as_live(const execution_state& state) {
  if (const auto* paused = std::get_if<paused_state>(&state)) return *paused;
  return running_state{};
}

/// What the waiting script gets back: LLM answers, a value, or an error it raises.
struct reply_error {
  std::string message;
};
using script_reply =
    std::variant<std::monostate, std::vector<std::string>, nlohmann::json, reply_error>;

/// The data an input carries to the effects of its transition. The machine
/// decides which effects run; each takes only its own field.
struct transition_data {
  std::optional<pause_info> pause;            ///< publish_pause
  script_reply reply;                         ///< answer_script
  std::vector<query_response> child_answers;  ///< answer_children
  const host_call* store_request = nullptr;   ///< ask_store: a state_call or card_call
  const fork_call* fork_request = nullptr;    ///< start_children
  cancel_reason stop;                         ///< stop_children
  std::optional<terminal_outcome> outcome;    ///< finish
};

/// One session: a mailbox around its session_machine. Handlers turn
/// messages into machine inputs; `advance` applies the transition's effects.
class session_actor final : public session_internal_handle::base {
 public:
  session_actor(caf::actor_config& cfg, session_setup setup)
      : session_internal_handle::base(cfg), setup_(std::move(setup)) {
    created_at_ = last_activity_ = unix_millis_now();
  }

  const char* name() const override { return "alc.session"; }

  /// However the actor ends (an exception, a kill, an exit message), a
  /// session still live reaches a terminal state its awaiters, subscribers,
  /// registry and fork parent all hear of.
  void on_exit() override {
    if (machine_.terminal()) return;
    try {
      fail_engine("session actor terminated unexpectedly: " + to_string(fail_state()));
    } catch (...) {
      // Out of memory while reporting: the registry's down message still
      // records the session failed.
    }
  }

  behavior_type make_behavior() override {
    set_down_handler([this](caf::down_msg& down) { on_down(down); });
    // No exception leaves a handler unseen: the actor quits with it, and
    // on_exit ends the session visibly.
    set_exception_handler([](std::exception_ptr& thrown) -> caf::error {
      return caf::make_error(caf::sec::runtime_error,
                             "an exception escaped a handler: " + describe_exception(thrown));
    });
    start();
    return {
        [this](continue_atom) {
          if (machine_.phase() == session_phase::running && vm_) run_slice();  // else stale
        },
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
          subscribe(subscriber);
          return caf::ok_atom_v;
        },
        [this](unsubscribe_atom, const caf::actor& subscriber) {
          touch();
          subscribers_.remove(subscriber.address());
          demonitor(subscriber);
          return caf::ok_atom_v;
        },
        [this](await_atom) { return on_await(); },
        [this](summary_atom) { return summary(); },
        [this](sweep_atom, caf::timespan ttl) { return on_sweep(ttl); },
        [this](evict_atom) {
          children_.stop(this,
                         cancel_reason{cancel_code::parent_dropped, "the parent session ended", 0});
          vm_.reset();
          quit();
        },
        [this](fork_atom, uint64_t child, const execution_state& state) {
          on_child_report(static_cast<std::size_t>(child), state);
        },
    };
  }

 private:
  // ---- the machine --------------------------------------------------------

  void advance(session_input input, transition_data data) {
    const auto taken = machine_.fire(input);
    if (!taken) {
      // A bug in this actor, never a script's doing: end the session visibly.
      if (input == session_input::engine_failed) return;  // ended already
      fail_engine("illegal transition: " + std::string(to_string(input)) + " in phase " +
                  std::string(to_string(machine_.phase())));
      return;
    }
    const session_effect effects = taken->effects;
    if (has(effects, session_effect::stop_children)) children_.stop(this, data.stop);
    if (has(effects, session_effect::answer_script)) answer_script(std::move(data.reply));
    if (has(effects, session_effect::answer_children)) children_.route(data.child_answers);
    if (has(effects, session_effect::ask_store)) ask_store(*data.store_request);
    if (has(effects, session_effect::start_children)) {
      children_.start(this, setup_, *data.fork_request, budget_);
    }
    enter(*taken, data);
    if (has(effects, session_effect::publish_pause)) publish_pause();
    if (has(effects, session_effect::finish)) finish(std::move(*data.outcome));
    if (has(effects, session_effect::run_slice)) run_slice();
    if (has(effects, session_effect::schedule_slice)) {
      // Through the clock, not the mailbox: the worker moves on to other
      // actors and this session queues behind them (fairness).
      delayed_send(this, std::chrono::nanoseconds{0}, continue_atom_v);
    }
  }

  /// The public state after a transition, and its event when it changed.
  void enter(const session_transition& t, transition_data& data) {
    const std::string_view from = state_name(state_);
    if (data.pause) {
      paused_state paused;
      paused.info = std::move(*data.pause);
      paused.paused_at = unix_millis_now();
      state_ = std::move(paused);
    } else if (data.outcome && is_terminal(t.to)) {
      state_ = to_execution_state(*data.outcome);
    } else if (public_state_name(t.to) == "running") {
      state_ = running_state{};
    }
    if (public_state_name(t.to) != "paused") pending_.clear();
    touch();
    if (session_machine::changes_public_state(t)) {
      emit(state_transition_event{std::string(from), std::string(state_name(state_))});
    }
  }

  /// Ends the session as `engine_error`: a fault of the runtime, made visible.
  void fail_engine(std::string message) {
    transition_data data;
    data.outcome = failed_state{std::move(message), failure_kind::engine_error, unix_millis_now()};
    data.stop = cancel_reason{cancel_code::parent_dropped, "the parent session failed", 0};
    advance(session_input::engine_failed, std::move(data));
  }

  // ---- execution ----------------------------------------------------------

  void start() {
    if (setup_.shared_budget) {
      budget_ = setup_.shared_budget;
    } else if (!setup_.plan.budget.empty()) {
      budget_ = std::make_shared<budget_meter>(setup_.plan.budget);
    }
    if (!setup_.family_memory && setup_.options.fork_memory_limit != 0) {
      setup_.family_memory = std::make_shared<memory_account>(setup_.options.fork_memory_limit);
    }
    if (auto parent = caf::actor_cast<caf::actor>(setup_.parent)) monitor(parent);
    if (setup_.first_subscriber) subscribe(setup_.first_subscriber);

    vm_options opts;
    opts.memory_limit = setup_.options.memory_limit;
    opts.cpu_limit = setup_.options.cpu_limit;
    opts.chunks = setup_.chunks;
    opts.clock = setup_.clock;
    opts.budget = budget_;
    opts.log = [this](std::string_view level, std::string_view text) {
      emit(log_event{std::string(level), std::string(text)});
    };
    opts.progress = [this](int64_t step, int64_t total, std::optional<std::string_view> message) {
      if (subscribers_.empty()) return;
      std::optional<std::string> text;
      if (message) text.emplace(*message);
      emit(progress_event{step, total, std::move(text)});
    };
    opts.state_namespace = setup_.plan.state_namespace;
    opts.chunk_name = setup_.plan.chunk_name;
    opts.package_paths = setup_.options.package_paths;
    opts.environment = setup_.environment;
    opts.max_fork_children = setup_.options.max_fork_children;
    opts.family_memory = setup_.family_memory;

    vm_error error;
    vm_ = script_vm::create(setup_.plan.code, setup_.plan.ctx, std::move(opts), error);
    if (!vm_) {
      transition_data data;
      data.outcome = failed_state{std::move(error.message), error.kind, unix_millis_now()};
      advance(session_input::script_failed, std::move(data));
      return;
    }
    send(this, continue_atom_v);
  }

  /// Runs the script until it pauses, ends, waits for a service or uses up its slice.
  void run_slice() {
    for (;;) {
      step_result result = vm_->step(setup_.options.slice);
      transition_data data;
      if (std::holds_alternative<step_preempted>(result)) {
        advance(session_input::slice_preempted, std::move(data));
        return;
      }
      if (auto* call = std::get_if<step_host_call>(&result)) {
        if (const auto* llm = std::get_if<llm_call>(call->request)) {
          data.pause = pause_info{llm->kind, llm->queries};
          advance(session_input::called_llm, std::move(data));
          return;
        }
        if (const auto* fork = std::get_if<fork_call>(call->request)) {
          data.fork_request = fork;
          advance(session_input::called_fork, std::move(data));
          return;
        }
        if (!setup_.state_store) {
          vm_->answer_error("'" + store_call_name(*call->request) +
                            "' is not available in this runtime");
          continue;
        }
        data.store_request = call->request;
        advance(session_input::called_store, std::move(data));
        return;
      }
      if (auto* done = std::get_if<step_done>(&result)) {
        std::optional<token_usage> usage;
        if (metrics_.llm_calls > 0) usage = metrics_.usage;
        data.outcome = done_state{std::move(done->value), usage, unix_millis_now()};
        advance(session_input::script_returned, std::move(data));
        return;
      }
      auto& failed = std::get<step_failed>(result);
      data.outcome = failed_state{std::move(failed.message), failed.kind, unix_millis_now()};
      advance(session_input::script_failed, std::move(data));
      return;
    }
  }

  void answer_script(script_reply reply) {
    if (auto* responses = std::get_if<std::vector<std::string>>(&reply)) {
      vm_->answer_llm(std::move(*responses));
    } else if (auto* value = std::get_if<nlohmann::json>(&reply)) {
      vm_->answer_value(std::move(*value));
    } else if (auto* error = std::get_if<reply_error>(&reply)) {
      vm_->answer_error(std::move(error->message));
    }
  }

  /// The script stays running while the store works; other messages and
  /// sessions proceed, and the reply resumes the script.
  void ask_store(const host_call& call) {
    auto on_result = [this](const std::string& result) {
      if (machine_.phase() != session_phase::awaiting_store) return;  // cancelled meanwhile
      transition_data data;
      auto value = parse_json_text(result);
      if (value) {
        data.reply = std::move(value).value();
      } else {
        data.reply = reply_error{"store: unreadable answer: " + value.error().message};
      }
      advance(session_input::store_answered, std::move(data));
    };
    auto on_error = [this](caf::error& error) {
      if (machine_.phase() != session_phase::awaiting_store) return;
      transition_data data;
      data.reply = reply_error{error.context().match_element<std::string>(0)
                                   ? error.context().get_as<std::string>(0)
                                   : describe(error)};
      advance(session_input::store_answered, std::move(data));
    };
    if (const auto* card = std::get_if<card_call>(&call)) {
      request(setup_.state_store, caf::infinite, store_atom_v, *card).then(on_result, on_error);
    } else {
      request(setup_.state_store, caf::infinite, store_atom_v, std::get<state_call>(call))
          .then(on_result, on_error);
    }
  }

  /// `state.get`, `card.create` ...: the call as the script wrote it.
  static std::string store_call_name(const host_call& call) {
    if (const auto* card = std::get_if<card_call>(&call)) {
      return "card." + std::string(to_string(card->op));
    }
    return "state." + std::string(to_string(std::get<state_call>(call).op));
  }

  // ---- pauses and answers ---------------------------------------------------

  void publish_pause() {
    const auto& info = std::get<paused_state>(state_).info;
    metrics_.llm_calls += static_cast<int64_t>(info.prompts.size());
    metrics_.pauses += 1;
    for (const auto& query : info.prompts) {
      // Bytes of prompt plus system text, as the original counts them.
      metrics_.prompt_chars +=
          static_cast<int64_t>(query.prompt.size() + (query.system ? query.system->size() : 0));
    }
    pending_.start(info);
    if (!subscribers_.empty()) {
      emit(pause_requested_event{info});
      for (const auto& query : info.prompts) emit(llm_call_begin_event{query.query_id});
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
    transition_data data;
    if (machine_.phase() == session_phase::paused_for_children) {
      data.child_answers = pending_.take_answers();  // they belong to our fork children
    } else if (auto failed = pending_.first_error()) {
      // The host could not answer: the script's call raises, pcall can catch it.
      const auto& query = paused->info.prompts[failed->first];
      data.reply = reply_error{paused->info.kind == pause_kind::batch
                                   ? "alc.llm_batch: item " + std::to_string(failed->first + 1) +
                                         " (" + query.query_id + "): " + failed->second
                                   : "alc.llm: " + failed->second};
      pending_.clear();
    } else {
      data.reply = pending_.take_responses();
    }
    advance(session_input::answers_completed, std::move(data));
    return resume_continued{};
  }

  // Usage of one answered query: each count as the host reported it, else
  // its estimate (the system text counts as prompt). A failed answer counts
  // only what the host reported: nothing may have reached a model.
  void account_answer(const llm_query& query, const query_response& answer) {
    const reported_usage reported = answer.usage.value_or(reported_usage{});
    token_usage usage;
    if (answer.error) {
      usage.prompt_tokens = reported.prompt_tokens.value_or(0);
      usage.completion_tokens = reported.completion_tokens.value_or(0);
    } else {
      usage.prompt_tokens = reported.prompt_tokens.value_or(
          estimate_tokens(query.prompt) + (query.system ? estimate_tokens(*query.system) : 0));
      usage.completion_tokens =
          reported.completion_tokens.value_or(estimate_tokens(answer.response));
    }
    metrics_.usage += usage;
    metrics_.response_chars += static_cast<int64_t>(answer.response.size());
    // A fork child records its own usage against the shared budget.
    if (budget_ && !children_.active()) {
      budget_->record_tokens(usage.total());
    }
    emit(llm_call_end_event{query.query_id, usage});
  }

  // ---- alc.fork -------------------------------------------------------------

  void on_child_report(std::size_t child, const execution_state& state) {
    if (!children_.active() || !vm_) return;  // the fork is over: stale
    auto verdict = children_.report(child, state);
    if (verdict.end) {
      transition_data data;
      if (verdict.end->results) {
        data.reply = std::move(*verdict.end->results);
      } else {
        data.reply = reply_error{std::move(verdict.end->error)};
      }
      data.stop = std::move(verdict.end->stop);
      advance(session_input::children_ended, std::move(data));
      return;
    }
    if (verdict.ready_to_pause && machine_.phase() == session_phase::awaiting_children) {
      transition_data data;
      data.pause = children_.merged_pause(
          [this] { return "q-" + std::to_string(vm_->reserve_query_ids(1)); });
      advance(session_input::children_paused, std::move(data));
    }
  }

  /// A fork child tells its parent each time it pauses or ends.
  void report_to_parent() {
    if (auto parent = caf::actor_cast<caf::actor>(setup_.parent)) {
      anon_send(parent, fork_atom_v, static_cast<uint64_t>(setup_.child_index), state_);
    }
  }

  void on_down(const caf::down_msg& down) {
    if (down.source == setup_.parent) {
      cancel(cancel_reason{cancel_code::parent_dropped, "the parent session is gone", 0});
      quit();
      return;
    }
    if (const auto child = children_.index_of(down.source)) {
      on_child_report(*child,
                      failed_state{"fork child terminated unexpectedly: " + to_string(down.reason),
                                   failure_kind::engine_error, unix_millis_now()});
      return;
    }
    subscribers_.remove(down.source);
  }

  // ---- the end --------------------------------------------------------------

  void cancel(cancel_reason reason) {
    if (machine_.terminal()) return;  // idempotent: ended sessions stay as they are
    if (reason.requested_at == 0) reason.requested_at = unix_millis_now();
    transition_data data;
    data.stop = cancel_reason{
        cancel_code::parent_dropped,
        "the parent session was cancelled: " + reason.detail.value_or("no reason given"), 0};
    data.outcome = cancelled_state{std::move(reason), unix_millis_now(), as_live(state_)};
    advance(session_input::cancel_requested, std::move(data));
  }

  void finish(const terminal_outcome& outcome) {
    vm_.reset();  // the VM's memory goes now, not at eviction
    for (auto& promise : awaiters_) promise.deliver(outcome);
    awaiters_.clear();
    emit(closed_event{});
    if (auto registry = caf::actor_cast<caf::actor>(setup_.registry)) {
      anon_send(registry, finished_atom_v, setup_.id);
    }
    report_to_parent();
  }

  // ---- verbs ----------------------------------------------------------------

  void subscribe(const caf::actor& subscriber) {
    touch();
    if (!subscriber) return;
    if (subscribers_.add(subscriber)) monitor(subscriber);
    session_subscribers::greet(this, subscriber, setup_.id, state_);
  }

  caf::result<terminal_outcome> on_await() {
    touch();
    if (auto outcome = to_terminal_outcome(state_)) return std::move(*outcome);
    awaiters_.push_back(make_response_promise<terminal_outcome>());
    return caf::delegated<terminal_outcome>{};  // delivered by finish()
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

  void emit(event_body body) { subscribers_.emit(this, setup_.id, std::move(body)); }

  void touch() { last_activity_ = unix_millis_now(); }

  session_setup setup_;
  session_machine machine_;
  std::unique_ptr<script_vm> vm_;
  std::shared_ptr<budget_meter> budget_;
  execution_state state_ = running_state{};  ///< the public view of machine_'s phase
  pending_answers pending_;
  session_subscribers subscribers_;
  std::vector<caf::typed_response_promise<terminal_outcome>> awaiters_;
  fork_children children_;
  session_metrics metrics_;
  int64_t created_at_ = 0;
  int64_t last_activity_ = 0;
};

}  // namespace

session_internal_handle spawn_session(caf::local_actor* parent, session_setup setup) {
  return parent->spawn<session_actor>(std::move(setup));
}

}  // namespace alc
