#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for the responder tests: a thread per
// connection, keep-alive, Content-Length bodies. The test's handler decides
// each response and may hold it back; the server records every request and
// tells the test when requests are open, answered, or abandoned by the
// client, so tests wait for events instead of sleeping.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace alc::test {

class fake_http_server {
 public:
  struct request {
    std::string method;
    std::string target;                          ///< `/v1/chat/completions`
    std::map<std::string, std::string> headers;  ///< names in lower case
    std::string body;
    std::chrono::steady_clock::time_point arrived;
    /// The body as JSON (null if it is none).
    nlohmann::json json() const;
    /// A header's value, or "" when absent.
    std::string header(const std::string& lower_name) const;
  };
  struct response {
    int status = 200;
    std::string reason = "OK";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
  };

  /// What a handler can do while it decides.
  class exchange {
   public:
    /// Waits until `n` requests have been open at the same time (this one
    /// included; a latch: once seen, it stays true), the server is released,
    /// or the client goes away. True unless the client went away.
    bool wait_open(std::size_t n);
    /// Waits until release() or the client goes away; true when released.
    bool hold();
    std::size_t index() const { return index_; }  ///< 0 for the first request

   private:
    friend class fake_http_server;
    exchange(fake_http_server& server, int fd, std::size_t index)
        : server_(server), fd_(fd), index_(index) {}
    bool wait(const std::function<bool()>& done);
    fake_http_server& server_;
    int fd_;
    std::size_t index_;
  };

  using handler = std::function<response(const request&, exchange&)>;

  explicit fake_http_server(handler handle);
  ~fake_http_server();
  fake_http_server(const fake_http_server&) = delete;
  fake_http_server& operator=(const fake_http_server&) = delete;

  std::string url() const;  ///< `http://127.0.0.1:PORT`
  uint16_t port() const { return port_; }

  /// Lets every held handler (and every later one) answer.
  void release();

  std::vector<request> requests() const;
  std::size_t open_now() const;
  std::size_t max_open() const;
  std::size_t abandoned() const;  ///< held requests whose client closed the connection

  /// Block until the condition holds (false after `bound`); wait_open, as
  /// the handlers' one, waits for `n` requests to have been open at once.
  bool wait_requests(std::size_t n, std::chrono::milliseconds bound = std::chrono::seconds{10});
  bool wait_open(std::size_t n, std::chrono::milliseconds bound = std::chrono::seconds{10});
  bool wait_abandoned(std::size_t n, std::chrono::milliseconds bound = std::chrono::seconds{10});

  /// A port on 127.0.0.1 where nothing listens (connecting is refused).
  static uint16_t closed_port();

  /// A JSON response.
  static response json_response(const nlohmann::json& body, int status = 200,
                                std::string reason = "OK");

 private:
  void accept_loop();
  void serve(int fd);
  void hang_up(int fd);
  template <class Predicate>
  bool wait_until(Predicate done, std::chrono::milliseconds bound);

  handler handle_;
  int listen_fd_ = -1;
  int release_fd_ = -1;  // an eventfd: readable once released
  uint16_t port_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<request> requests_;
  std::size_t open_ = 0;
  std::size_t max_open_ = 0;
  std::size_t abandoned_ = 0;
  bool released_ = false;
  bool stopping_ = false;
  std::vector<int> connections_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace alc::test
