#pragma once
// The benchmark's model: an OpenAI-compatible chat-completions server on
// 127.0.0.1 that answers every request after a fixed delay. It runs in a
// child process (epoll, one thread), so the CPU time the benchmark measures
// for its own process is alc's alone.

#include <sys/types.h>

#include <chrono>
#include <cstdint>

namespace alc_bench::http {

class fake_model {
 public:
  /// Forks the server; call before the process starts any thread.
  explicit fake_model(std::chrono::milliseconds delay);
  /// Stops the server (it exits when its control pipe closes) and reaps it.
  ~fake_model();
  fake_model(const fake_model&) = delete;
  fake_model& operator=(const fake_model&) = delete;

  uint16_t port() const { return port_; }
  bool ok() const { return port_ != 0; }

 private:
  pid_t pid_ = -1;
  int control_ = -1;  // our end of the pipe the child watches
  uint16_t port_ = 0;
};

}  // namespace alc_bench::http
