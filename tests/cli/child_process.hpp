#pragma once
// Runs the `alc` binary as a child process for the CLI tests: with pipes
// (run_to_exit) or in a real pseudo-terminal (pty_process), as a person would.

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace alc::test {

struct process_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

namespace detail {

inline std::vector<char*> c_args(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

inline void drain(int fd, std::string& into) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return;
    into.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace detail

/// Runs `args` with `input` on stdin; collects stdout, stderr and the exit
/// code. Kills the child after `limit`.
inline process_result run_to_exit(std::vector<std::string> args, const std::string& input = {},
                                  std::chrono::seconds limit = std::chrono::seconds{60}) {
  int in[2], out[2], err[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0 || ::pipe(err) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
    auto argv = detail::c_args(args);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (!input.empty()) (void)!::write(in[1], input.data(), input.size());
  ::close(in[1]);
  process_result result;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open = 2;
  while (open > 0 && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds, 2, 100) <= 0) continue;
    for (auto& fd : fds) {
      if (fd.fd < 0 || !(fd.revents & (POLLIN | POLLHUP))) continue;
      char buffer[4096];
      const ssize_t n = ::read(fd.fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fd.fd);
        fd.fd = -1;
        --open;
      } else {
        (fd.fd == out[0] ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  if (open > 0) ::kill(pid, SIGKILL);
  for (auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

/// A child in a pseudo-terminal: type into it, wait for text to appear.
class pty_process {
 public:
  explicit pty_process(std::vector<std::string> args) {
    winsize size{};
    size.ws_row = 40;
    size.ws_col = 200;
    pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      ::setenv("TERM", "xterm", 1);
      auto argv = detail::c_args(args);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
  }
  ~pty_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  pty_process(const pty_process&) = delete;
  pty_process& operator=(const pty_process&) = delete;

  void type(const std::string& keys) { (void)!::write(master_, keys.data(), keys.size()); }

  /// Types `keys` once the line editor owns the terminal (raw mode): keys
  /// such as Ctrl-D or an arrow mean something else to the kernel's line
  /// discipline in the instant before the editor switches it.
  void type_to_editor(const std::string& keys) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    termios mode{};
    while (::tcgetattr(master_, &mode) == 0 && (mode.c_lflag & ICANON) != 0 &&
           std::chrono::steady_clock::now() < deadline) {
      ::usleep(1000);
    }
    type(keys);
  }

  /// Waits until `text` appears after what earlier calls consumed.
  bool expect(const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds{20}) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      const auto at = output_.find(text, consumed_);
      if (at != std::string::npos) {
        consumed_ = at + text.size();
        return true;
      }
      if (std::chrono::steady_clock::now() > deadline) return false;
      pollfd fd{master_, POLLIN, 0};
      if (::poll(&fd, 1, 50) > 0) detail::drain(master_, output_);
    }
  }

  /// Waits for the child to exit; its exit code, or -1 on timeout.
  int wait_exit(std::chrono::milliseconds limit = std::chrono::seconds{20}) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      detail::drain(master_, output_);
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      ::usleep(20'000);
    }
    return -1;
  }

  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int master_ = -1;
  std::string output_;
  std::size_t consumed_ = 0;
};

}  // namespace alc::test
