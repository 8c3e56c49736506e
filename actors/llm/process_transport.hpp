#pragma once
// Internal to the LLM responder: one child process per prompt, driven by one
// I/O thread this object owns (poll over the children's pipes and pidfds).
// Callers never block: they hand jobs over and collect finished ones.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/llm/exec_provider.hpp"

namespace alc::llm {

class process_transport {
 public:
  struct limits {
    std::chrono::milliseconds timeout{120000};  ///< per process: then it is killed
    std::size_t max_output_bytes = std::size_t{16} << 20;
  };
  struct finished {
    uint64_t job = 0;
    attempt_outcome outcome;
  };

  /// Every child runs `/bin/sh -c command` in a process group of its own,
  /// so a kill reaches what it started too. `ready` as for http_transport.
  process_transport(std::string command, limits limits, std::function<void()> ready);
  /// Kills and reaps every child, stops the thread; no `ready` call after.
  ~process_transport();
  process_transport(const process_transport&) = delete;
  process_transport& operator=(const process_transport&) = delete;

  /// Starts a child for `job` with `input` on its stdin.
  void submit(uint64_t job, std::string input);
  /// Kills `job`'s child; it will not be reported.
  void abort(uint64_t job);
  std::vector<finished> take_finished();

 private:
  class engine;
  std::unique_ptr<engine> engine_;
};

}  // namespace alc::llm
