#pragma once
// Internal to the LLM responder: HTTP requests on libcurl's multi_socket interface
// over epoll, driven by one I/O thread this object owns. Callers never block: they hand
// requests over and collect finished ones.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <variant>
#include <vector>

#include "actors/llm/http_exchange.hpp"

namespace alc::llm {

class http_transport {
 public:
  struct limits {
    std::chrono::milliseconds timeout{120000};  ///< per request, connection included
    std::size_t max_response_bytes = std::size_t{16} << 20;
    std::size_t max_connections = 8;  ///< connections kept open for reuse
  };
  struct finished {
    uint64_t job = 0;
    std::variant<http_reply, transfer_error> result;
  };

  /// `ready` runs on the I/O thread whenever finished requests start
  /// waiting to be taken (not once per request: once per take_finished).
  http_transport(limits limits, std::function<void()> ready);
  /// Stops the thread and frees every transfer; no `ready` call after.
  ~http_transport();
  http_transport(const http_transport&) = delete;
  http_transport& operator=(const http_transport&) = delete;

  /// Starts `request` as `job` (ids are the caller's, unique while in flight).
  void submit(uint64_t job, http_request request);
  /// Drops `job` and closes its connection; it will not be reported.
  void abort(uint64_t job);
  /// Everything finished since the last call.
  std::vector<finished> take_finished();

 private:
  class engine;
  std::unique_ptr<engine> engine_;
};

}  // namespace alc::llm
