#pragma once
// Runs a script in a forked child process, for reproductions that crash the
// process or never return (fuzz findings, tests/lua_bridge/fuzz_findings_test.cpp):
// the test process survives either, and the test fails with what happened.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "tests/lua_bridge/vm_test_support.hpp"

namespace alc::test {

/// How a script run in a child process ended: its result (`done: <json>`
/// or `failed: <kind>: <message>`), or what stopped the child instead.
struct isolated_outcome {
  bool finished = false;  ///< the child reported and exited normally
  bool timed_out = false;
  std::string report;  ///< the child's report, or why there is none
};

namespace detail {

/// The child: runs the script to its end, answering llm calls with `answer`.
inline std::string run_and_describe(const std::string& code, std::chrono::milliseconds cpu_limit) {
  vm_harness harness;
  vm_options opts = harness.options();
  opts.cpu_limit = cpu_limit;
  opts.non_yieldable_grace = std::chrono::milliseconds{100};
  vm_error error;
  auto vm = script_vm::create(code, nlohmann::json::object(), std::move(opts), error);
  if (!vm) return "create failed: " + error.message;
  for (int i = 0; i < 100'000; ++i) {
    step_result result = vm->step(std::chrono::milliseconds{2});
    if (const auto* done = std::get_if<step_done>(&result)) return "done: " + done->value.dump();
    if (const auto* failed = std::get_if<step_failed>(&result)) {
      return "failed: " + std::string(to_string(failed->kind)) + ": " + failed->message;
    }
    if (const auto* call = std::get_if<step_host_call>(&result)) {
      if (std::holds_alternative<llm_call>(*call->request)) {
        const auto& llm = std::get<llm_call>(*call->request);
        vm->answer_llm(std::vector<std::string>(llm.queries.size(), "answer"));
      } else {
        vm->answer_value(nullptr);
      }
    }
  }
  return "still running after 100000 steps";
}

}  // namespace detail

/// Runs `code` in a child process with `cpu_limit`; gives up after `wall_limit`.
inline isolated_outcome run_isolated(const std::string& code,
                                     std::chrono::milliseconds cpu_limit = std::chrono::seconds{1},
                                     std::chrono::milliseconds wall_limit = std::chrono::seconds{
                                         20}) {
  int channel[2];
  if (::pipe(channel) != 0) return {false, false, "pipe failed"};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(channel[0]);
    // Catch's handlers would report a crash as a test failure of their own.
    for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, SIG_DFL);
    const std::string report = detail::run_and_describe(code, cpu_limit);
    const ssize_t written = ::write(channel[1], report.data(), report.size());
    ::_exit(written == static_cast<ssize_t>(report.size()) ? 0 : 3);
  }
  ::close(channel[1]);
  isolated_outcome outcome;
  const auto deadline = std::chrono::steady_clock::now() + wall_limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{channel[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) == 0) {
      ::kill(pid, SIGKILL);
      outcome.timed_out = true;
      break;
    }
    char buffer[4096];
    const ssize_t n = ::read(channel[0], buffer, sizeof buffer);
    if (n <= 0) break;  // the child is gone
    outcome.report.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(channel[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (outcome.timed_out) {
    outcome.report = "did not end within " + std::to_string(wall_limit.count()) + " ms";
  } else if (WIFSIGNALED(status)) {
    outcome.report = "the process died of signal " + std::to_string(WTERMSIG(status));
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    outcome.report = "the process exited with status " + std::to_string(WEXITSTATUS(status)) +
                     " (a sanitizer report?)";
  } else {
    outcome.finished = true;
  }
  return outcome;
}

}  // namespace alc::test
