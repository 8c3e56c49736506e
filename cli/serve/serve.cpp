#include "cli/serve/serve.hpp"

#include <chrono>
#include <csignal>
#include <cstddef>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <alc/alc.hpp>
#include <caf/all.hpp>

#include "cli/serve/line_writer.hpp"
#include "cli/serve/request_envelope.hpp"
#include "cli/serve/response_lines.hpp"

namespace alc::cli {
namespace {

using json = nlohmann::json;

/// End of input: answer once every request but the awaits has been answered.
using drain_atom = caf::atom_constant<caf::atom("drain")>;
/// The runtime is down: answer once awaits and subscriptions are settled, then quit.
using close_atom = caf::atom_constant<caf::atom("close")>;

/// How long end of input waits for each shutdown phase.
constexpr auto phase_limit = std::chrono::seconds{5};

/// Which in-flight requests end of input waits for before cancelling sessions.
enum class flight { plain, await };

class server_state {
 public:
  static inline const char* name = "alc.serve";

  explicit server_state(caf::stateful_actor<server_state>* self) : self_(self) {}

  void init(registry_handle registry, std::shared_ptr<line_writer> writer) {
    registry_ = std::move(registry);
    writer_ = std::move(writer);
  }

  void on_line(const std::string& line) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) return;  // blank: nothing asked
    auto doc = parse_json_text(line);
    if (!doc) return reject({nullptr, doc.error().message});
    auto envelope = read_envelope(doc.value());
    if (auto* problem = std::get_if<rejection>(&envelope)) return reject(*problem);
    dispatch(std::get<request>(envelope));
  }

  void on_event(const std::string& session_id, const session_event& event) {
    const bool closed = std::holds_alternative<closed_event>(event.body);
    // A session whose spawn or subscribe response is not out yet: its events
    // wait, so a client always knows the session before hearing from it.
    const bool hold = held_.count(session_id) != 0 || subscribing_.count(session_id) != 0 ||
                      (spawns_subscribing_ > 0 && live_subs_.count(session_id) == 0);
    if (closed) {
      live_subs_.erase(session_id);
    } else {
      live_subs_.insert(session_id);
    }
    auto line = event_line(session_id, event);
    if (hold) {
      held_[session_id].push_back(std::move(line));
    } else {
      writer_->write(std::move(line));
    }
    settle();
  }

  caf::result<caf::ok_atom> on_drain() {
    drained_ = self_->make_response_promise();
    settle();
    return caf::delegated<caf::ok_atom>{};
  }

  caf::result<caf::ok_atom> on_close() {
    closed_ = self_->make_response_promise();
    settle();
    return caf::delegated<caf::ok_atom>{};
  }

  /// Writes what is still held back (nothing is lost when stopping early).
  void release_all() {
    for (auto& entry : held_) {
      for (auto& line : entry.second) writer_->write(std::move(line));
    }
    held_.clear();
  }

 private:
  void dispatch(const request& req) {
    const json& body = *req.body;
    if (req.op == "spawn") return spawn(req.id, body);
    if (req.op == "list") {
      return ask<std::vector<session_summary>>(req.id, flight::plain, encode_list, list_atom_v);
    }
    if (req.op == "stats") {
      return ask<registry_stats>(req.id, flight::plain, encode<registry_stats>, stats_atom_v);
    }
    const bool session_op = req.op == "state" || req.op == "resume" || req.op == "cancel" ||
                            req.op == "subscribe" || req.op == "unsubscribe" || req.op == "await";
    if (!session_op) {
      return reject({req.id, "unknown op '" + req.op +
                                 "' (expected spawn, state, resume, cancel, subscribe, "
                                 "unsubscribe, await, list or stats)"});
    }
    const auto session_id = body.find("session_id");
    if (session_id == body.end() || !session_id->is_string()) {
      return reject({req.id, "'" + req.op + "' needs a string field 'session_id'"});
    }
    dispatch_session_op(req, session_id->get<std::string>());
  }

  /// The ops addressed to one session, `session_id` already checked.
  void dispatch_session_op(const request& req, const std::string& sid) {
    if (req.op == "state") {
      return ask<execution_state>(req.id, flight::plain, encode<execution_state>, state_atom_v,
                                  sid);
    }
    if (req.op == "await") {
      return ask<terminal_outcome>(req.id, flight::await, encode<terminal_outcome>, await_atom_v,
                                   sid);
    }
    if (req.op == "resume") return resume(req.id, sid, *req.body);
    if (req.op == "cancel") return cancel(req.id, sid, *req.body);
    if (req.op == "subscribe") return subscribe(req.id, sid);
    unsubscribe(req.id, sid);
  }

  template <class T>
  static json encode(const T& value) {
    return to_json_value(value);
  }

  static json encode_list(const std::vector<session_summary>& summaries) {
    json out = json::array();
    for (const auto& summary : summaries) out.push_back(to_json_value(summary));
    return out;
  }

  static json encode_ok(caf::ok_atom) { return true; }

  /// One asynchronous registry request whose answer `T` becomes `ok`.
  template <class T, class Encode, class... Ts>
  void ask(const json& id, flight kind, Encode encode_answer, Ts&&... xs) {
    ask_then<T>(
        id, kind, encode_answer, [](bool) {}, std::forward<Ts>(xs)...);
  }

  /// The same, and `after(succeeded)` runs once the response line is out.
  template <class T, class Encode, class After, class... Ts>
  void ask_then(const json& id, flight kind, Encode encode_answer, After after, Ts&&... xs) {
    begin(kind);
    self_->request(registry_, caf::infinite, std::forward<Ts>(xs)...)
        .then(
            [this, id, kind, encode_answer, after](T& answer) {
              writer_->write(ok_line(id, encode_answer(answer)));
              after(true);
              end(kind);
            },
            [this, id, kind, after](caf::error& error) {
              writer_->write(error_line(id, error_value(error)));
              after(false);
              end(kind);
            });
  }

  void spawn(const json& id, const json& body) {
    const auto spec_field = body.find("spec");
    if (spec_field == body.end()) return reject({id, "'spawn' needs a field 'spec'"});
    auto spec = from_json_value<session_spec>(*spec_field);
    if (!spec) return reject({id, "invalid spec: " + spec.error().message});
    bool subscribe = false;
    if (const auto flag = body.find("subscribe"); flag != body.end()) {
      if (!flag->is_boolean()) return reject({id, "'subscribe' must be a boolean"});
      subscribe = flag->get<bool>();
    }
    auto on_spawned = [this, id, subscribe](std::string& session_id, session_handle&) {
      writer_->write(ok_line(id, json{{"session_id", session_id}}));
      spawn_answered(subscribe, &session_id);
    };
    auto on_error = [this, id, subscribe](caf::error& error) {
      writer_->write(error_line(id, error_value(error)));
      spawn_answered(subscribe, nullptr);
    };
    begin(flight::plain);
    if (!subscribe) {
      self_->request(registry_, caf::infinite, spawn_atom_v, std::move(spec).value())
          .then(on_spawned, on_error);
      return;
    }
    // Subscribed before the script starts, so no event is missed; the
    // session's events wait in held_ until the response naming it is out.
    ++spawns_subscribing_;
    self_
        ->request(registry_, caf::infinite, spawn_atom_v, std::move(spec).value(),
                  caf::actor{self_})
        .then(on_spawned, on_error);
  }

  void spawn_answered(bool subscribed, const std::string* session_id) {
    if (subscribed) {
      --spawns_subscribing_;
      if (session_id != nullptr) release(*session_id);
      if (spawns_subscribing_ == 0) release_unclaimed();
    }
    end(flight::plain);
  }

  void resume(const json& id, const std::string& session_id, const json& body) {
    const auto field = body.find("payload");
    if (field == body.end()) return reject({id, "'resume' needs a field 'payload'"});
    auto payload = from_json_value<resume_payload>(*field);
    if (!payload) return reject({id, "invalid payload: " + payload.error().message});
    ask<resume_outcome>(id, flight::plain, encode<resume_outcome>, resume_atom_v, session_id,
                        std::move(payload).value());
  }

  void cancel(const json& id, const std::string& session_id, const json& body) {
    // `code` defaults to user and `requested_at` to now (0 tells the session).
    json reason = {{"code", "user"}, {"detail", nullptr}, {"requested_at", 0}};
    if (const auto field = body.find("reason"); field != body.end() && !field->is_null()) {
      if (!field->is_object()) return reject({id, "'reason' must be an object"});
      for (const auto& [key, value] : field->items()) reason[key] = value;
    }
    auto decoded_reason = from_json_value<cancel_reason>(reason);
    if (!decoded_reason) return reject({id, "invalid reason: " + decoded_reason.error().message});
    ask<caf::ok_atom>(id, flight::plain, encode_ok, cancel_atom_v, session_id,
                      std::move(decoded_reason).value());
  }

  void subscribe(const json& id, const std::string& session_id) {
    // The snapshot event comes before the answer; hold it so that the
    // answer is written first, as for spawn.
    ++subscribing_[session_id];
    auto answered = [this, session_id](bool) {
      if (--subscribing_[session_id] == 0) {
        subscribing_.erase(session_id);
        release(session_id);
      }
    };
    ask_then<caf::ok_atom>(id, flight::plain, encode_ok, answered, subscribe_atom_v, session_id,
                           caf::actor{self_});
  }

  void unsubscribe(const json& id, const std::string& session_id) {
    auto unsubscribed = [this, session_id](bool ok) {
      if (ok) live_subs_.erase(session_id);  // no closed event will come
    };
    ask_then<caf::ok_atom>(id, flight::plain, encode_ok, unsubscribed, unsubscribe_atom_v,
                           session_id, caf::actor{self_});
  }

  void reject(const rejection& problem) {
    writer_->write(error_line(problem.id, error_value(bad_request, problem.message)));
  }

  void release(const std::string& session_id) {
    const auto it = held_.find(session_id);
    if (it == held_.end()) return;
    for (auto& line : it->second) writer_->write(std::move(line));
    held_.erase(it);
  }

  /// With no spawn in flight, held events can only belong to sessions being
  /// subscribed; anything else is written now.
  void release_unclaimed() {
    for (auto it = held_.begin(); it != held_.end();) {
      if (subscribing_.count(it->first) != 0) {
        ++it;
        continue;
      }
      for (auto& line : it->second) writer_->write(std::move(line));
      it = held_.erase(it);
    }
  }

  void begin(flight kind) { ++(kind == flight::await ? awaits_ : plain_); }

  void end(flight kind) {
    --(kind == flight::await ? awaits_ : plain_);
    settle();
  }

  /// Answers the shutdown phases once their conditions hold.
  void settle() {
    if (drained_ && plain_ == 0) {
      drained_->deliver(caf::ok_atom_v);
      drained_.reset();
    }
    if (closed_ && plain_ == 0 && awaits_ == 0 && live_subs_.empty()) {
      release_all();
      closed_->deliver(caf::ok_atom_v);
      closed_.reset();
      self_->quit();
    }
  }

  caf::stateful_actor<server_state>* self_;
  registry_handle registry_;
  std::shared_ptr<line_writer> writer_;
  std::size_t plain_ = 0;                                 ///< requests in flight other than awaits
  std::size_t awaits_ = 0;                                ///< awaits in flight
  std::set<std::string> live_subs_;                       ///< subscribed sessions not closed yet
  std::map<std::string, std::vector<std::string>> held_;  ///< event lines waiting for a response
  std::map<std::string, std::size_t> subscribing_;  ///< subscribe requests in flight per session
  std::size_t spawns_subscribing_ = 0;              ///< spawns with subscribe in flight
  std::optional<caf::response_promise> drained_;
  std::optional<caf::response_promise> closed_;
};

caf::behavior server(caf::stateful_actor<server_state>* self, registry_handle registry,
                     std::shared_ptr<line_writer> writer) {
  self->state.init(std::move(registry), std::move(writer));
  self->set_exit_handler([self](caf::exit_msg& msg) {
    self->state.release_all();
    self->quit(msg.reason);
  });
  return {
      [self](const std::string& line) { self->state.on_line(line); },
      [self](event_atom, const std::string& session_id, const session_event& event) {
        self->state.on_event(session_id, event);
      },
      [self](drain_atom) { return self->state.on_drain(); },
      [self](close_atom) { return self->state.on_close(); },
  };
}

/// Sends `what` to the server and waits at most phase_limit for its answer.
template <class Atom>
void wait_for_phase(caf::scoped_actor& self, const caf::actor& server, Atom what) {
  self->request(server, phase_limit, what)
      .receive([](caf::ok_atom) {}, [](caf::error&) {});  // late answers are not worth hanging for
}

}  // namespace

int serve_stdio(cli_runtime& rt, std::istream& in, std::ostream& out) {
  // A client that goes away must not kill us before sessions are cancelled.
  std::signal(SIGPIPE, SIG_IGN);
  // std::cin flushes its tied std::cout before each read; that flush would
  // race with the CAF threads writing lines.
  auto* const tied = in.tie(nullptr);
  auto writer = std::make_shared<line_writer>(out);
  auto server_actor = rt.system().spawn(server, rt.runtime().registry(), writer);

  std::string line;
  while (std::getline(in, line)) caf::anon_send(server_actor, line);

  caf::scoped_actor self{rt.system()};
  wait_for_phase(self, server_actor, drain_atom::value);
  rt.runtime().shutdown();  // cancels live sessions with system_shutdown
  wait_for_phase(self, server_actor, close_atom::value);
  self->send_exit(server_actor, caf::exit_reason::user_shutdown);
  self->wait_for(server_actor);
  in.tie(tied);
  return 0;
}

}  // namespace alc::cli
