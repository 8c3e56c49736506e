#include "cli/mcp/http_transport.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <httplib.h>
#include <caf/all.hpp>

#include "cli/mcp/hub.hpp"
#include "cli/mcp/protocol.hpp"

namespace alc::cli::mcp {
namespace {

/// Threads of the HTTP server: each open SSE stream holds one.
constexpr std::size_t http_threads = 32;
/// Messages kept for a session without an open stream.
constexpr std::size_t max_pending = 1000;
/// A comment line on idle streams, so proxies and clients see it alive.
constexpr auto keepalive_every = std::chrono::seconds{15};
/// Longest a JSON-mode request waits for its answer.
constexpr auto json_answer_limit = std::chrono::hours{1};

/// The write end of the self-pipe the signal handler wakes the server through.
std::atomic<int> stop_pipe_write{-1};

extern "C" void on_stop_signal(int) {
  const char byte = 1;
  const int fd = stop_pipe_write.load();
  if (fd >= 0) (void)!::write(fd, &byte, 1);
}

/// One open response: an SSE stream, or a JSON answer being waited for.
struct stream {
  std::vector<json> request_ids;  ///< requests answered here (empty: the standalone GET stream)
  std::string task_id;            ///< tasks/result: the task's messages come here too
  bool sse = true;
  std::deque<std::string> queue;
  std::size_t unanswered = 0;
  bool done = false;
};

/// One MCP session over HTTP: the hub's channel for it and its open streams.
class http_session final : public outbound_channel {
 public:
  void send(std::string message, const route& where) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    if (auto* target = stream_for(where)) {
      target->queue.push_back(std::move(message));
      if (where.final && target->unanswered > 0 && --target->unanswered == 0) target->done = true;
    } else if (auto* standalone = standalone_stream()) {
      standalone->queue.push_back(std::move(message));
    } else if (pending_.size() < max_pending) {
      pending_.push_back(std::move(message));  // the next GET stream gets it
    }
    wake_.notify_all();
  }

  std::shared_ptr<stream> open(std::vector<json> ids, std::string task_id, bool sse) {
    auto opened = std::make_shared<stream>();
    opened->unanswered = ids.size();
    opened->request_ids = std::move(ids);
    opened->task_id = std::move(task_id);
    opened->sse = sse;
    std::lock_guard<std::mutex> lock(mutex_);
    if (opened->request_ids.empty()) {
      for (auto& message : pending_) opened->queue.push_back(std::move(message));
      pending_.clear();
    }
    streams_.push_back(opened);
    return opened;
  }

  bool has_standalone() {
    std::lock_guard<std::mutex> lock(mutex_);
    return standalone_stream() != nullptr;
  }

  void close_stream(const std::shared_ptr<stream>& gone) {
    std::lock_guard<std::mutex> lock(mutex_);
    streams_.erase(std::remove(streams_.begin(), streams_.end(), gone), streams_.end());
    // What it did not deliver goes to the standalone stream, or waits.
    auto* standalone = standalone_stream();
    for (auto& message : gone->queue) {
      if (standalone != nullptr) {
        standalone->queue.push_back(std::move(message));
      } else if (pending_.size() < max_pending) {
        pending_.push_back(std::move(message));
      }
    }
    gone->queue.clear();
    wake_.notify_all();
  }

  /// Waits for the stream's next message; nullopt when it has ended (or
  /// `limit` passed with nothing: then `idle` is set).
  std::optional<std::string> next(const std::shared_ptr<stream>& from,
                                  std::chrono::milliseconds limit, bool& idle) {
    std::unique_lock<std::mutex> lock(mutex_);
    idle =
        !wake_.wait_for(lock, limit, [&] { return closed_ || !from->queue.empty() || from->done; });
    if (!from->queue.empty()) {
      std::string message = std::move(from->queue.front());
      from->queue.pop_front();
      return message;
    }
    return std::nullopt;
  }

  bool finished(const std::shared_ptr<stream>& from) {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_ || (from->done && from->queue.empty());
  }

  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    wake_.notify_all();
  }

 private:
  stream* stream_for(const route& where) {
    if (!where.request_id.is_null()) {
      for (auto& open : streams_) {
        if (!open->sse && !where.final) continue;  // JSON answers carry only the response
        for (const auto& id : open->request_ids) {
          if (id == where.request_id) return open.get();
        }
      }
    }
    if (!where.task_id.empty()) {
      for (auto& open : streams_) {
        if (open->sse && open->task_id == where.task_id) return open.get();
      }
    }
    return nullptr;
  }

  stream* standalone_stream() {
    for (auto& open : streams_) {
      if (open->request_ids.empty()) return open.get();
    }
    return nullptr;
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::shared_ptr<stream>> streams_;
  std::deque<std::string> pending_;
  bool closed_ = false;
};

std::string new_session_id() {
  std::random_device device;
  std::array<char, 33> text{};
  static constexpr char digits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < 32; ++i) text[i] = digits[device() % 16];
  return "mcp-" + std::string(text.data(), 32);
}

bool local_origin(const std::string& origin, const std::vector<std::string>& allowed) {
  for (const auto* prefix : {"http://localhost", "https://localhost", "http://127.0.0.1",
                             "https://127.0.0.1", "http://[::1]", "https://[::1]"}) {
    const std::string p(prefix);
    if (origin.rfind(p, 0) == 0 && (origin.size() == p.size() || origin[p.size()] == ':'))
      return true;
  }
  return std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
}

void json_error(httplib::Response& res, int status, int code, const std::string& message) {
  res.status = status;
  res.set_content(error_message(nullptr, rpc_error{code, message, {}}), "application/json");
}

class http_server {
 public:
  http_server(caf::actor_system& system, caf::actor hub, std::shared_ptr<connection_table> table,
              http_options options)
      : system_(system),
        hub_(std::move(hub)),
        table_(std::move(table)),
        options_(std::move(options)) {
    // httplib takes ownership of the queue it is handed (its API's contract).
    server_.new_task_queue = [] { return new httplib::ThreadPool(http_threads); };
    server_.Post("/mcp",
                 [this](const httplib::Request& req, httplib::Response& res) { post(req, res); });
    server_.Get("/mcp",
                [this](const httplib::Request& req, httplib::Response& res) { get(req, res); });
    server_.Delete(
        "/mcp", [this](const httplib::Request& req, httplib::Response& res) { remove(req, res); });
  }

  int run() {
    int port = options_.port;
    if (port == 0) {
      port = server_.bind_to_any_port(options_.host);
      if (port < 0) return fail("cannot listen on " + options_.host);
    } else if (!server_.bind_to_port(options_.host, port)) {
      return fail("cannot listen on " + options_.host + ":" + std::to_string(port));
    }
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail("cannot create a pipe");
    stop_pipe_write = pipe_fds[1];
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    std::thread stopper([this, read_fd = pipe_fds[0]] {
      char byte = 0;
      while (::read(read_fd, &byte, 1) < 0 && errno == EINTR) {
      }
      stop();
    });
    std::cerr << "alc mcp: listening on http://" << options_.host << ":" << port << "/mcp"
              << std::endl;
    server_.listen_after_bind();
    on_stop_signal(0);  // listen ended another way: let the stopper go too
    stopper.join();
    stop_pipe_write = -1;
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return 0;
  }

 private:
  static int fail(const std::string& why) {
    std::cerr << "alc mcp: " << why << '\n';
    return 1;
  }

  void stop() {
    std::vector<std::shared_ptr<http_session>> all;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      for (auto& [id, entry] : sessions_) all.push_back(entry.second);
    }
    for (auto& session : all) session->close();  // ends every stream
    server_.stop();
  }

  /// The session a request names, or an error response already set.
  std::shared_ptr<http_session> session_of(const httplib::Request& req, httplib::Response& res,
                                           uint64_t& connection) {
    if (!req.has_header("Mcp-Session-Id")) {
      json_error(res, 400, rpc_code::invalid_request,
                 "Bad Request: Mcp-Session-Id header is required");
      return nullptr;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = sessions_.find(req.get_header_value("Mcp-Session-Id"));
    if (it == sessions_.end()) {
      json_error(res, 404, rpc_code::invalid_request, "Session not found");
      return nullptr;
    }
    connection = it->second.first;
    return it->second.second;
  }

  bool checked(const httplib::Request& req, httplib::Response& res) {
    if (req.has_header("Origin") &&
        !local_origin(req.get_header_value("Origin"), options_.allowed_origins)) {
      json_error(res, 403, rpc_code::invalid_request, "Forbidden: origin not allowed");
      return false;
    }
    if (req.has_header("MCP-Protocol-Version") &&
        !is_supported_version(req.get_header_value("MCP-Protocol-Version"))) {
      json_error(res, 400, rpc_code::invalid_request,
                 "Bad Request: unsupported MCP-Protocol-Version " +
                     req.get_header_value("MCP-Protocol-Version"));
      return false;
    }
    return true;
  }

  void post(const httplib::Request& req, httplib::Response& res) {
    if (!checked(req, res)) return;
    auto doc = parse_json_text(req.body);
    if (!doc) return json_error(res, 400, rpc_code::parse_error, doc.error().message);
    const json& body = doc.value();
    const bool is_request = body.is_object() && body.contains("method") && body.contains("id");
    const bool is_initialize = is_request && body["method"] == "initialize";
    uint64_t connection = 0;
    std::shared_ptr<http_session> session;
    std::string session_id;
    if (is_initialize) {
      session = std::make_shared<http_session>();
      session_id = new_session_id();
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_)
        return json_error(res, 503, rpc_code::internal_error, "the server is stopping");
      connection = next_connection_++;
      sessions_[session_id] = {connection, session};
      table_->add(connection, session);
    } else {
      session = session_of(req, res, connection);
      if (!session) return;
    }
    if (!is_request) {
      // Notifications and responses: accepted, answered on no stream.
      caf::anon_send(hub_, message_atom::value, connection, req.body);
      res.status = 202;
      return;
    }
    if (!session_id.empty()) res.set_header("Mcp-Session-Id", session_id);
    std::string task_id;
    if (body["method"] == "tasks/result" && body.contains("params") && body["params"].is_object() &&
        body["params"].contains("taskId") && body["params"]["taskId"].is_string()) {
      task_id = body["params"]["taskId"].get<std::string>();
    }
    const std::string accept = req.get_header_value("Accept");
    const bool sse = accept.find("text/event-stream") != std::string::npos;
    auto opened = session->open({body["id"]}, task_id, sse);
    caf::anon_send(hub_, message_atom::value, connection, req.body);
    if (!sse) {
      bool idle = false;
      auto answer = session->next(opened, json_answer_limit, idle);
      session->close_stream(opened);
      if (!answer) return json_error(res, 503, rpc_code::internal_error, "no answer");
      res.set_content(*answer, "application/json");
      return;
    }
    stream_out(res, session, opened);
  }

  void get(const httplib::Request& req, httplib::Response& res) {
    if (!checked(req, res)) return;
    if (req.get_header_value("Accept").find("text/event-stream") == std::string::npos) {
      res.status = 406;
      return;
    }
    uint64_t connection = 0;
    auto session = session_of(req, res, connection);
    if (!session) return;
    if (session->has_standalone()) {
      json_error(res, 409, rpc_code::invalid_request,
                 "Conflict: only one standalone stream per session");
      return;
    }
    stream_out(res, session, session->open({}, "", true));
  }

  void remove(const httplib::Request& req, httplib::Response& res) {
    if (!checked(req, res)) return;
    uint64_t connection = 0;
    auto session = session_of(req, res, connection);
    if (!session) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      sessions_.erase(req.get_header_value("Mcp-Session-Id"));
    }
    caf::scoped_actor self{system_};
    self->request(hub_, std::chrono::seconds{5}, hangup_atom::value, connection)
        .receive([](caf::ok_atom) {}, [](caf::error&) {});
    table_->remove(connection);
    session->close();
    res.status = 200;
  }

  static void stream_out(httplib::Response& res, const std::shared_ptr<http_session>& session,
                         const std::shared_ptr<stream>& opened) {
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream",
        [session, opened](std::size_t, httplib::DataSink& sink) {
          if (session->finished(opened)) {
            sink.done();
            return true;
          }
          bool idle = false;
          auto message = session->next(opened, keepalive_every, idle);
          if (message) {
            const std::string event = "event: message\ndata: " + *message + "\n\n";
            return sink.write(event.data(), event.size());
          }
          if (idle) return sink.write(": keepalive\n\n", 13);
          return true;  // ended: the next call says done
        },
        [session, opened](bool) { session->close_stream(opened); });
  }

  caf::actor_system& system_;
  caf::actor hub_;
  std::shared_ptr<connection_table> table_;
  http_options options_;
  httplib::Server server_;
  std::mutex mutex_;
  std::map<std::string, std::pair<uint64_t, std::shared_ptr<http_session>>> sessions_;
  uint64_t next_connection_ = 100;
  bool stopping_ = false;
};

}  // namespace

int serve_http(caf::actor_system& system, const caf::actor& hub,
               const std::shared_ptr<connection_table>& table, const http_options& options) {
  http_server server(system, hub, table, options);
  return server.run();
}

}  // namespace alc::cli::mcp
