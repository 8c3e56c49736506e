#include "alc/client.hpp"

#include <utility>

#include <caf/all.hpp>

#include "messages/wire.hpp"

namespace alc {
namespace {

/// One request, waited for with a scoped actor.
template <class T, class... Ts>
caf::expected<T> ask(caf::actor_system& system, const registry_handle& dest,
                     std::chrono::milliseconds timeout, Ts&&... xs) {
  caf::scoped_actor self{system};
  caf::expected<T> result{caf::sec::request_timeout};
  self->request(dest, timeout, std::forward<Ts>(xs)...)
      .receive([&](T& value) { result = std::move(value); },
               [&](caf::error& error) { result = std::move(error); });
  return result;
}

/// Forwards a session's events to a callback until the session closes.
caf::behavior event_listener(caf::event_based_actor* self, client::event_callback callback) {
  return {
      [self, callback](event_atom, const std::string&, const session_event& event) {
        callback(event);
        if (std::holds_alternative<closed_event>(event.body)) self->quit();
      },
  };
}

}  // namespace

subscription::subscription(caf::actor_system& system, registry_handle registry,
                           std::string session_id, caf::actor listener)
    : system_(&system),
      registry_(std::move(registry)),
      session_id_(std::move(session_id)),
      listener_(std::move(listener)) {}

subscription::~subscription() {
  cancel();
}

subscription& subscription::operator=(subscription&& other) noexcept {
  if (this != &other) {
    cancel();
    system_ = other.system_;
    registry_ = std::move(other.registry_);
    session_id_ = std::move(other.session_id_);
    listener_ = std::move(other.listener_);
  }
  return *this;
}

void subscription::cancel() {
  if (!listener_) return;
  caf::scoped_actor self{*system_};
  self->send(registry_, unsubscribe_atom_v, session_id_, listener_);
  self->send_exit(listener_, caf::exit_reason::user_shutdown);
  self->wait_for(listener_);  // no callback runs once we return
  listener_ = nullptr;
}

client::client(caf::actor_system& system, registry_handle registry,
               std::chrono::milliseconds timeout)
    : system_(&system), registry_(std::move(registry)), timeout_(timeout) {}

caf::expected<client::spawned> client::spawn(session_spec spec) const {
  caf::scoped_actor self{*system_};
  caf::expected<spawned> result{caf::sec::request_timeout};
  self->request(registry_, timeout_, spawn_atom_v, std::move(spec))
      .receive(
          [&](std::string& id, session_handle& session) {
            result = spawned{std::move(id), std::move(session)};
          },
          [&](caf::error& error) { result = std::move(error); });
  return result;
}

caf::expected<std::pair<client::spawned, subscription>> client::spawn_subscribed(
    session_spec spec, event_callback callback) const {
  auto listener = system_->spawn(event_listener, std::move(callback));
  caf::scoped_actor self{*system_};
  caf::expected<std::pair<spawned, subscription>> result{caf::sec::request_timeout};
  self->request(registry_, timeout_, spawn_atom_v, std::move(spec), listener)
      .receive(
          [&](std::string& id, session_handle& session) {
            subscription sub{*system_, registry_, id, listener};
            result = std::make_pair(spawned{std::move(id), std::move(session)}, std::move(sub));
          },
          [&](caf::error& error) { result = std::move(error); });
  if (!result) caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  return result;
}

caf::expected<execution_state> client::state(const std::string& id) const {
  return ask<execution_state>(*system_, registry_, timeout_, state_atom_v, id);
}

caf::expected<resume_outcome> client::resume(const std::string& id, resume_payload payload) const {
  return ask<resume_outcome>(*system_, registry_, timeout_, resume_atom_v, id, std::move(payload));
}

caf::error client::cancel(const std::string& id, cancel_reason reason) const {
  auto answer =
      ask<caf::ok_atom>(*system_, registry_, timeout_, cancel_atom_v, id, std::move(reason));
  return answer ? caf::error{} : answer.error();
}

caf::expected<terminal_outcome> client::await(const std::string& id,
                                              std::chrono::milliseconds timeout) const {
  return ask<terminal_outcome>(*system_, registry_, timeout, await_atom_v, id);
}

caf::expected<subscription> client::subscribe(const std::string& id,
                                              event_callback callback) const {
  auto listener = system_->spawn(event_listener, std::move(callback));
  auto answer = ask<caf::ok_atom>(*system_, registry_, timeout_, subscribe_atom_v, id, listener);
  if (!answer) {
    caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
    return answer.error();
  }
  return subscription{*system_, registry_, id, listener};
}

caf::expected<std::vector<session_summary>> client::list() const {
  return ask<std::vector<session_summary>>(*system_, registry_, timeout_, list_atom_v);
}

caf::expected<registry_stats> client::stats() const {
  return ask<registry_stats>(*system_, registry_, timeout_, stats_atom_v);
}

}  // namespace alc
