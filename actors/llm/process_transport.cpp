#include "actors/llm/process_transport.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

#include "actors/llm/completion_queue.hpp"

extern char** environ;

namespace alc::llm {
namespace {

using clock = std::chrono::steady_clock;

constexpr std::size_t stderr_keep = 4096;  // the end of stderr, for error messages

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/// A pidfd becomes readable when its process exits (Linux 5.3+); -1 where
/// the kernel has none, and the loop then polls waitpid instead.
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

/// A write to a child that closed its stdin raises SIGPIPE in this thread;
/// it is blocked here, so the write fails with EPIPE, and the pending
/// signal is taken off again.
void clear_pending_sigpipe() {
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  const timespec zero{0, 0};
  while (::sigtimedwait(&pipe_only, nullptr, &zero) == SIGPIPE) {
  }
}

}  // namespace

class process_transport::engine {
 public:
  engine(std::string command, limits limits, std::function<void()> ready)
      : command_(std::move(command)), limits_(limits), finished_(std::move(ready)) {
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
    thread_ = std::thread([this] { run(); });
  }

  ~engine() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake();
    thread_.join();
    for (auto& entry : children_) {
      child& c = *entry.second;
      if (!c.exited) {
        ::kill(-c.pid, SIGKILL);
        ::waitpid(c.pid, nullptr, 0);  // killed: returns at once
      }
      close_all(c);
    }
    close_fd(wake_);
  }

  void submit(uint64_t job, std::string input) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      submitted_.emplace_back(job, std::move(input));
    }
    wake();
  }

  void abort(uint64_t job) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      aborted_.push_back(job);
    }
    wake();
  }

  std::vector<finished> take_finished() { return finished_.take(); }

 private:
  struct child {
    uint64_t job = 0;
    pid_t pid = -1;
    int pidfd = -1;
    int in = -1;  // our ends of the child's stdin, stdout, stderr
    int out = -1;
    int err = -1;
    std::string input;
    std::size_t written = 0;
    std::string out_text;
    std::string err_text;
    clock::time_point deadline;
    bool exited = false;
    int wait_status = 0;
    bool killed = false;   // by us: a timeout, too much output or an abort
    bool aborted = false;  // nobody wants the result
    bool timed_out = false;
    bool too_large = false;
  };

  void wake() {
    const uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_, &one, sizeof one);
  }

  static void close_all(child& c) {
    close_fd(c.in);
    close_fd(c.out);
    close_fd(c.err);
    close_fd(c.pidfd);
  }

  void run() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
    std::vector<pollfd> fds;
    std::vector<std::pair<child*, int*>> owners;  // which child and which of its fds
    for (;;) {
      std::vector<std::pair<uint64_t, std::string>> submitted;
      std::vector<uint64_t> aborted;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        submitted.swap(submitted_);
        aborted.swap(aborted_);
      }
      for (auto& [job, input] : submitted) start(job, std::move(input));
      for (const uint64_t job : aborted) {
        const auto it = children_.find(job);
        if (it == children_.end()) continue;
        it->second->aborted = true;
        kill(*it->second);
      }

      fds.clear();
      owners.clear();
      fds.push_back({wake_, POLLIN, 0});
      owners.emplace_back(nullptr, nullptr);
      int timeout_ms = -1;
      const auto now = clock::now();
      for (auto& entry : children_) {
        child& c = *entry.second;
        if (c.in >= 0) add(fds, owners, c, c.in, POLLOUT);
        if (c.out >= 0) add(fds, owners, c, c.out, POLLIN);
        if (c.err >= 0) add(fds, owners, c, c.err, POLLIN);
        if (!c.exited && c.pidfd >= 0) add(fds, owners, c, c.pidfd, POLLIN);
        if (!c.exited && c.pidfd < 0)
          timeout_ms = shorter(timeout_ms, 10);  // no pidfd: poll waitpid
        if (!c.killed) {
          const auto left =
              std::chrono::duration_cast<std::chrono::milliseconds>(c.deadline - now).count();
          timeout_ms = shorter(timeout_ms, static_cast<int>(std::max<int64_t>(0, left + 1)));
        }
      }
      ::poll(fds.data(), fds.size(), timeout_ms);

      if (fds[0].revents != 0) {
        uint64_t count = 0;
        [[maybe_unused]] const auto n = ::read(wake_, &count, sizeof count);
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        child& c = *owners[i].first;
        int& fd = *owners[i].second;
        if (&fd == &c.in) {
          write_input(c);
        } else if (&fd == &c.pidfd) {
          reap(c);
        } else {
          read_output(c, fd);
        }
      }
      finish_ready();
    }
  }

  static int shorter(int current, int candidate) {
    return current < 0 ? candidate : std::min(current, candidate);
  }

  static void add(std::vector<pollfd>& fds, std::vector<std::pair<child*, int*>>& owners, child& c,
                  int& fd, short events) {
    fds.push_back({fd, events, 0});
    owners.emplace_back(&c, &fd);
  }

  void start(uint64_t job, std::string input) {
    auto c = std::make_unique<child>();
    c->job = job;
    c->input = std::move(input);
    c->deadline = clock::now() + limits_.timeout;
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    int err[2] = {-1, -1};
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
      const std::string why = std::strerror(errno);
      for (int* p : {in, out, err}) {
        close_fd(p[0]);
        close_fd(p[1]);
      }
      return report(job, failure{"cannot create pipes: " + why, false, std::nullopt});
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Its own process group (killed as a whole), the usual signal mask and
    // SIGPIPE's default action (this thread blocks it).
    posix_spawnattr_setflags(
        &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &pipe_only);
    std::string sh = "/bin/sh";
    std::string dash_c = "-c";
    char* argv[] = {sh.data(), dash_c.data(), command_.data(), nullptr};
    const int spawned = ::posix_spawn(&c->pid, "/bin/sh", &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close_fd(in[0]);
    close_fd(out[1]);
    close_fd(err[1]);
    c->in = in[1];
    c->out = out[0];
    c->err = err[0];
    if (spawned != 0) {
      close_all(*c);
      return report(job, failure{std::string("cannot start /bin/sh: ") + std::strerror(spawned),
                                 false, std::nullopt});
    }
    for (const int fd : {c->in, c->out, c->err}) set_nonblocking(fd);
    c->pidfd = open_pidfd(c->pid);
    write_input(*c);
    children_.emplace(job, std::move(c));
  }

  void kill(child& c) {
    if (c.killed) return;
    c.killed = true;
    if (!c.exited) ::kill(-c.pid, SIGKILL);
  }

  void write_input(child& c) {
    while (c.in >= 0 && c.written < c.input.size()) {
      const auto n = ::write(c.in, c.input.data() + c.written, c.input.size() - c.written);
      if (n > 0) {
        c.written += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (n < 0 && errno == EPIPE) clear_pending_sigpipe();
      break;  // the child does not read its stdin: fine, it may answer anyway
    }
    close_fd(c.in);
  }

  void read_output(child& c, int& fd) {
    char buffer[65536];
    for (;;) {
      const auto n = ::read(fd, buffer, sizeof buffer);
      if (n > 0) {
        if (&fd == &c.out) {
          if (c.out_text.size() + static_cast<std::size_t>(n) > limits_.max_output_bytes) {
            c.too_large = true;
            kill(c);
            close_fd(fd);
            return;
          }
          c.out_text.append(buffer, static_cast<std::size_t>(n));
        } else {
          c.err_text.append(buffer, static_cast<std::size_t>(n));
          if (c.err_text.size() > 2 * stderr_keep)
            c.err_text.erase(0, c.err_text.size() - stderr_keep);
        }
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      close_fd(fd);  // end of file, or an error: nothing more will come
      return;
    }
  }

  void reap(child& c) {
    if (c.exited) return;
    int status = 0;
    if (::waitpid(c.pid, &status, WNOHANG) == c.pid) {
      c.exited = true;
      c.wait_status = status;
      close_fd(c.pidfd);
    }
  }

  /// Reports (and forgets) every child that is over; kills the ones past
  /// their deadline.
  void finish_ready() {
    const auto now = clock::now();
    std::vector<finished> done;
    for (auto it = children_.begin(); it != children_.end();) {
      child& c = *it->second;
      if (c.pidfd < 0) reap(c);
      if (!c.killed && now >= c.deadline) {
        c.timed_out = true;
        kill(c);
      }
      // Killed children's pipes may be held open by a process that left the
      // group; their output is of no use anyway.
      const bool over = c.exited && ((c.out < 0 && c.err < 0) || c.killed);
      if (!over) {
        ++it;
        continue;
      }
      if (!c.aborted) done.push_back(finished{c.job, outcome_of(c)});
      close_all(c);
      it = children_.erase(it);
    }
    if (!done.empty()) finished_.publish(std::move(done));
  }

  attempt_outcome outcome_of(const child& c) const {
    if (c.timed_out) {
      return failure{"timed out after " + std::to_string(limits_.timeout.count()) +
                         " ms (the process was killed)",
                     true, std::nullopt};
    }
    if (c.too_large) {
      return failure{"output larger than " + std::to_string(limits_.max_output_bytes) + " bytes",
                     false, std::nullopt};
    }
    exit_status status;
    if (WIFSIGNALED(c.wait_status)) {
      status = exit_status{false, WTERMSIG(c.wait_status)};
    } else {
      status = exit_status{true, WEXITSTATUS(c.wait_status)};
    }
    return exec_answer(status, c.out_text, c.err_text);
  }

  void report(uint64_t job, failure failed) { finished_.publish(finished{job, std::move(failed)}); }

  std::string command_;
  const limits limits_;
  int wake_ = -1;
  std::unordered_map<uint64_t, std::unique_ptr<child>> children_;  // the I/O thread's

  std::mutex mutex_;
  std::vector<std::pair<uint64_t, std::string>> submitted_;
  std::vector<uint64_t> aborted_;
  completion_queue<finished> finished_;
  bool stopping_ = false;

  std::thread thread_;  // last: starts once everything above exists
};

process_transport::process_transport(std::string command, limits limits,
                                     std::function<void()> ready)
    : engine_(std::make_unique<engine>(std::move(command), limits, std::move(ready))) {}

process_transport::~process_transport() = default;

void process_transport::submit(uint64_t job, std::string input) {
  engine_->submit(job, std::move(input));
}

void process_transport::abort(uint64_t job) {
  engine_->abort(job);
}

std::vector<process_transport::finished> process_transport::take_finished() {
  return engine_->take_finished();
}

}  // namespace alc::llm
