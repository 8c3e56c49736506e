#include "tests/actors/fake_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace alc::test {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

nlohmann::json fake_http_server::request::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

std::string fake_http_server::request::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

fake_http_server::response fake_http_server::json_response(const nlohmann::json& body, int status,
                                                           std::string reason) {
  response out;
  out.status = status;
  out.reason = std::move(reason);
  out.headers.emplace_back("Content-Type", "application/json");
  out.body = body.dump();
  return out;
}

fake_http_server::fake_http_server(handler handle) : handle_(std::move(handle)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  release_fd_ = ::eventfd(0, EFD_CLOEXEC);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  const int yes = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 128) != 0) {
    throw std::runtime_error(std::string("fake_http_server: ") + std::strerror(errno));
  }
  socklen_t size = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

fake_http_server::~fake_http_server() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (const int fd : connections_) ::shutdown(fd, SHUT_RDWR);
  }
  release();
  ::shutdown(listen_fd_, SHUT_RDWR);  // accept returns
  acceptor_.join();
  for (auto& thread : threads_) thread.join();
  ::close(listen_fd_);
  ::close(release_fd_);
}

std::string fake_http_server::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void fake_http_server::release() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
  }
  const uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(release_fd_, &one, sizeof one);  // stays readable
  changed_.notify_all();
}

std::vector<fake_http_server::request> fake_http_server::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::size_t fake_http_server::open_now() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_;
}

std::size_t fake_http_server::max_open() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return max_open_;
}

std::size_t fake_http_server::abandoned() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return abandoned_;
}

template <class Predicate>
bool fake_http_server::wait_until(Predicate done, std::chrono::milliseconds bound) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, bound, done);
}

bool fake_http_server::wait_requests(std::size_t n, std::chrono::milliseconds bound) {
  return wait_until([&] { return requests_.size() >= n; }, bound);
}

bool fake_http_server::wait_open(std::size_t n, std::chrono::milliseconds bound) {
  return wait_until([&] { return max_open_ >= n; }, bound);
}

bool fake_http_server::wait_abandoned(std::size_t n, std::chrono::milliseconds bound) {
  return wait_until([&] { return abandoned_ >= n; }, bound);
}

uint16_t fake_http_server::closed_port() {
  // A port the kernel just handed out and took back: nothing listens there
  // (the ephemeral range is cycled through before it is handed out again).
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

void fake_http_server::accept_loop() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard<std::mutex> lock(mutex_);
    if (fd < 0 || stopping_) {
      if (fd >= 0) ::close(fd);
      return;
    }
    connections_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void fake_http_server::hang_up(int fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  connections_.erase(std::remove(connections_.begin(), connections_.end(), fd), connections_.end());
  ::close(fd);  // under the lock: the destructor never shuts down a reused number
}

void fake_http_server::serve(int fd) {
  std::string buffer;
  char chunk[65536];
  for (;;) {
    // One request: the head up to the blank line, then Content-Length bytes.
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const auto n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return hang_up(fd);
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    request req;
    req.arrived = std::chrono::steady_clock::now();
    const std::string head = buffer.substr(0, head_end);
    std::size_t line_end = head.find("\r\n");
    const std::string start = head.substr(0, line_end);
    const auto space = start.find(' ');
    req.method = start.substr(0, space);
    req.target = start.substr(space + 1, start.find(' ', space + 1) - space - 1);
    while (line_end != std::string::npos) {
      const auto next = head.find("\r\n", line_end + 2);
      const std::string line = head.substr(
          line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        req.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
      }
      line_end = next;
    }
    const std::size_t length =
        req.headers.count("content-length") != 0 ? std::stoul(req.headers["content-length"]) : 0;
    buffer.erase(0, head_end + 4);
    while (buffer.size() < length) {
      const auto n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return hang_up(fd);
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    req.body = buffer.substr(0, length);
    buffer.erase(0, length);

    std::size_t index = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      index = requests_.size();
      requests_.push_back(req);
      max_open_ = std::max(max_open_, ++open_);
    }
    changed_.notify_all();
    exchange ex(*this, fd, index);
    const response res = handle_(req, ex);
    std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + res.reason + "\r\n";
    for (const auto& [name, value] : res.headers) out += name + ": " + value + "\r\n";
    out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n\r\n" + res.body;
    const bool sent = send_all(fd, out);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --open_;
    }
    changed_.notify_all();
    if (!sent) return hang_up(fd);
  }
}

bool fake_http_server::exchange::wait_open(std::size_t n) {
  return wait([this, n] { return server_.max_open_ >= n; });
}

bool fake_http_server::exchange::hold() {
  return wait([] { return false; });
}

// Waits for `done` (checked under the server's lock), a release, or the
// client closing its end; poll watches the socket and the release eventfd.
bool fake_http_server::exchange::wait(const std::function<bool()>& done) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(server_.mutex_);
      if (server_.released_ || done()) return true;
    }
    pollfd fds[2] = {{fd_, POLLRDHUP | POLLIN, 0}, {server_.release_fd_, POLLIN, 0}};
    // A client's close is an fd event, the open count a notification:
    // look at both, in rounds of at most 5 ms.
    const int ready = ::poll(fds, 2, 0);
    if (ready > 0 && (fds[0].revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
      {
        std::lock_guard<std::mutex> lock(server_.mutex_);
        ++server_.abandoned_;
      }
      server_.changed_.notify_all();
      return false;
    }
    std::unique_lock<std::mutex> lock(server_.mutex_);
    server_.changed_.wait_for(lock, std::chrono::milliseconds{5},
                              [&] { return server_.released_ || done(); });
  }
}

}  // namespace alc::test
