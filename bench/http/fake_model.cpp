#include "bench/http/fake_model.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace alc_bench::http {
namespace {

using clock_type = std::chrono::steady_clock;

const std::string answer_body =
    R"({"id":"chatcmpl-bench","object":"chat.completion","choices":[{"index":0,)"
    R"("message":{"role":"assistant","content":"42"},"finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}})";

const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(answer_body.size()) + "\r\n\r\n" + answer_body;

struct connection {
  std::string in;
  std::string out;
  bool waiting = false;  // a request is being "thought about"
};

/// The Content-Length of a request head (lower-cased search), 0 if none.
std::size_t content_length(const std::string& head) {
  std::string lower(head);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = lower.find("content-length:");
  return at == std::string::npos ? 0 : std::strtoul(lower.c_str() + at + 15, nullptr, 10);
}

[[noreturn]] void serve(int listener, int control, std::chrono::milliseconds delay) {
  const int poller = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  epoll_ctl(poller, EPOLL_CTL_ADD, listener, &ev);
  ev.data.fd = control;
  epoll_ctl(poller, EPOLL_CTL_ADD, control, &ev);
  std::unordered_map<int, connection> connections;
  std::deque<std::pair<clock_type::time_point, int>> due;  // one delay for all: FIFO order
  std::vector<epoll_event> events(1024);
  auto flush = [&](int fd, connection& c) {
    while (!c.out.empty()) {
      const auto n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      c.out.erase(0, static_cast<std::size_t>(n));
    }
  };
  auto drop = [&](int fd) {
    ::close(fd);
    connections.erase(fd);
  };
  for (;;) {
    int timeout = -1;
    if (!due.empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due.front().first -
                                                                              clock_type::now())
                            .count();
      timeout = static_cast<int>(std::max<int64_t>(0, left));
    }
    const int n = epoll_wait(poller, events.data(), static_cast<int>(events.size()), timeout);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == control) ::_exit(0);  // the benchmark is over (or gone)
      if (fd == listener) {
        for (;;) {
          const int client = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (client < 0) break;
          const int yes = 1;
          ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
          epoll_event add{};
          add.events = EPOLLIN;
          add.data.fd = client;
          epoll_ctl(poller, EPOLL_CTL_ADD, client, &add);
          connections[client];
        }
        continue;
      }
      auto it = connections.find(fd);
      if (it == connections.end()) continue;
      connection& c = it->second;
      char buffer[16384];
      bool closed = false;
      for (;;) {
        const auto got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got > 0) {
          c.in.append(buffer, static_cast<std::size_t>(got));
          continue;
        }
        closed = got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
        break;
      }
      if (closed) {
        drop(fd);
        continue;
      }
      const auto head_end = c.in.find("\r\n\r\n");
      if (c.waiting || head_end == std::string::npos) continue;
      const std::size_t total = head_end + 4 + content_length(c.in.substr(0, head_end));
      if (c.in.size() < total) continue;
      c.in.erase(0, total);
      c.waiting = true;
      due.emplace_back(clock_type::now() + delay, fd);
    }
    const auto now = clock_type::now();
    while (!due.empty() && due.front().first <= now) {
      const int fd = due.front().second;
      due.pop_front();
      auto it = connections.find(fd);
      if (it == connections.end()) continue;
      it->second.waiting = false;
      it->second.out += answer;
      flush(fd, it->second);  // small answers: the socket buffer takes them whole
    }
  }
}

}  // namespace

fake_model::fake_model(std::chrono::milliseconds delay) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 4096) != 0) {
    ::close(listener);
    return;
  }
  socklen_t size = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    ::close(listener);
    return;
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::close(pipe_fds[1]);
    serve(listener, pipe_fds[0], delay);
  }
  ::close(pipe_fds[0]);
  ::close(listener);
  control_ = pipe_fds[1];
  if (pid_ > 0) port_ = ntohs(address.sin_port);
}

fake_model::~fake_model() {
  if (control_ >= 0) ::close(control_);
  if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
}

}  // namespace alc_bench::http
