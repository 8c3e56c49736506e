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

  void init(registry_handle registry, std::shared_ptr<line_writer> writer,
            llm_responder_handle answers) {
    registry_ = std::move(registry);
    writer_ = std::move(writer);
    answers_ = std::move(answers);
  }

  void on_line(const std::string& line) {
    if (is_blank_line(line)) return;  // nothing asked
    auto decoded = read_request(line);
    if (auto* problem = std::get_if<rejection>(&decoded)) return reject(*problem);
    auto& req = std::get<request>(decoded);
    std::visit([this, &req](auto& op) { handle(req.id, std::move(op)); }, req.op);
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
  void handle(const json& id, registry_request op) {
    if (op.query == registry_query::list) {
      return ask<std::vector<session_summary>>(id, flight::plain, encode_list, list_atom_v);
    }
    ask<registry_stats>(id, flight::plain, encode<registry_stats>, stats_atom_v);
  }

  void handle(const json& id, session_request op) {
    const std::string& sid = op.session_id;
    switch (op.query) {
      case session_query::state:
        return ask<execution_state>(id, flight::plain, encode<execution_state>, state_atom_v, sid);
      case session_query::await:
        return ask<terminal_outcome>(id, flight::await, encode<terminal_outcome>, await_atom_v,
                                     sid);
      case session_query::subscribe:
        return subscribe(id, sid);
      case session_query::unsubscribe:
        return unsubscribe(id, sid);
    }
  }

  void handle(const json& id, resume_request op) {
    ask<resume_outcome>(id, flight::plain, encode<resume_outcome>, resume_atom_v, op.session_id,
                        std::move(op.payload));
  }

  void handle(const json& id, cancel_request op) {
    ask<caf::ok_atom>(id, flight::plain, encode_ok, cancel_atom_v, op.session_id,
                      std::move(op.reason));
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

  void handle(const json& id, spawn_request op) {
    const bool subscribe = op.subscribe;
    auto on_spawned = [this, id, subscribe](std::string& session_id, session_handle&) {
      writer_->write(ok_line(id, json{{"session_id", session_id}}));
      if (answers_) {
        // --responder: the model answers this session's pauses (one it
        // misses while subscribing is in its snapshot).
        self_->request(answers_, caf::infinite, watch_atom_v, session_id)
            .then([](caf::ok_atom) {}, [](caf::error&) {});
      }
      spawn_answered(subscribe, &session_id);
    };
    auto on_error = [this, id, subscribe](caf::error& error) {
      writer_->write(error_line(id, error_value(error)));
      spawn_answered(subscribe, nullptr);
    };
    begin(flight::plain);
    if (!subscribe) {
      self_->request(registry_, caf::infinite, spawn_atom_v, std::move(op.spec))
          .then(on_spawned, on_error);
      return;
    }
    // Subscribed before the script starts, so no event is missed; the
    // session's events wait in held_ until the response naming it is out.
    ++spawns_subscribing_;
    self_->request(registry_, caf::infinite, spawn_atom_v, std::move(op.spec), caf::actor{self_})
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
  llm_responder_handle answers_;                          ///< null: clients answer the pauses
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
                     std::shared_ptr<line_writer> writer, llm_responder_handle answers) {
  self->state.init(std::move(registry), std::move(writer), std::move(answers));
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

int serve_stdio(cli_runtime& rt, std::istream& in, std::ostream& out,
                const llm_responder* answers) {
  // A client that goes away must not kill us before sessions are cancelled.
  std::signal(SIGPIPE, SIG_IGN);
  // std::cin flushes its tied std::cout before each read; that flush would
  // race with the CAF threads writing lines.
  auto* const tied = in.tie(nullptr);
  auto writer = std::make_shared<line_writer>(out);
  auto server_actor =
      rt.system().spawn(server, rt.runtime().registry(), writer,
                        answers != nullptr ? answers->handle() : llm_responder_handle{});

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
