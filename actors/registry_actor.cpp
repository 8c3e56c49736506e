#include "actors/registry_actor.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include <caf/all.hpp>

#include "actors/script_environment.hpp"
#include "actors/session_actor.hpp"
#include "actors/session_id_source.hpp"
#include "actors/session_subscribers.hpp"
#include "actors/state_store_actor.hpp"
#include "lua_bridge/chunk_cache.hpp"
#include "lua_bridge/preemption_clock.hpp"
#include "messages/session_plan.hpp"
#include "messages/timestamp.hpp"
#include "messages/wire.hpp"

namespace alc {
namespace {

caf::error no_session(const std::string& id) {
  return make_verb_error(error_code::not_found, "no session '" + id + "'");
}

struct session_entry {
  session_internal_handle actor;  ///< null once the session died unexpectedly
  /// Set when the session died unexpectedly: its id answers as failed.
  std::optional<failed_state> dead;
  bool terminal = false;  ///< told by the session (finished_atom)
};

/// The registry's whole interface: the public one plus its own signals.
using registry_internal_handle =
    registry_handle::extend<caf::reacts_to<finished_atom, std::string>, caf::reacts_to<sweep_atom>>;

class registry_actor final : public registry_internal_handle::base {
 public:
  registry_actor(caf::actor_config& cfg, runtime_options options)
      : registry_internal_handle::base(cfg),
        options_(std::move(options)),
        chunks_(std::make_shared<chunk_cache>()),
        clock_(std::make_shared<preemption_clock>()),
        environment_(allowed_environment(options_.env_allow)),
        store_(spawn_state_store(system(), options_.state_dir, cards_directory(options_))) {}

  const char* name() const override { return "alc.registry"; }

  behavior_type make_behavior() override {
    set_down_handler([this](caf::down_msg& down) { on_session_down(down); });
    schedule_sweep();
    return {
        [this](spawn_atom, session_spec& spec) { return on_spawn(std::move(spec), {}); },
        [this](spawn_atom, session_spec& spec, const caf::actor& subscriber) {
          return on_spawn(std::move(spec), subscriber);
        },
        [this](state_atom, const std::string& id) {
          return route<execution_state>(
              id, [](const failed_state& dead) { return execution_state{dead}; }, state_atom_v);
        },
        [this](resume_atom, const std::string& id, resume_payload& payload) {
          return route<resume_outcome>(
              id,
              [&id](const failed_state&) -> caf::result<resume_outcome> {
                return make_verb_error(error_code::not_paused,
                                       "session " + id + " is failed, not paused", "failed");
              },
              resume_atom_v, std::move(payload));
        },
        [this](cancel_atom, const std::string& id, cancel_reason& reason) {
          return route<caf::ok_atom>(
              id, [](const failed_state&) { return caf::ok_atom_v; }, cancel_atom_v,
              std::move(reason));
        },
        [this](subscribe_atom, const std::string& id, const caf::actor& subscriber) {
          return route<caf::ok_atom>(
              id,
              [this, &id, &subscriber](const failed_state& dead) {
                if (subscriber) session_subscribers::greet(this, subscriber, id, dead);
                return caf::ok_atom_v;
              },
              subscribe_atom_v, subscriber);
        },
        [this](unsubscribe_atom, const std::string& id, const caf::actor& subscriber) {
          return route<caf::ok_atom>(
              id, [](const failed_state&) { return caf::ok_atom_v; }, unsubscribe_atom_v,
              subscriber);
        },
        [this](await_atom, const std::string& id) {
          return route<terminal_outcome>(
              id, [](const failed_state& dead) { return terminal_outcome{dead}; }, await_atom_v);
        },
        [this](finished_atom, const std::string& id) {
          if (auto* entry = find(id); entry != nullptr && !entry->terminal) {
            entry->terminal = true;
            --live_;
          }
        },
        [this](list_atom) { return on_list(); },
        [this](stats_atom) {
          registry_stats stats = stats_;
          stats.live = static_cast<int64_t>(sessions_.size());
          return stats;
        },
        [this](sweep_atom) {
          sweep();
          schedule_sweep();
        },
        [this](shutdown_atom) {
          shut_down();
          return caf::ok_atom_v;
        },
    };
  }

 private:
  /// Sends a verb on to the session `id` names, so it answers the caller
  /// itself; `on_dead` answers for a session that died unexpectedly.
  template <class Reply, class OnDead, class... Ts>
  caf::result<Reply> route(const std::string& id, OnDead&& on_dead, Ts&&... xs) {
    auto* entry = find(id);
    if (entry == nullptr) return no_session(id);
    if (entry->dead) return on_dead(*entry->dead);
    return delegate(entry->actor, std::forward<Ts>(xs)...);
  }

  caf::result<std::string, session_handle> on_spawn(session_spec spec, caf::actor subscriber) {
    auto plan = plan_session(spec);  // the spec is taken apart here, once
    if (!plan) return make_verb_error(error_code::invalid_spec, plan.error().message);
    if (options_.max_sessions != 0 && live_ >= options_.max_sessions) {
      ++stats_.rejected;
      return make_verb_error(
          error_code::capacity,
          "the runtime already runs " + std::to_string(live_) + " sessions (alc.max-sessions)");
    }
    std::string id = new_id();
    session_setup setup;
    setup.id = id;
    setup.plan = std::move(plan).value();
    setup.options = options_;
    setup.chunks = chunks_;
    setup.clock = clock_;
    setup.environment = environment_;
    setup.state_store = store_;
    setup.registry = address();
    setup.first_subscriber = std::move(subscriber);
    auto session = spawn_session(this, std::move(setup));
    monitor(session);
    ids_by_actor_.emplace(session.address(), id);
    sessions_.emplace(id, session_entry{session, std::nullopt, false});
    ++live_;
    ++stats_.spawned;
    return {std::move(id), session_handle{session}};
  }

  std::string new_id() {
    for (;;) {
      std::string id = ids_.next();
      if (sessions_.count(id) == 0) return id;  // 2^-128 odds, but never a duplicate
    }
  }

  session_entry* find(const std::string& id) {
    const auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : &it->second;
  }

  void on_session_down(const caf::down_msg& down) {
    const auto it = ids_by_actor_.find(down.source);
    if (it == ids_by_actor_.end()) return;
    const std::string id = it->second;
    ids_by_actor_.erase(it);
    auto* entry = find(id);
    if (entry == nullptr) return;  // evicted: already gone from the table
    if (!entry->terminal) --live_;
    // Alive in the table but gone: it died unexpectedly, never silently lost.
    ++stats_.engine_failures;
    entry->actor = nullptr;
    entry->terminal = true;
    entry->dead = failed_state{"session actor terminated unexpectedly: " + to_string(down.reason),
                               failure_kind::engine_error, unix_millis_now()};
    tombstone_times_[id] = unix_millis_now();
  }

  void schedule_sweep() { delayed_send(this, options_.sweep_interval, sweep_atom_v); }

  /// Asks every session whether it is idle and unsubscribed past the TTL;
  /// those that are leave the table first and are then told to go, so no
  /// verb is ever routed to a session that is already gone.
  void sweep() {
    const caf::timespan ttl{options_.ttl};
    // CAF 0.17 keeps a request's timer until it fires, answered or not: a
    // timeout longer than the interval would pile up timers (one per session
    // per sweep). A session that misses it is asked again at the next sweep.
    const caf::timespan patience =
        std::min<caf::timespan>(std::chrono::seconds{30}, options_.sweep_interval);
    for (const auto& [id, entry] : sessions_) {
      if (!entry.actor) continue;
      request(entry.actor, patience, sweep_atom_v, ttl)
          .then(
              [this, id = id](bool evictable) {
                if (evictable) evict(id);
              },
              [](caf::error&) {});  // a session that is gone is handled by its down_msg
    }
    const auto now = unix_millis_now();
    for (auto it = tombstone_times_.begin(); it != tombstone_times_.end();) {
      if (now - it->second >= options_.ttl.count()) {
        sessions_.erase(it->first);
        ++stats_.evicted;
        it = tombstone_times_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void evict(const std::string& id) {
    const auto it = sessions_.find(id);
    if (it == sessions_.end() || !it->second.actor) return;
    if (!it->second.terminal) --live_;
    const session_internal_handle session = it->second.actor;
    ids_by_actor_.erase(session.address());
    demonitor(session.address());
    sessions_.erase(it);
    ++stats_.evicted;
    send(session, evict_atom_v);
  }

  caf::result<std::vector<session_summary>> on_list() {
    auto promise = make_response_promise<std::vector<session_summary>>();
    struct collector {
      std::vector<session_summary> summaries;
      std::size_t pending = 0;
    };
    auto shared = std::make_shared<collector>();
    for (const auto& [id, entry] : sessions_) {
      if (entry.dead) {
        shared->summaries.push_back(
            session_summary{id, "failed", entry.dead->occurred_at, entry.dead->occurred_at, 0, {}});
        continue;
      }
      ++shared->pending;
      auto deliver_if_complete = [shared, promise]() mutable {
        if (--shared->pending == 0) promise.deliver(std::move(shared->summaries));
      };
      request(entry.actor, std::chrono::seconds{10}, summary_atom_v)
          .then(
              [shared, deliver_if_complete](session_summary& summary) mutable {
                shared->summaries.push_back(std::move(summary));
                deliver_if_complete();
              },
              [deliver_if_complete](caf::error&) mutable { deliver_if_complete(); });
    }
    if (shared->pending == 0) promise.deliver(std::move(shared->summaries));
    return promise;
  }

  /// Cancels every live session with `system_shutdown`, lets each finish
  /// (awaiters and subscribers hear it), and stops.
  void shut_down() {
    for (auto& [id, entry] : sessions_) {
      if (!entry.actor) continue;
      demonitor(entry.actor.address());
      caf::anon_send(entry.actor, cancel_atom_v,
                     cancel_reason{cancel_code::system_shutdown, "the runtime is shutting down",
                                   unix_millis_now()});
      caf::anon_send(entry.actor, evict_atom_v);
    }
    sessions_.clear();
    ids_by_actor_.clear();
    tombstone_times_.clear();
    live_ = 0;
    send_exit(store_, caf::exit_reason::user_shutdown);
    quit();
  }

  runtime_options options_;
  std::shared_ptr<chunk_cache> chunks_;
  std::shared_ptr<preemption_clock> clock_;
  std::shared_ptr<const environment_variables> environment_;
  caf::actor store_;
  session_id_source ids_;
  std::unordered_map<std::string, session_entry> sessions_;
  std::unordered_map<caf::actor_addr, std::string> ids_by_actor_;
  std::unordered_map<std::string, int64_t> tombstone_times_;
  std::size_t live_ = 0;  ///< sessions not yet terminal
  registry_stats stats_;
};

}  // namespace

registry_handle spawn_registry(caf::actor_system& system, runtime_options options) {
  return system.spawn<registry_actor>(std::move(options));
}

}  // namespace alc
