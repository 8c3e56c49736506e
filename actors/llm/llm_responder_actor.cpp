// The LLM responder actor: sessions' pauses in, one attempt per prompt out
// through its transport, resumes back through the registry.
#include <cstdlib>
#include <map>
#include <random>
#include <unordered_set>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/llm/dispatch.hpp"
#include "actors/llm/query_transport.hpp"
#include "actors/llm/retry_policy.hpp"
#include "alc/answer_all.hpp"
#include "alc/llm_responder.hpp"
#include "messages/wire.hpp"

namespace alc {
namespace {

/// The public contract plus the signals only the responder sends itself.
using responder_actor = llm_responder_handle::extend<caf::reacts_to<llm_ready_atom>,
                                                     caf::reacts_to<llm_retry_atom, uint64_t>>;

class responder_impl final : public responder_actor::base {
 public:
  responder_impl(caf::actor_config& cfg, registry_handle registry, llm_endpoint endpoint,
                 std::string api_key)
      : responder_actor::base(cfg),
        registry_(std::move(registry)),
        endpoint_(std::move(endpoint)),
        label_(endpoint_label(endpoint_)),
        key_missing_(api_key.empty()),
        jobs_(endpoint_.max_concurrency),
        // The transport's thread holds only our address: it must not keep us alive.
        transport_(llm::make_query_transport(endpoint_, std::move(api_key), [address = address()] {
          if (auto me = caf::actor_cast<caf::actor>(address)) {
            caf::anon_send(me, llm_ready_atom_v);
          }
        })) {}

  const char* name() const override { return "alc.llm_responder"; }

  behavior_type make_behavior() override {
    return {
        [this](watch_atom, const std::string& id) { return watch(id); },
        [this](event_atom, const std::string& id, const session_event& event) {
          on_event(id, event);
        },
        [this](stats_atom) { return stats(); },
        [this](llm_ready_atom) { on_ready(); },
        [this](llm_retry_atom, uint64_t job) { on_retry(job); },
    };
  }

  /// Stops every attempt before the actor goes (the transport's destructor
  /// would too, but only when the last reference to us is dropped).
  void on_exit() override { transport_.reset(); }

 private:
  caf::result<caf::ok_atom> watch(const std::string& id) {
    auto promise = make_response_promise<caf::ok_atom>();
    request(registry_, caf::infinite, subscribe_atom_v, id, caf::actor_cast<caf::actor>(this))
        .then([promise](caf::ok_atom) mutable { promise.deliver(caf::ok_atom_v); },
              [promise](caf::error& error) mutable { promise.deliver(std::move(error)); });
    return promise;
  }

  void on_event(const std::string& id, const session_event& event) {
    if (std::holds_alternative<closed_event>(event.body)) return end_session(id);
    if (const auto* snapshot = std::get_if<snapshot_event>(&event.body)) {
      if (is_terminal(snapshot->state)) return end_session(id);
      sessions_.insert(id);
      if (const auto* paused = std::get_if<paused_state>(&snapshot->state))
        on_pause(id, paused->info);
      return;
    }
    sessions_.insert(id);
    if (const auto* pause = std::get_if<pause_requested_event>(&event.body)) {
      return on_pause(id, pause->info);
    }
    if (const auto* transition = std::get_if<state_transition_event>(&event.body)) {
      // A cancel (or any end) stops the session's requests at once.
      if (transition->to == "cancelled" || transition->to == "failed" || transition->to == "done") {
        end_session(id);
      }
    }
  }

  llm_responder_stats stats() const {
    llm_responder_stats out = counters_;
    out.queued = jobs_.queued();
    out.in_flight = jobs_.in_flight();
    out.backing_off = jobs_.backing_off();
    out.sessions = sessions_.size();
    return out;
  }

  /// Finished attempts: answers and final failures go back to their
  /// sessions (one resume per session), failures worth a retry wait.
  void on_ready() {
    std::map<std::string, std::pair<pause_kind, std::vector<query_response>>> answers;
    for (auto& done : transport_->take_finished()) {
      llm::dispatch::job* job = jobs_.attempt_ended(done.job);
      if (job == nullptr) continue;  // its session ended: nobody waits for it
      auto& entry = answers[job->session_id];
      entry.first = job->kind;
      if (auto* answered = std::get_if<llm::answer>(&done.outcome)) {
        entry.second.push_back(
            query_response{job->query.query_id, std::move(answered->text), answered->usage});
        counters_.done += 1;
        jobs_.finish(done.job);
        continue;
      }
      const auto& failed = std::get<llm::failure>(done.outcome);
      const auto verdict = llm::decide_retry(endpoint_, job->attempts, failed, unit_(random_));
      if (verdict.wait) {
        counters_.retried += 1;
        jobs_.back_off(done.job);
        delayed_send(this, *verdict.wait, llm_retry_atom_v, done.job);
        continue;
      }
      entry.second.push_back(query_response{job->query.query_id, "", failed_usage(),
                                            give_up_message(*job, failed, verdict.note)});
      counters_.failed += 1;
      jobs_.finish(done.job);
    }
    for (auto& [session, entry] : answers) {
      if (entry.second.empty()) continue;
      resume(session, resume_payload_for(entry.first, std::move(entry.second)));
    }
    start_ready();
  }

  void on_retry(uint64_t job) {
    if (jobs_.retry(job)) start_ready();
  }

  void on_pause(const std::string& id, const pause_info& info) {
    if (jobs_.add_pause(id, info) > 0) start_ready();
  }

  void start_ready() {
    for (const uint64_t job : jobs_.start_ready()) {
      // A job that is just started is in flight; attempt_ended finds it.
      transport_->submit(job, jobs_.attempt_ended(job)->query);
    }
  }

  void end_session(const std::string& id) {
    sessions_.erase(id);
    std::size_t dropped = 0;
    for (const uint64_t job : jobs_.drop_session(id, dropped)) transport_->abort(job);
    counters_.aborted += dropped;
    start_ready();  // their slots are free
  }

  void resume(const std::string& session, resume_payload payload) {
    // A session that ended or was answered by someone else meanwhile refuses
    // the payload: nothing is lost, nobody waits for it.
    request(registry_, caf::infinite, resume_atom_v, session, std::move(payload))
        .then([](const resume_outcome&) {}, [](const caf::error&) {});
  }

  static std::optional<reported_usage> failed_usage() { return std::nullopt; }

  /// `openai endpoint http://h/v1: HTTP 500 Internal Server Error: boom (after 4 attempts)`.
  std::string give_up_message(const llm::dispatch::job& job, const llm::failure& failed,
                              const std::string& note) const {
    std::string message = label_ + ": " + failed.message;
    if ((failed.http_status == 401 || failed.http_status == 403) && key_missing_ &&
        !endpoint_.api_key_env.empty()) {
      message += " (no API key: " + endpoint_.api_key_env + " is not set)";
    }
    if (job.attempts > 1) message += " (after " + std::to_string(job.attempts) + " attempts)";
    if (!note.empty()) message += "; " + note;
    return message;
  }

  registry_handle registry_;
  llm_endpoint endpoint_;
  std::string label_;
  bool key_missing_ = true;
  llm::dispatch jobs_;
  std::unique_ptr<llm::query_transport> transport_;
  std::unordered_set<std::string> sessions_;
  llm_responder_stats counters_;
  std::mt19937_64 random_{std::random_device{}()};
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
};

}  // namespace

caf::expected<llm_responder_handle> spawn_llm_responder(caf::actor_system& system,
                                                        registry_handle registry,
                                                        llm_endpoint endpoint) {
  if (auto problem = check_endpoint(endpoint)) {
    return caf::make_error(caf::sec::invalid_argument, *problem);
  }
  endpoint = with_defaults(std::move(endpoint));
  std::string api_key;
  if (!endpoint.api_key_env.empty()) {
    if (const char* value = std::getenv(endpoint.api_key_env.c_str())) api_key = value;
  }
  return caf::actor_cast<llm_responder_handle>(
      system.spawn<responder_impl>(std::move(registry), std::move(endpoint), std::move(api_key)));
}

// ---- the blocking facade ------------------------------------------------------

llm_responder::llm_responder(caf::actor_system& system, llm_responder_handle handle,
                             llm_endpoint endpoint)
    : system_(&system), handle_(std::move(handle)), endpoint_(std::move(endpoint)) {}

caf::expected<llm_responder> llm_responder::start(caf::actor_system& system,
                                                  registry_handle registry, llm_endpoint endpoint) {
  auto handle = spawn_llm_responder(system, std::move(registry), endpoint);
  if (!handle) return std::move(handle.error());
  return llm_responder{system, std::move(*handle), with_defaults(std::move(endpoint))};
}

llm_responder::~llm_responder() {
  stop();
}

llm_responder::llm_responder(llm_responder&& other) noexcept
    : system_(other.system_),
      handle_(std::move(other.handle_)),
      endpoint_(std::move(other.endpoint_)) {
  other.handle_ = nullptr;
}

llm_responder& llm_responder::operator=(llm_responder&& other) noexcept {
  if (this != &other) {
    stop();
    system_ = other.system_;
    handle_ = std::move(other.handle_);
    endpoint_ = std::move(other.endpoint_);
    other.handle_ = nullptr;
  }
  return *this;
}

void llm_responder::stop() {
  if (!handle_) return;
  caf::scoped_actor self{*system_};
  self->send_exit(handle_, caf::exit_reason::user_shutdown);
  self->wait_for(handle_);  // its transport has stopped once we return
  handle_ = nullptr;
}

caf::error llm_responder::watch(const std::string& id) const {
  caf::scoped_actor self{*system_};
  caf::error result;
  self->request(handle_, std::chrono::seconds{30}, watch_atom_v, id)
      .receive([](caf::ok_atom) {}, [&](caf::error& error) { result = std::move(error); });
  return result;
}

caf::expected<llm_responder_stats> llm_responder::stats() const {
  caf::scoped_actor self{*system_};
  caf::expected<llm_responder_stats> result{caf::sec::request_timeout};
  self->request(handle_, std::chrono::seconds{30}, stats_atom_v)
      .receive([&](llm_responder_stats& stats) { result = stats; },
               [&](caf::error& error) { result = std::move(error); });
  return result;
}

}  // namespace alc
