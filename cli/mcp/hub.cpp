#include "cli/mcp/hub.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <caf/all.hpp>

#include "cli/mcp/feed_result.hpp"
#include "cli/mcp/jsonrpc.hpp"
#include "cli/mcp/status_view.hpp"
#include "cli/mcp/task_table.hpp"
#include "cli/mcp/tool_arguments.hpp"
#include "cli/mcp/tool_catalog.hpp"
#include "cli/mcp/tool_reply.hpp"
#include "cli/text_file.hpp"

namespace alc::cli::mcp {
namespace {

/// (timeout_atom, call): a call's wait limit passed.
using timeout_atom = caf::atom_constant<caf::atom("mcptimeout")>;

constexpr std::size_t max_recent_logs = 20;
constexpr std::size_t max_history = 10;
constexpr int64_t task_poll_interval_ms = 1000;
const char* const related_task_key = "io.modelcontextprotocol/related-task";

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A Lua error's words without the `script:N:` position and the traceback.
std::string clean_lua_message(std::string message) {
  if (const auto trace = message.find("\nstack traceback:"); trace != std::string::npos) {
    message.resize(trace);
  }
  if (message.rfind("script:", 0) == 0) {
    const auto colon = message.find(": ");
    if (colon != std::string::npos) message.erase(0, colon + 2);
  }
  return message;
}

std::string capitalised(std::string_view name) {
  std::string out(name);
  if (name == "done") out = "Completed";
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

int64_t ended_at(const terminal_outcome& outcome) {
  if (const auto* done = std::get_if<done_state>(&outcome)) return done->finished_at;
  if (const auto* failed = std::get_if<failed_state>(&outcome)) return failed->occurred_at;
  return std::get<cancelled_state>(outcome).observed_at;
}

/// What a call waits for once its session runs.
enum class wait_mode {
  until_pause,    ///< legacy: the next pause or the end
  until_end,      ///< the end (a task, or a legacy call that samples)
  progress_only,  ///< v2 with a progress token: notifications until the end, no result
  query,          ///< a short internal session (cards, package meta)
};

struct call_state {
  uint64_t connection = 0;
  json request_id;
  std::string tool;
  wait_mode mode = wait_mode::until_pause;
  std::string session_id;
  json progress_token;  ///< null: none
  double progress_sent = 0;
  int64_t last_progress_ms = 0;
  std::string task_id;  ///< set when the call runs as a task
  bool sample = false;  ///< answer the session's prompts through this client's sampling
};

/// An alc_continue waiting for the session's snapshot to pick its payload.
struct continue_job {
  uint64_t call = 0;
  std::vector<query_response> responses;  ///< the `responses` form
  std::optional<std::string> query_id;    ///< the `response` form
  std::string response;
  std::optional<reported_usage> usage;
};

/// The answers of one pause that the client is sampling.
struct sampling_round {
  pause_kind kind = pause_kind::single;
  std::vector<std::optional<query_response>> answers;
  std::size_t outstanding = 0;
  uint64_t call = 0;
};

struct session_record {
  std::optional<session_handle> handle;
  bool legacy = false;    ///< alc_run / alc_advice: transcripts, FeedResults
  bool internal = false;  ///< a query of the server's own (cards, package meta)
  std::optional<std::string> strategy;
  json budget;
  bool subscribed = false;
  bool ending = false;  ///< closed seen, the outcome is being fetched
  std::vector<uint64_t> calls;
  std::vector<continue_job> continues;
  std::deque<json> logs;
  std::optional<progress_event> progress;
  json transcript = json::array();  ///< {query_id, prompt, system, response}
  bool usage_provided = true;
  std::optional<std::string> failure_note;  ///< why the server itself cancelled it
  std::optional<sampling_round> sampling;
  std::string task_id;
  bool server_answers = false;  ///< the server's answerer follows it
};

struct connection_state {
  std::string version{latest_protocol_version};
  bool sampling = false;
  std::optional<log_severity> log_level;  ///< none: no notifications/message
};

struct sampling_job {
  std::string session_id;
  std::size_t index = 0;
};

class hub_state {
 public:
  static inline const char* name = "alc.mcp";

  explicit hub_state(caf::stateful_actor<hub_state>* self) : self_(self) {}

  void init(registry_handle registry, std::shared_ptr<connection_table> connections,
            hub_settings settings) {
    registry_ = std::move(registry);
    table_ = std::move(connections);
    settings_ = std::move(settings);
  }

  // ---- incoming ---------------------------------------------------------

  void on_message(uint64_t connection, const std::string& text) {
    auto message = read_rpc_message(text);
    if (auto* problem = std::get_if<rpc_rejection>(&message)) {
      return send(connection, error_message(problem->id, problem->error), {problem->id, "", true});
    }
    if (auto* request = std::get_if<rpc_request>(&message)) return on_request(connection, *request);
    if (auto* note = std::get_if<rpc_notification>(&message))
      return on_notification(connection, *note);
    on_response(std::get<rpc_response>(message));
  }

  void on_hangup(uint64_t connection) {
    std::vector<uint64_t> mine;
    for (const auto& [number, call] : calls_) {
      if (call.connection == connection) mine.push_back(number);
    }
    for (const auto number : mine) abandon(number, "the client went away");
    for (const auto& id : tasks_.live_of(connection)) {
      cancel_session(id, cancel_code::user, "the client went away");
    }
    connections_.erase(connection);
  }

  void on_timeout(uint64_t number) {
    const auto it = calls_.find(number);
    if (it == calls_.end() || !it->second.task_id.empty()) return;
    const auto& call = it->second;
    if (call.mode == wait_mode::query) {
      cancel_session(call.session_id, cancel_code::timeout, "the query took too long");
      return finish(number, tool_reply::fail(call.tool + ": the query did not finish in time"));
    }
    const auto seconds = std::to_string(settings_.wait_limit.count() / 1000);
    finish(number, tool_reply::fail(call.tool + ": session '" + call.session_id +
                                    "' neither paused nor ended within " + seconds +
                                    " s; it goes on: follow it with alc_status or alc_v2_state, "
                                    "stop it with alc_v2_cancel"));
  }

  void on_event(const std::string& id, const session_event& event) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) {
      // Subscribed spawns: events can come before the spawn's answer.
      if (spawns_in_flight_ > 0) early_events_[id].push_back(event);
      return;
    }
    std::visit([this, &id](const auto& body) { on_body(id, body); }, event.body);
  }

 private:
  // ---- JSON-RPC plumbing ----------------------------------------------

  void send(uint64_t connection, std::string message, const route& where) {
    table_->send(connection, std::move(message), where);
  }

  void reply(uint64_t connection, const json& id, const json& result) {
    send(connection, result_message(id, result), {id, "", true});
  }

  void reply_error(uint64_t connection, const json& id, int code, std::string message) {
    send(connection, error_message(id, rpc_error{code, std::move(message), {}}), {id, "", true});
  }

  void on_request(uint64_t connection, const rpc_request& request) {
    auto& peer = connections_[connection];
    const auto& method = request.method;
    if (method == "initialize") return initialize(connection, request);
    if (method == "ping") return reply(connection, request.id, json::object());
    if (method == "tools/list")
      return reply(connection, request.id, tools_list_result(peer.version));
    if (method == "tools/call") return call_tool(connection, request);
    if (method == "logging/setLevel") return set_level(connection, request);
    if (method.rfind("tasks/", 0) == 0 && has_tasks(peer.version)) {
      tasks_.purge(now_ms());
      if (method == "tasks/get") return task_get(connection, request);
      if (method == "tasks/result") return task_result(connection, request);
      if (method == "tasks/cancel") return task_cancel(connection, request);
      if (method == "tasks/list") return task_list(connection, request);
    }
    reply_error(connection, request.id, rpc_code::method_not_found, "Method not found: " + method);
  }

  void on_notification(uint64_t connection, const rpc_notification& note) {
    if (note.method != "notifications/cancelled")
      return;  // initialized, progress, roots: nothing to do
    const auto notice = read_cancel_notice(note.params);
    if (!notice) return;
    const auto it = by_request_.find({connection, to_json_text(notice->request_id)});
    if (it == by_request_.end()) return;  // answered already, or never seen
    // A task is cancelled with tasks/cancel, never by its creating request.
    if (!calls_.at(it->second).task_id.empty()) return;
    abandon(it->second, notice->reason.value_or("cancelled by the client"));
  }

  void initialize(uint64_t connection, const rpc_request& request) {
    auto hello = read_initialize(request.params);
    if (auto* problem = std::get_if<std::string>(&hello)) {
      return reply_error(connection, request.id, rpc_code::invalid_params, *problem);
    }
    auto& peer = connections_[connection];
    const auto& client = std::get<client_hello>(hello);
    peer.version = negotiate_version(client.requested_version);
    peer.sampling = client.sampling;
    reply(connection, request.id, initialize_result(peer.version, settings_.identity));
  }

  void set_level(uint64_t connection, const rpc_request& request) {
    const auto level = request.params.find("level");
    const auto severity = level != request.params.end() && level->is_string()
                              ? parse_log_severity(level->get<std::string>())
                              : std::nullopt;
    if (!severity) {
      return reply_error(connection, request.id, rpc_code::invalid_params,
                         "logging/setLevel needs 'level': one of debug, info, notice, warning, "
                         "error, critical, alert, emergency");
    }
    connections_[connection].log_level = *severity;
    reply(connection, request.id, json::object());
  }

  // ---- tools/call ------------------------------------------------------

  void call_tool(uint64_t connection, const rpc_request& request) {
    const auto& peer = connections_[connection];
    const auto name = request.params.find("name");
    if (name == request.params.end() || !name->is_string()) {
      return reply_error(connection, request.id, rpc_code::invalid_params,
                         "tools/call needs a string 'name'");
    }
    const auto* tool = find_tool(name->get<std::string>());
    if (tool == nullptr) {
      return reply_error(connection, request.id, rpc_code::invalid_params,
                         "tool not found: " + name->get<std::string>());
    }
    const auto arguments_field = request.params.find("arguments");
    const json arguments =
        arguments_field == request.params.end() ? json(nullptr) : *arguments_field;
    if (!arguments.is_null() && !arguments.is_object()) {
      return reply_error(connection, request.id, rpc_code::invalid_params,
                         "'arguments' must be an object");
    }
    bool as_task = false;
    if (has_tasks(peer.version)) {
      if (auto task = read_task_request(request.params)) {
        if (auto* problem = std::get_if<std::string>(&*task)) {
          return reply_error(connection, request.id, rpc_code::invalid_params, *problem);
        }
        if (!tool->task_support) {
          return reply_error(connection, request.id, rpc_code::method_not_found,
                             "tool '" + tool->name + "' does not run as a task");
        }
        as_task = true;
      }
    }
    const std::string key = to_json_text(request.id);
    if (by_request_.count({connection, key}) != 0) {
      return reply_error(connection, request.id, rpc_code::invalid_request,
                         "a request with this id is still in flight");
    }
    const uint64_t number = next_call_++;
    call_state call;
    call.connection = connection;
    call.request_id = request.id;
    call.tool = tool->name;
    call.progress_token = progress_token(request.params);
    calls_.emplace(number, std::move(call));
    by_request_[{connection, key}] = number;
    tool_arguments args(arguments);
    dispatch_tool(number, tool->name, args, as_task);
  }

  void dispatch_tool(uint64_t number, const std::string& name, tool_arguments& args, bool as_task) {
    if (name == "alc_run") return run_tool(number, args, as_task);
    if (name == "alc_advice") return advice_tool(number, args, as_task);
    if (name == "alc_continue") return continue_tool(number, args);
    if (name == "alc_status") return status_tool(number, args);
    if (name == "alc_v2_run") return v2_run_tool(number, args, as_task);
    if (name == "alc_v2_state") return v2_state_tool(number, args);
    if (name == "alc_v2_resume") return v2_resume_tool(number, args);
    if (name == "alc_v2_cancel") return v2_cancel_tool(number, args);
    if (name == "alc_pkg_list") return pkg_list_tool(number, args);
    if (name == "alc_pkg_link") return finish(number, pkg_link(args, settings_.packages));
    if (name == "alc_pkg_unlink") return finish(number, pkg_unlink(args, settings_.packages));
    if (name == "alc_pkg_install") return finish(number, pkg_install(args, settings_.packages));
    if (name == "alc_info") return finish(number, info_reply());
    if (name == "alc_stats") return finish(number, log_stats(args, settings_.logs));
    if (name == "alc_log_view") return finish(number, log_view(args, settings_.logs));
    card_tool(number, name, args);
  }

  /// Answers the call (or, for a task, records its result) and forgets it.
  void finish(uint64_t number, const tool_reply& answer) {
    const auto it = calls_.find(number);
    if (it == calls_.end()) return;
    const call_state call = it->second;
    if (call.task_id.empty()) {
      reply(call.connection, call.request_id, tool_result(answer.text, answer.is_error));
    }
    forget(number);
  }

  /// Forgets a call without answering it.
  void forget(uint64_t number) {
    const auto it = calls_.find(number);
    if (it == calls_.end()) return;
    const call_state call = std::move(it->second);
    calls_.erase(it);
    by_request_.erase({call.connection, to_json_text(call.request_id)});
    if (call.session_id.empty()) return;
    const auto session = sessions_.find(call.session_id);
    if (session == sessions_.end()) return;
    auto& list = session->second.calls;
    list.erase(std::remove(list.begin(), list.end(), number), list.end());
    maybe_unwatch(call.session_id);
  }

  /// The client gave up on a call: no answer, and the session it was
  /// running on is cancelled.
  void abandon(uint64_t number, const std::string& reason) {
    const auto it = calls_.find(number);
    if (it == calls_.end()) return;
    const auto& call = it->second;
    if (!call.session_id.empty() && call.mode != wait_mode::progress_only) {
      cancel_session(call.session_id, cancel_code::user, reason);
    }
    forget(number);
  }

  // ---- sessions ---------------------------------------------------------

  struct start_options {
    bool legacy = false;
    bool answerer = false;  ///< subscribe the server's answerer
    bool subscribe = false;
    bool task = false;
    wait_mode mode = wait_mode::until_pause;
    std::optional<std::string> strategy;
    json budget;
    std::function<void(const std::string& id)> started;  ///< v2: answer at once
  };

  void start_session(uint64_t number, session_spec spec, start_options options) {
    ++spawns_in_flight_;
    auto on_spawned = [this, number, options](std::string& id, session_handle& handle) {
      --spawns_in_flight_;
      auto& record = sessions_[id];
      record.handle = handle;
      record.legacy = options.legacy;
      record.strategy = options.strategy;
      record.budget = options.budget;
      record.subscribed = options.subscribe;
      record.server_answers = options.answerer;
      if (options.answerer) {
        self_->request(registry_, caf::infinite, subscribe_atom_v, id, settings_.answerer)
            .then([](caf::ok_atom) {}, [](caf::error&) {});
      }
      auto early = std::move(early_events_[id]);
      early_events_.erase(id);
      if (spawns_in_flight_ == 0) early_events_.clear();
      const auto it = calls_.find(number);
      if (it == calls_.end()) {
        // Cancelled before the session existed.
        cancel_session(id, cancel_code::user, "cancelled by the client");
      } else {
        auto& call = it->second;
        call.session_id = id;
        call.mode = options.mode;
        record.calls.push_back(number);
        const bool waits = call.mode == wait_mode::until_pause || call.mode == wait_mode::until_end;
        if (options.task) {
          create_task(number, id);
        } else {
          if (waits) arm_timeout(number, settings_.wait_limit);
          // May answer and forget the call: `call` is not used after it.
          if (options.started) options.started(id);
        }
      }
      for (const auto& event : early) on_event(id, event);
      maybe_unwatch(id);
    };
    auto on_error = [this, number, legacy = options.legacy](caf::error& error) {
      --spawns_in_flight_;
      if (spawns_in_flight_ == 0) early_events_.clear();
      const std::string words = describe_error(error);
      finish(number,
             tool_reply::fail((legacy ? "Session setup failed: " : "invalid spec: ") + words));
    };
    if (options.subscribe) {
      self_->request(registry_, caf::infinite, spawn_atom_v, std::move(spec), caf::actor{self_})
          .then(on_spawned, on_error);
    } else {
      self_->request(registry_, caf::infinite, spawn_atom_v, std::move(spec))
          .then(on_spawned, on_error);
    }
  }

  static std::string describe_error(const caf::error& error) {
    if (auto verb = to_verb_error(error)) return verb->message;
    return describe(error);
  }

  void arm_timeout(uint64_t number, std::chrono::milliseconds limit) {
    self_->delayed_send(self_, limit, timeout_atom::value, number);
  }

  void cancel_session(const std::string& id, cancel_code code, const std::string& detail) {
    if (id.empty()) return;
    cancel_reason reason{code, detail, now_ms()};
    self_->request(registry_, caf::infinite, cancel_atom_v, id, reason)
        .then([](caf::ok_atom) {}, [](caf::error&) {});
  }

  void watch(const std::string& id) {
    auto& record = sessions_[id];
    record.subscribed = true;
    self_->request(registry_, caf::infinite, subscribe_atom_v, id, caf::actor{self_})
        .then([](caf::ok_atom) {}, [](caf::error&) {});
  }

  /// Drops the subscription once nothing follows the session any more, so
  /// an idle paused session is swept after the TTL like any other.
  void maybe_unwatch(const std::string& id) {
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    auto& record = it->second;
    const bool task_live = !record.task_id.empty() && tasks_.live(record.task_id);
    if (!record.subscribed || !record.calls.empty() || !record.continues.empty() || task_live ||
        record.sampling || record.ending) {
      return;
    }
    record.subscribed = false;
    self_->request(registry_, caf::infinite, unsubscribe_atom_v, id, caf::actor{self_})
        .then([](caf::ok_atom) {}, [](caf::error&) {});
  }

  // ---- events ------------------------------------------------------------

  void on_body(const std::string& id, const snapshot_event& snapshot) {
    auto jobs = std::move(sessions_[id].continues);
    sessions_[id].continues.clear();
    for (auto& job : jobs) run_continue(id, std::move(job), snapshot.state);
    maybe_unwatch(id);
  }

  void on_body(const std::string& id, const pause_requested_event& pause) {
    auto& record = sessions_[id];
    for (const auto& query : pause.info.prompts) {
      record.transcript.push_back({{"query_id", query.query_id},
                                   {"prompt", query.prompt},
                                   {"system", query.system ? json(*query.system) : json(nullptr)},
                                   {"response", nullptr}});
    }
    const auto count = std::to_string(pause.info.prompts.size());
    const std::vector<uint64_t> following = record.calls;
    for (const auto number : following) {
      notify_progress(number, "paused: waiting for " + count + " answer(s)", true);
    }
    if (const auto sampler = find_sampler(record)) return start_sampling(id, pause.info, *sampler);
    if (record.server_answers) return;  // the answerer resumes it
    for (const auto number : following) {
      const auto it = calls_.find(number);
      if (it != calls_.end() && it->second.mode == wait_mode::until_pause) {
        finish(number, tool_reply::ok(needs_response(id, pause.info)));
      }
    }
    if (!record.task_id.empty() && !pause.info.prompts.empty()) {
      set_task_status(record.task_id, "input_required",
                      "waiting for answers (alc_continue with session_id " + id +
                          "): " + pause.info.prompts.front().prompt);
    }
    maybe_unwatch(id);
  }

  void on_body(const std::string& id, const progress_event& progress) {
    auto& record = sessions_[id];
    record.progress = progress;
    std::string text = progress.message.value_or("progress");
    text += " (" + std::to_string(progress.step) + "/" + std::to_string(progress.total) + ")";
    const std::vector<uint64_t> following = record.calls;
    for (const auto number : following) notify_progress(number, text, false);
  }

  void on_body(const std::string& id, const log_event& log) {
    auto& record = sessions_[id];
    record.logs.push_back(
        {{"ts", now_ms()}, {"level", log.level}, {"source", "alc.lua"}, {"message", log.message}});
    while (record.logs.size() > max_recent_logs) record.logs.pop_front();
    const auto severity = severity_of_session_level(log.level);
    std::set<uint64_t> told;
    for (const auto number : record.calls) {
      const auto it = calls_.find(number);
      if (it == calls_.end() || !told.insert(it->second.connection).second) continue;
      const auto peer = connections_.find(it->second.connection);
      if (peer == connections_.end() || !peer->second.log_level ||
          severity < *peer->second.log_level) {
        continue;
      }
      send(it->second.connection,
           notification_message("notifications/message",
                                {{"level", std::string(to_string(severity))},
                                 {"logger", "alc"},
                                 {"data", {{"session_id", id}, {"message", log.message}}}}),
           {it->second.request_id, it->second.task_id, false});
    }
  }

  void on_body(const std::string& id, const state_transition_event& transition) {
    auto& record = sessions_[id];
    if (transition.to == "running" && !record.task_id.empty()) {
      set_task_status(record.task_id, "working", std::nullopt);
    }
  }

  void on_body(const std::string& id, const closed_event&) {
    auto& record = sessions_[id];
    record.ending = true;
    record.subscribed = false;  // a closed subscription is over
    self_->request(registry_, caf::infinite, await_atom_v, id)
        .then([this, id](terminal_outcome& outcome) { fetch_metrics(id, std::move(outcome)); },
              [this, id](caf::error& error) {
                failed_state lost{"the session's outcome is lost: " + describe(error),
                                  failure_kind::engine_error, now_ms()};
                on_ended(id, lost, session_summary{});
              });
  }

  template <class Other>
  void on_body(const std::string&, const Other&) {}  // llm_call_*, resume_accepted

  void fetch_metrics(const std::string& id, terminal_outcome outcome) {
    auto& record = sessions_[id];
    if (!record.handle) return on_ended(id, outcome, session_summary{});
    self_->request(*record.handle, caf::infinite, summary_atom_v)
        .then([this, id, outcome](session_summary& summary) { on_ended(id, outcome, summary); },
              [this, id, outcome](caf::error&) { on_ended(id, outcome, session_summary{}); });
  }

  json stats_of(const session_record& record, const terminal_outcome& outcome,
                const session_summary& summary) const {
    const int64_t elapsed = summary.created_at > 0 ? ended_at(outcome) - summary.created_at : 0;
    const auto source = record.usage_provided ? token_source::provided : token_source::estimated;
    return auto_stats(summary.metrics, std::max<int64_t>(elapsed, 0), source, record.budget);
  }

  json feed_of(const std::string& id, const terminal_outcome& outcome,
               const session_summary& summary) {
    auto& record = sessions_[id];
    const json stats = stats_of(record, outcome, summary);
    json feed = ended_result(outcome, stats);
    if (record.failure_note && std::holds_alternative<cancelled_state>(outcome)) {
      feed = {{"status", "error"}, {"error", *record.failure_note}};
    }
    if (record.legacy && summary.metrics.llm_calls > 0) {
      const auto warning =
          write_transcript(settings_.logs, {id, record.strategy, stats, record.transcript});
      if (warning) feed["transcript_warning"] = *warning;
    }
    return feed;
  }

  void on_ended(const std::string& id, const terminal_outcome& outcome,
                const session_summary& summary) {
    auto& record = sessions_[id];
    record.ending = false;
    record.sampling.reset();
    const json feed = feed_of(id, outcome, summary);
    const bool failed =
        std::holds_alternative<failed_state>(outcome) || record.failure_note.has_value();
    if (!record.task_id.empty()) {
      const std::string status = std::holds_alternative<done_state>(outcome) ? "completed"
                                 : failed                                    ? "failed"
                                                                             : "cancelled";
      const json payload = record.legacy ? feed : to_json_value(outcome);
      complete_task(record.task_id, tool_result(to_json_text(payload), failed), status);
    }
    const std::vector<uint64_t> following = record.calls;
    for (const auto number : following) {
      const auto it = calls_.find(number);
      if (it == calls_.end()) continue;
      if (it->second.mode == wait_mode::progress_only || !it->second.task_id.empty()) {
        forget(number);
      } else {
        finish(number, tool_reply::ok(feed));
      }
    }
    // Nothing follows an ended session: what a task needs is in its record,
    // and the registry answers for the session until its TTL.
    const auto ended = sessions_.find(id);
    if (ended != sessions_.end() && ended->second.continues.empty()) sessions_.erase(ended);
  }

  // ---- progress -----------------------------------------------------------

  void notify_progress(uint64_t number, const std::string& message, bool always) {
    const auto it = calls_.find(number);
    if (it == calls_.end() || it->second.progress_token.is_null()) return;
    auto& call = it->second;
    const int64_t now = now_ms();
    if (!always && call.progress_sent > 0 &&
        now - call.last_progress_ms < settings_.progress_interval.count()) {
      return;  // rate limit: pauses always go out, alc.progress at most once per interval
    }
    call.progress_sent += 1;
    call.last_progress_ms = now;
    json params = progress_params(call.progress_token, call.progress_sent, 0, message);
    if (!call.task_id.empty()) params["_meta"] = {{related_task_key, {{"taskId", call.task_id}}}};
    send(call.connection, notification_message("notifications/progress", params),
         {call.request_id, call.task_id, false});
  }

  // ---- sampling -------------------------------------------------------------

  std::optional<uint64_t> find_sampler(const session_record& record) const {
    for (const auto number : record.calls) {
      const auto it = calls_.find(number);
      if (it != calls_.end() && it->second.sample) return number;
    }
    return std::nullopt;
  }

  void start_sampling(const std::string& id, const pause_info& pause, uint64_t number) {
    auto& record = sessions_[id];
    const auto& call = calls_.at(number);
    sampling_round round;
    round.kind = pause.kind;
    round.answers.resize(pause.prompts.size());
    round.outstanding = pause.prompts.size();
    round.call = number;
    record.sampling = std::move(round);
    for (std::size_t i = 0; i < pause.prompts.size(); ++i) {
      const auto& query = pause.prompts[i];
      json params = {
          {"messages", json::array({{{"role", "user"},
                                     {"content", {{"type", "text"}, {"text", query.prompt}}}}})},
          {"maxTokens", query.max_tokens},
          {"includeContext", "none"},
          {"metadata", {{"session_id", id}, {"query_id", query.query_id}}}};
      if (query.system) params["systemPrompt"] = *query.system;
      if (!call.task_id.empty()) params["_meta"] = {{related_task_key, {{"taskId", call.task_id}}}};
      const int64_t out_id = next_outgoing_++;
      outgoing_[out_id] = {id, i};
      send(call.connection, request_message(out_id, "sampling/createMessage", params),
           {call.request_id, call.task_id, false});
    }
  }

  static std::optional<std::string> sampled_text(const json& result) {
    const auto content = result.find("content");
    if (content == result.end()) return std::nullopt;
    const auto text_of = [](const json& block) -> std::optional<std::string> {
      if (block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
          block["text"].is_string()) {
        return block["text"].get<std::string>();
      }
      return std::nullopt;
    };
    if (content->is_object()) return text_of(*content);
    if (!content->is_array()) return std::nullopt;
    std::optional<std::string> joined;
    for (const auto& block : *content) {
      if (auto text = text_of(block)) joined = joined ? *joined + *text : *text;
    }
    return joined;
  }

  /// Usage a client may add: `usage` or `_meta.usage`, in MCP's or OpenAI's names.
  static std::optional<reported_usage> sampled_usage(const json& result) {
    const json* usage = nullptr;
    if (result.contains("usage") && result["usage"].is_object()) usage = &result["usage"];
    if (usage == nullptr && result.contains("_meta") && result["_meta"].is_object() &&
        result["_meta"].contains("usage") && result["_meta"]["usage"].is_object()) {
      usage = &result["_meta"]["usage"];
    }
    if (usage == nullptr) return std::nullopt;
    const auto count = [usage](const char* a, const char* b) -> std::optional<int64_t> {
      for (const char* key : {a, b}) {
        const auto it = usage->find(key);
        if (it != usage->end() && it->is_number_integer() && it->get<int64_t>() >= 0)
          return it->get<int64_t>();
      }
      return std::nullopt;
    };
    reported_usage out{count("inputTokens", "prompt_tokens"),
                       count("outputTokens", "completion_tokens")};
    if (!out.prompt_tokens && !out.completion_tokens) return std::nullopt;
    return out;
  }

  void on_response(const rpc_response& response) {
    if (!response.id.is_number_integer()) return;
    const auto job_it = outgoing_.find(response.id.get<int64_t>());
    if (job_it == outgoing_.end()) return;
    const sampling_job job = job_it->second;
    outgoing_.erase(job_it);
    const auto session = sessions_.find(job.session_id);
    if (session == sessions_.end() || !session->second.sampling) return;
    auto& record = session->second;
    if (response.error) return sampling_failed(job.session_id, response.error->message);
    const auto text = sampled_text(response.result);
    if (!text) return sampling_failed(job.session_id, "the result holds no text content");
    auto& round = *record.sampling;
    const auto& entry = record.transcript;
    std::string query_id;
    // The query ids of this pause are the last entries of the transcript.
    const std::size_t first = entry.size() - round.answers.size();
    query_id = entry[first + job.index]["query_id"].get<std::string>();
    auto usage = sampled_usage(response.result);
    if (!usage) record.usage_provided = false;
    round.answers[job.index] = query_response{query_id, *text, usage};
    record.transcript[first + job.index]["response"] = *text;
    if (--round.outstanding > 0) return;
    std::vector<query_response> answers;
    for (auto& answer : round.answers) answers.push_back(std::move(*answer));
    const auto payload = resume_payload_for(round.kind, std::move(answers));
    record.sampling.reset();
    const std::string id = job.session_id;
    self_->request(registry_, caf::infinite, resume_atom_v, id, payload)
        .then([](resume_outcome&) {},
              [this, id](caf::error& error) {
                sampling_failed(id, "resume: " + describe_error(error));
              });
  }

  void sampling_failed(const std::string& id, const std::string& why) {
    auto& record = sessions_[id];
    record.sampling.reset();
    record.failure_note = "sampling/createMessage failed: " + why;
    cancel_session(id, cancel_code::internal, *record.failure_note);
  }

  // ---- the session tools ----------------------------------------------------

  bool wants_sampling(uint64_t number, const std::optional<bool>& asked) {
    const auto& call = calls_.at(number);
    const bool wanted = asked.value_or(settings_.answer_with_client);
    const auto peer = connections_.find(call.connection);
    return wanted && peer != connections_.end() && peer->second.sampling;
  }

  /// `ctx` as the tools take it: absent or null is {}, a string holding an object is decoded.
  static std::optional<json> read_ctx(const std::optional<json>& given) {
    if (!given) return json::object();
    if (given->is_object()) return *given;
    if (given->is_string()) {
      auto parsed = parse_json_text(given->get_ref<const std::string&>());
      if (parsed && parsed.value().is_object()) return std::move(parsed).value();
    }
    return std::nullopt;
  }

  void legacy_start(uint64_t number, session_spec spec, bool sample, bool as_task,
                    std::optional<std::string> strategy, json budget) {
    auto& call = calls_.at(number);
    call.sample = sample;
    start_options options;
    options.legacy = true;
    options.subscribe = true;
    options.task = as_task;
    options.answerer = !sample && settings_.answerer;
    options.mode =
        as_task || sample || options.answerer ? wait_mode::until_end : wait_mode::until_pause;
    options.strategy = std::move(strategy);
    options.budget = std::move(budget);
    start_session(number, std::move(spec), std::move(options));
  }

  void run_tool(uint64_t number, tool_arguments& args, bool as_task) {
    const auto code = args.optional_string("code");
    const auto code_file = args.optional_string("code_file");
    const auto ctx_arg = args.optional_value("ctx");
    (void)args.optional_string("project_root");
    const auto sample_arg = args.optional_bool("answer_with_client");
    if (!args.ok()) return finish(number, tool_reply::fail(args.error()));
    if (code && code_file)
      return finish(number, tool_reply::fail("Provide either `code` or `code_file`, not both."));
    if (!code && !code_file) {
      return finish(number, tool_reply::fail("Either `code` or `code_file` must be provided."));
    }
    std::string text;
    if (code) {
      text = *code;
    } else {
      auto file = read_text_file(*code_file);
      if (!file)
        return finish(number,
                      tool_reply::fail("Failed to read " + *code_file + ": cannot open the file"));
      text = std::move(*file);
    }
    auto ctx = read_ctx(ctx_arg);
    if (!ctx)
      return finish(number, tool_reply::fail("Session setup failed: ctx must be a JSON object"));
    session_spec spec;
    spec.kind = run_spec{std::move(text)};
    const json budget = ctx->value("budget", json(nullptr));
    spec.ctx = std::move(*ctx);
    legacy_start(number, std::move(spec), wants_sampling(number, sample_arg), as_task, std::nullopt,
                 budget);
  }

  void advice_tool(uint64_t number, tool_arguments& args, bool as_task) {
    const std::string strategy = args.required_string("strategy");
    const auto task = args.optional_string("task");
    const auto opts = args.optional_value("opts");
    (void)args.optional_string("project_root");
    const auto sample_arg = args.optional_bool("answer_with_client");
    if (!args.ok()) return finish(number, tool_reply::fail(args.error()));
    if (!package_exists(settings_.packages, strategy)) {
      return finish(number, tool_reply::fail("Package '" + strategy +
                                             "' not found in the package roots. Install it with "
                                             "alc_pkg_install or alc_pkg_link (alc fetches no "
                                             "bundled collection)."));
    }
    session_spec spec;
    spec.kind = advice_spec{strategy, task, opts.value_or(json(nullptr))};
    json budget = nullptr;
    if (opts && opts->is_object()) budget = opts->value("budget", json(nullptr));
    legacy_start(number, std::move(spec), wants_sampling(number, sample_arg), as_task, strategy,
                 budget);
  }

  void v2_run_tool(uint64_t number, tool_arguments& args, bool as_task) {
    const std::string code = args.required_string("code");
    const auto ctx_arg = args.optional_value("ctx");
    (void)args.optional_string("project_root");
    const auto sample_arg = args.optional_bool("answer_with_client");
    if (!args.ok()) return finish(number, tool_reply::fail(args.error()));
    if (code.empty())
      return finish(number, tool_reply::fail("invalid spec: code must not be empty"));
    auto ctx = read_ctx(ctx_arg);
    if (!ctx) return finish(number, tool_reply::fail("invalid spec: ctx must be a JSON object"));
    auto& call = calls_.at(number);
    call.sample = wants_sampling(number, sample_arg);
    session_spec spec;
    spec.kind = run_spec{code};
    spec.ctx = std::move(*ctx);
    start_options options;
    options.task = as_task;
    options.answerer = !call.sample && settings_.answerer;
    options.subscribe = as_task || call.sample || !call.progress_token.is_null();
    options.mode = as_task ? wait_mode::until_end : wait_mode::progress_only;
    if (!as_task) {
      // Answer at once; a progress token or sampling keeps the call
      // following the session until its end, without a second answer.
      options.started = [this, number](const std::string& id) {
        auto& c = calls_.at(number);
        reply(c.connection, c.request_id, tool_result(to_json_text({{"session_id", id}}), false));
        if (c.progress_token.is_null() && !c.sample) return forget(number);
        by_request_.erase({c.connection, to_json_text(c.request_id)});
      };
    }
    start_session(number, std::move(spec), std::move(options));
  }

  void continue_tool(uint64_t number, tool_arguments& args) {
    const std::string session_id = args.required_string("session_id");
    const auto response = args.optional_string("response");
    const auto query_id = args.optional_string("query_id");
    const auto responses = args.optional_array("responses");
    const auto usage_arg = args.optional_value("usage");
    if (!args.ok()) return finish(number, tool_reply::fail(args.error()));
    continue_job job;
    job.call = number;
    if (responses) {
      if (responses->empty()) return finish(number, tool_reply::fail("Empty responses array"));
      for (std::size_t i = 0; i < responses->size(); ++i) {
        auto item = from_json_value<query_response>((*responses)[i]);
        if (!item) {
          return finish(number, tool_reply::fail("failed to deserialize parameters: responses[" +
                                                 std::to_string(i) + "]: " + item.error().message));
        }
        job.responses.push_back(std::move(item).value());
      }
    } else if (response) {
      job.query_id = query_id;
      job.response = *response;
      if (usage_arg) {
        auto usage = from_json_value<reported_usage>(*usage_arg);
        if (!usage) {
          return finish(number, tool_reply::fail("failed to deserialize parameters: usage: " +
                                                 usage.error().message));
        }
        job.usage = std::move(usage).value();
      }
    } else {
      return finish(number, tool_reply::fail("Either 'response' or 'responses' must be provided"));
    }
    calls_.at(number).session_id = session_id;
    auto& record = sessions_[session_id];
    record.continues.push_back(std::move(job));
    // A fresh subscription's first event is the snapshot the job needs.
    record.subscribed = true;
    self_->request(registry_, caf::infinite, subscribe_atom_v, session_id, caf::actor{self_})
        .then([](caf::ok_atom) {},
              [this, session_id, number](caf::error&) {
                auto& jobs = sessions_[session_id].continues;
                jobs.erase(
                    std::remove_if(jobs.begin(), jobs.end(),
                                   [number](const continue_job& j) { return j.call == number; }),
                    jobs.end());
                sessions_[session_id].subscribed = false;
                finish(number,
                       tool_reply::fail("Continue failed: session '" + session_id + "' not found"));
                if (sessions_[session_id].calls.empty() && !sessions_[session_id].handle) {
                  sessions_.erase(session_id);
                }
              });
  }

  void run_continue(const std::string& id, continue_job job, const execution_state& state) {
    const auto number = job.call;
    if (calls_.count(number) == 0) return;
    const auto* paused = std::get_if<paused_state>(&state);
    if (paused == nullptr) {
      return finish(number, tool_reply::fail(
                                "Continue failed: invalid state transition: expected Paused, got " +
                                capitalised(state_name(state))));
    }
    const auto& info = paused->info;
    std::vector<query_response> answers = std::move(job.responses);
    if (answers.empty()) {
      std::string query = job.query_id.value_or("");
      if (!job.query_id) {
        if (info.prompts.empty()) {
          return finish(
              number, tool_reply::fail("Continue failed: invalid transition: no pending queries"));
        }
        if (info.prompts.size() > 1) {
          return finish(number, tool_reply::fail("Continue failed: invalid transition: " +
                                                 std::to_string(info.prompts.size()) +
                                                 " queries pending; specify query_id explicitly"));
        }
        query = info.prompts.front().query_id;
      }
      answers.push_back(query_response{query, job.response, job.usage});
    }
    auto& record = sessions_[id];
    std::vector<std::size_t> filled;
    for (const auto& answer : answers) {
      if (!answer.usage) record.usage_provided = false;
      for (std::size_t i = record.transcript.size(); i-- > 0;) {
        auto& entry = record.transcript[i];
        if (entry["query_id"] == answer.query_id && entry["response"].is_null()) {
          entry["response"] = answer.response;
          filled.push_back(i);
          break;
        }
      }
    }
    std::vector<std::string> ids;
    for (const auto& answer : answers) ids.push_back(answer.query_id);
    const resume_payload payload = info.kind == pause_kind::single && answers.size() == 1
                                       ? resume_payload{single_payload{answers.front()}}
                                       : resume_payload{batch_payload{answers}};
    record.calls.push_back(number);
    arm_timeout(number, settings_.wait_limit);
    self_->request(registry_, caf::infinite, resume_atom_v, id, payload)
        .then(
            [this, number](resume_outcome& outcome) {
              if (const auto* partial = std::get_if<resume_accepted>(&outcome)) {
                finish(number, tool_reply::ok(accepted_result(partial->remaining)));
              }
            },
            [this, number, id, filled, ids](caf::error& error) {
              auto& transcript = sessions_[id].transcript;
              for (const auto i : filled) transcript[i]["response"] = nullptr;
              finish(number,
                     tool_reply::fail("Continue failed: " + continue_error(error, id, ids)));
            });
  }

  static std::string continue_error(const caf::error& error, const std::string& id,
                                    const std::vector<std::string>& ids) {
    const auto verb = to_verb_error(error);
    if (!verb) return describe(error);
    std::string joined;
    for (const auto& q : ids) joined += (joined.empty() ? "" : ", ") + q;
    switch (verb->code) {
      case error_code::not_found:
        return "session '" + id + "' not found";
      case error_code::unknown_query:
        return "unknown query_id: " + joined;
      case error_code::duplicate_response:
        return "already responded to query_id: " + joined;
      case error_code::not_paused:
      case error_code::already_cancelled:
        return "invalid state transition: expected Paused, got " +
               capitalised(verb->actual.value_or("cancelled"));
      default:
        return verb->message;
    }
  }

  void status_tool(uint64_t number, tool_arguments& args) {
    const auto session_id = args.optional_string("session_id");
    const auto filter_arg = args.optional_value("pending_filter");
    const bool history = args.optional_bool("include_history").value_or(false);
    if (!args.ok()) return finish(number, tool_reply::fail(args.error()));
    auto filter = read_pending_filter(filter_arg, settings_.preview_chars);
    if (auto* problem = std::get_if<std::string>(&filter))
      return finish(number, tool_reply::fail(*problem));
    const auto chosen = std::get<std::optional<pending_filter>>(filter);
    self_->request(registry_, caf::infinite, list_atom_v)
        .then(
            [this, number, session_id, chosen, history](std::vector<session_summary>& all) {
              std::vector<session_summary> picked;
              for (auto& summary : all) {
                const auto record = sessions_.find(summary.id);
                if (record != sessions_.end() && record->second.internal) continue;
                if (session_id ? summary.id == *session_id
                               : summary.state == "running" || summary.state == "paused") {
                  picked.push_back(std::move(summary));
                }
              }
              if (session_id && picked.empty()) {
                return finish(number, tool_reply::fail("session '" + *session_id +
                                                       "' not found (may have completed)"));
              }
              if (!session_id && picked.empty()) {
                return finish(
                    number, tool_reply::ok({{"active_sessions", 0}, {"sessions", json::array()}}));
              }
              gather_status(number, std::move(picked), chosen, history, session_id.has_value());
            },
            [this, number](caf::error& error) {
              finish(number, tool_reply::fail(describe(error)));
            });
  }

  void gather_status(uint64_t number, std::vector<session_summary> picked,
                     std::optional<pending_filter> filter, bool history, bool single) {
    struct gathering {
      std::vector<session_summary> summaries;
      std::vector<std::optional<execution_state>> states;
      std::size_t left = 0;
    };
    auto shared = std::make_shared<gathering>();
    shared->summaries = std::move(picked);
    shared->states.resize(shared->summaries.size());
    shared->left = shared->summaries.size();
    auto done = [this, number, shared, filter, history, single]() {
      json sessions = json::array();
      for (std::size_t i = 0; i < shared->summaries.size(); ++i) {
        if (!shared->states[i]) continue;  // removed meanwhile
        session_view view;
        view.summary = shared->summaries[i];
        view.state = *shared->states[i];
        const auto record = sessions_.find(view.summary.id);
        if (record != sessions_.end()) {
          view.strategy = record->second.strategy;
          view.recent_logs.assign(record->second.logs.begin(), record->second.logs.end());
          view.progress = record->second.progress;
          if (history) view.history = history_of(record->second);
        }
        json snapshot = status_snapshot(view, filter, history, now_ms());
        snapshot["session_id"] = view.summary.id;
        sessions.push_back(std::move(snapshot));
      }
      if (single) {
        if (sessions.empty())
          return finish(number, tool_reply::fail("session not found (may have completed)"));
        return finish(number, tool_reply::ok(sessions[0], true));
      }
      const auto count = sessions.size();
      finish(number, tool_reply::ok({{"active_sessions", count}, {"sessions", std::move(sessions)}},
                                    count > 0));
    };
    for (std::size_t i = 0; i < shared->summaries.size(); ++i) {
      self_->request(registry_, caf::infinite, state_atom_v, shared->summaries[i].id)
          .then(
              [shared, i, done](execution_state& state) {
                shared->states[i] = std::move(state);
                if (--shared->left == 0) done();
              },
              [shared, done](caf::error&) {
                if (--shared->left == 0) done();
              });
    }
  }

  static std::vector<json> history_of(const session_record& record) {
    std::vector<json> out;
    for (const auto& entry : record.transcript) {
      if (entry["response"].is_null()) continue;
      out.push_back({{"query_id", entry["query_id"]},
                     {"prompt", entry["prompt"]},
                     {"response", entry["response"]},
                     {"prompt_tokens", estimate_tokens(entry["prompt"].get<std::string>())},
                     {"response_tokens", estimate_tokens(entry["response"].get<std::string>())}});
    }
    if (out.size() > max_history) out.erase(out.begin(), out.end() - max_history);
    return out;
  }

  void v2_state_tool(uint64_t number, tool_arguments& args) {
    const std::string id = args.required_string("session_id");
    if (!args.ok()) return finish(number, tool_reply::fail(args.error()));
    self_->request(registry_, caf::infinite, state_atom_v, id)
        .then([this, number](
                  execution_state& state) { finish(number, tool_reply::ok(to_json_value(state))); },
              [this, number, id](caf::error& error) {
                finish(number, tool_reply::fail(v2_error(error, id)));
              });
  }

  static std::string v2_error(const caf::error& error, const std::string& id) {
    const auto verb = to_verb_error(error);
    if (!verb) return "engine error: " + describe(error);
    switch (verb->code) {
      case error_code::not_found:
        return "session not found: " + id;
      case error_code::not_paused:
        return "session is not paused; actual state: " +
               capitalised(verb->actual.value_or("unknown"));
      case error_code::already_cancelled:
        return "session is already cancelled";
      default:
        return verb->message;
    }
  }

  void v2_resume_tool(uint64_t number, tool_arguments& args) {
    const std::string id = args.required_string("session_id");
    const auto payload_arg = args.optional_object_or_text("payload");
    if (!args.ok()) return finish(number, tool_reply::fail(args.error()));
    if (!payload_arg)
      return finish(number,
                    tool_reply::fail("failed to deserialize parameters: missing field `payload`"));
    auto payload = from_json_value<resume_payload>(*payload_arg);
    if (!payload)
      return finish(number, tool_reply::fail("invalid payload: " + payload.error().message));
    self_->request(registry_, caf::infinite, resume_atom_v, id, std::move(payload).value())
        .then(
            [this, number](resume_outcome& outcome) {
              if (const auto* partial = std::get_if<resume_accepted>(&outcome)) {
                return finish(number, tool_reply::ok({{"outcome", "accepted"},
                                                      {"remaining", partial->remaining}}));
              }
              finish(number, tool_reply::ok({{"outcome", "continued"}}));
            },
            [this, number, id](caf::error& error) {
              finish(number, tool_reply::fail(v2_error(error, id)));
            });
  }

  void v2_cancel_tool(uint64_t number, tool_arguments& args) {
    const std::string id = args.required_string("session_id");
    const auto reason_arg = args.optional_object_or_text("reason");
    if (!args.ok()) return finish(number, tool_reply::fail(args.error()));
    auto reason = cancel_reason_from_request(reason_arg.value_or(json(nullptr)));
    if (!reason)
      return finish(number, tool_reply::fail("invalid reason: " + reason.error().message));
    cancel_reason given = std::move(reason).value();
    if (given.requested_at == 0) given.requested_at = now_ms();
    self_->request(registry_, caf::infinite, cancel_atom_v, id, given)
        .then(
            [this, number](caf::ok_atom) {
              finish(number, {"{}", false});
            },
            [this, number, id](caf::error& error) {
              finish(number, tool_reply::fail(v2_error(error, id)));
            });
  }

  // ---- queries: cards and package meta, through a short session -------------

  void run_query(uint64_t number, std::string code, json ctx,
                 std::function<void(const terminal_outcome&)> then) {
    auto& call = calls_.at(number);
    call.mode = wait_mode::query;
    session_spec spec;
    spec.kind = run_spec{std::move(code)};
    spec.ctx = std::move(ctx);
    self_->request(registry_, caf::infinite, spawn_atom_v, std::move(spec))
        .then(
            [this, number, then](std::string& id, session_handle& handle) {
              auto& record = sessions_[id];
              record.handle = handle;
              record.internal = true;
              const auto it = calls_.find(number);
              if (it == calls_.end())
                return cancel_session(id, cancel_code::user, "cancelled by the client");
              it->second.session_id = id;
              record.calls.push_back(number);
              arm_timeout(number, settings_.query_limit);
              self_->request(registry_, caf::infinite, await_atom_v, id)
                  .then(
                      [this, number, then, id](terminal_outcome& outcome) {
                        if (calls_.count(number) != 0) then(outcome);
                        sessions_.erase(id);
                      },
                      [this, number](caf::error& error) {
                        finish(number, tool_reply::fail(describe(error)));
                      });
            },
            [this, number](caf::error& error) {
              finish(number, tool_reply::fail(describe_error(error)));
            });
  }

  void card_tool(uint64_t number, const std::string& name, tool_arguments& args) {
    json ctx = json::object();
    std::string code;
    std::string missing;  // the error when the call returns nil
    if (name == "alc_card_list" || name == "alc_card_alias_list") {
      const auto pkg = args.optional_string("pkg");
      if (pkg) ctx["filter"] = {{"pkg", *pkg}};
      code = name == "alc_card_list" ? "return alc.card.list(ctx.filter)"
                                     : "return alc.card.alias_list(ctx.filter)";
    } else if (name == "alc_card_get") {
      ctx["id"] = args.required_string("card_id");
      code = "return alc.card.get(ctx.id)";
      missing = "card '" + ctx["id"].get<std::string>() + "' not found";
    } else if (name == "alc_card_get_by_alias") {
      ctx["name"] = args.required_string("name");
      code = "return alc.card.get_by_alias(ctx.name)";
      missing = "alias '" + ctx["name"].get<std::string>() + "' not found";
    } else if (name == "alc_card_find") {
      json query = json::object();
      if (auto pkg = args.optional_string("pkg")) query["pkg"] = *pkg;
      if (auto where = args.optional_value("where")) query["where"] = *where;
      if (auto order = args.optional_value("order_by")) query["order_by"] = *order;
      if (auto limit = args.optional_unsigned("limit")) query["limit"] = *limit;
      if (auto offset = args.optional_unsigned("offset")) query["offset"] = *offset;
      ctx["query"] = std::move(query);
      code = "return alc.card.find(ctx.query)";
    } else if (name == "alc_card_samples") {
      ctx["id"] = args.required_string("card_id");
      json opts = json::object();
      if (auto offset = args.optional_unsigned("offset")) opts["offset"] = *offset;
      if (auto limit = args.optional_unsigned("limit")) opts["limit"] = *limit;
      if (auto where = args.optional_value("where")) opts["where"] = *where;
      ctx["opts"] = std::move(opts);
      code =
          "if alc.card.get(ctx.id) == nil then error(\"card '\" .. ctx.id .. \"' not found\", 0) "
          "end\n"
          "return alc.card.read_samples(ctx.id, ctx.opts)";
    } else {  // alc_card_lineage
      json query = {{"card_id", args.required_string("card_id")}};
      if (auto direction = args.optional_string("direction")) query["direction"] = *direction;
      if (auto depth = args.optional_unsigned("depth")) query["depth"] = *depth;
      if (auto stats = args.optional_bool("include_stats")) query["include_stats"] = *stats;
      if (auto filter = args.optional_array("relation_filter")) query["relation_filter"] = *filter;
      ctx["query"] = std::move(query);
      code = "return alc.card.lineage(ctx.query)";
    }
    if (!args.ok()) return finish(number, tool_reply::fail(args.error()));
    run_query(number, code, std::move(ctx),
              [this, number, missing](const terminal_outcome& outcome) {
                if (const auto* done = std::get_if<done_state>(&outcome)) {
                  if (done->value.is_null() && !missing.empty())
                    return finish(number, tool_reply::fail(missing));
                  return finish(
                      number, tool_reply::ok(done->value.is_null() ? json::array() : done->value));
                }
                if (const auto* failed = std::get_if<failed_state>(&outcome)) {
                  return finish(number, tool_reply::fail(clean_lua_message(failed->message)));
                }
                finish(number, tool_reply::fail("the card query was cancelled"));
              });
  }

  void pkg_list_tool(uint64_t number, tool_arguments& args) {
    std::string error;
    auto request = read_pkg_list(args, error);
    if (!request) return finish(number, tool_reply::fail(error));
    auto entries = scan_packages(settings_.packages);
    json names = json::array();
    for (const auto& entry : entries) {
      if (entry.active && !entry.broken) names.push_back(entry.name);
    }
    if (names.empty())
      return finish(number, pkg_list_reply(*request, entries, settings_.packages, json::object()));
    run_query(number, meta_probe_code(), {{"names", names}},
              [this, number, request = *request, entries](const terminal_outcome& outcome) {
                const auto* done = std::get_if<done_state>(&outcome);
                const json metas =
                    done != nullptr && done->value.is_object() ? done->value : json(nullptr);
                finish(number, pkg_list_reply(request, entries, settings_.packages, metas));
              });
  }

  tool_reply info_reply() const {
    json search_paths = json::array();
    for (const auto& root : settings_.packages.roots) {
      search_paths.push_back({{"path", root.path}, {"source", root.source}});
    }
    json log_dir = {{"resolved", settings_.logs.dir ? json(*settings_.logs.dir) : json(nullptr)},
                    {"source", settings_.logs.source}};
    json out = {{"version", settings_.identity.version},
                {"log_dir", std::move(log_dir)},
                {"log_enabled", settings_.logs.enabled && settings_.logs.dir.has_value()},
                {"packages_dir", settings_.packages.packages_dir},
                {"search_paths", std::move(search_paths)},
                {"tracing", "stderr only"},
                {"state_dir", settings_.state_dir},
                {"cards_dir", settings_.cards_dir},
                {"protocol_versions", protocol_versions}};
    return tool_reply::ok(out, true);
  }

  // ---- tasks ------------------------------------------------------------------

  void tell_status(const task_record& task) {
    send(task.connection, notification_message("notifications/tasks/status", tasks_.describe(task)),
         {nullptr, task.id, false});
  }

  void create_task(uint64_t number, const std::string& id) {
    auto& call = calls_.at(number);
    call.task_id = id;
    const auto& task = tasks_.create(id, call.connection, now_ms(), settings_.session_ttl.count());
    sessions_[id].task_id = id;
    reply(call.connection, call.request_id, {{"task", tasks_.describe(task)}});
    // The request is answered; the call lives on as the task's follower.
    by_request_.erase({call.connection, to_json_text(call.request_id)});
  }

  void set_task_status(const std::string& id, const std::string& status,
                       std::optional<std::string> message) {
    if (const auto* task = tasks_.set_status(id, status, std::move(message), now_ms())) {
      tell_status(*task);
    }
  }

  void complete_task(const std::string& id, json result, const std::string& status) {
    const bool was_live = tasks_.live(id);
    auto* task = tasks_.complete(id, std::move(result), status, now_ms());
    if (task == nullptr) return;
    if (was_live) tell_status(*task);
    for (const auto& waiter : task->result_waiters) {
      send(task->connection, result_message(waiter, *task->result), {waiter, id, true});
    }
    task->result_waiters.clear();
  }

  task_record* find_task(uint64_t connection, const rpc_request& request) {
    const auto id = request.params.find("taskId");
    if (id == request.params.end() || !id->is_string()) {
      reply_error(connection, request.id, rpc_code::invalid_params, "a string 'taskId' is needed");
      return nullptr;
    }
    auto* task = tasks_.find(id->get<std::string>(), connection);
    if (task == nullptr) {
      reply_error(connection, request.id, rpc_code::invalid_params,
                  "Failed to retrieve task: Task not found");
    }
    return task;
  }

  void task_get(uint64_t connection, const rpc_request& request) {
    if (auto* task = find_task(connection, request)) {
      reply(connection, request.id, tasks_.describe(*task));
    }
  }

  void task_result(uint64_t connection, const rpc_request& request) {
    auto* task = find_task(connection, request);
    if (task == nullptr) return;
    if (task->result) {
      return send(connection, result_message(request.id, *task->result),
                  {request.id, task->id, true});
    }
    task->result_waiters.push_back(request.id);  // answered when the task ends
  }

  void task_cancel(uint64_t connection, const rpc_request& request) {
    auto* task = find_task(connection, request);
    if (task == nullptr) return;
    if (is_terminal_task_status(task->status)) {
      return reply_error(connection, request.id, rpc_code::invalid_params,
                         "Cannot cancel task: already in terminal status '" + task->status + "'");
    }
    const std::string id = task->id;
    const std::string why = "cancelled through tasks/cancel";
    cancel_reason reason{cancel_code::user, why, now_ms()};
    const json request_id = request.id;
    self_->request(registry_, caf::infinite, cancel_atom_v, id, reason)
        .then(
            [this, connection, request_id, id, why](caf::ok_atom) {
              if (const auto* changed = tasks_.set_status(id, "cancelled", why, now_ms())) {
                tell_status(*changed);
              }
              if (auto* task = tasks_.find(id, connection)) {
                reply(connection, request_id, tasks_.describe(*task));
              } else {
                reply_error(connection, request_id, rpc_code::invalid_params,
                            "Failed to retrieve task: Task not found");
              }
            },
            [this, connection, request_id](caf::error& error) {
              reply_error(connection, request_id, rpc_code::internal_error, describe(error));
            });
  }

  void task_list(uint64_t connection, const rpc_request& request) {
    json list = json::array();
    for (const auto* task : tasks_.of_connection(connection))
      list.push_back(tasks_.describe(*task));
    reply(connection, request.id, {{"tasks", std::move(list)}});
  }

  caf::stateful_actor<hub_state>* self_;
  registry_handle registry_;
  std::shared_ptr<connection_table> table_;
  hub_settings settings_;
  std::map<uint64_t, connection_state> connections_;
  std::map<uint64_t, call_state> calls_;
  std::map<std::pair<uint64_t, std::string>, uint64_t>
      by_request_;  ///< (connection, id text) → call
  std::map<std::string, session_record> sessions_;
  task_table tasks_{task_poll_interval_ms};
  std::map<int64_t, sampling_job> outgoing_;  ///< our sampling requests by id
  std::map<std::string, std::vector<session_event>> early_events_;
  std::size_t spawns_in_flight_ = 0;
  uint64_t next_call_ = 1;
  int64_t next_outgoing_ = 1;
};

caf::behavior hub(caf::stateful_actor<hub_state>* self, registry_handle registry,
                  std::shared_ptr<connection_table> connections, hub_settings settings) {
  self->state.init(std::move(registry), std::move(connections), std::move(settings));
  return {
      [self](message_atom, uint64_t connection, const std::string& text) {
        self->state.on_message(connection, text);
      },
      [self](hangup_atom, uint64_t connection) {
        self->state.on_hangup(connection);
        return caf::ok_atom_v;
      },
      [self](timeout_atom, uint64_t call) { self->state.on_timeout(call); },
      [self](event_atom, const std::string& id, const session_event& event) {
        self->state.on_event(id, event);
      },
  };
}

}  // namespace

caf::actor spawn_hub(caf::actor_system& system, registry_handle registry,
                     std::shared_ptr<connection_table> connections, hub_settings settings) {
  return system.spawn(hub, std::move(registry), std::move(connections), std::move(settings));
}

}  // namespace alc::cli::mcp
