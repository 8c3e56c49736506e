#include "actors/llm/http_transport.hpp"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "actors/llm/completion_queue.hpp"

namespace alc::llm {
namespace {

using clock = std::chrono::steady_clock;

/// libcurl's global set-up is not thread-safe; do it once, before any handle.
void init_curl_once() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) throw std::runtime_error("curl_global_init failed");
}

bool starts_with_nocase(const char* data, std::size_t size, const char* prefix) {
  const std::size_t n = std::strlen(prefix);
  if (size < n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::tolower(static_cast<unsigned char>(data[i])) != prefix[i]) return false;
  }
  return true;
}

std::string trimmed(const char* data, std::size_t size) {
  std::string text(data, size);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

transfer_error::kind kind_of(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
      return transfer_error::kind::connect;
    case CURLE_OPERATION_TIMEDOUT:
      return transfer_error::kind::timeout;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return transfer_error::kind::broken;
    default:
      return transfer_error::kind::other;
  }
}

}  // namespace

/// The I/O thread and everything it owns. Only that thread touches the
/// multi handle and the transfers; other threads meet it under `mutex_` and
/// wake it through an eventfd. It runs libcurl's multi_socket interface on
/// epoll: each round costs what the active sockets cost, not what all open
/// transfers would (curl_multi_poll looks at every one of them each time).
class http_transport::engine {
 public:
  engine(limits limits, std::function<void()> ready)
      : limits_(limits), finished_(std::move(ready)) {
    init_curl_once();
    poller_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    multi_ = curl_multi_init();
    if (poller_ < 0 || wake_ < 0 || multi_ == nullptr) {
      close_fds();
      if (multi_ != nullptr) curl_multi_cleanup(multi_);
      throw std::runtime_error("http_transport: cannot set up epoll, eventfd or libcurl");
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = wake_;
    ::epoll_ctl(poller_, EPOLL_CTL_ADD, wake_, &event);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(limits_.max_connections));
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &engine::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &engine::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    thread_ = std::thread([this] { run(); });
  }

  ~engine() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake();
    thread_.join();
    for (auto& entry : running_) release(*entry.second, true);
    running_.clear();
    for (CURL* easy : idle_) curl_easy_cleanup(easy);
    curl_multi_cleanup(multi_);
    close_fds();
  }

  void submit(uint64_t job, http_request request) {
    bool wake_now = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      submitted_.emplace_back(job, std::move(request));
      wake_now = !wake_pending_;
      wake_pending_ = true;
    }
    if (wake_now) wake();  // one wake-up for a burst of submissions
  }

  void abort(uint64_t job) {
    bool wake_now = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      aborted_.push_back(job);
      wake_now = !wake_pending_;
      wake_pending_ = true;
    }
    if (wake_now) wake();
  }

  std::vector<finished> take_finished() { return finished_.take(); }

 private:
  /// One request on one easy handle, and the buffers libcurl writes into.
  struct transfer {
    uint64_t job = 0;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    http_request request;  // owns the body libcurl sends
    http_reply reply;
    std::size_t limit = 0;
    bool too_large = false;
    char error[CURL_ERROR_SIZE] = {};
  };

  void wake() {
    const uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_, &one, sizeof one);
  }

  void close_fds() {
    if (poller_ >= 0) ::close(poller_);
    if (wake_ >= 0) ::close(wake_);
    poller_ = wake_ = -1;
  }

  /// libcurl says which sockets to watch for what.
  static int on_socket(CURL*, curl_socket_t socket, int what, void* self, void*) {
    auto& e = *static_cast<engine*>(self);
    if (what == CURL_POLL_REMOVE) {
      ::epoll_ctl(e.poller_, EPOLL_CTL_DEL, socket, nullptr);
      return 0;
    }
    epoll_event event{};
    event.events =
        ((what & CURL_POLL_IN) != 0 ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) != 0 ? EPOLLOUT : 0u);
    event.data.fd = socket;
    if (::epoll_ctl(e.poller_, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT) {
      ::epoll_ctl(e.poller_, EPOLL_CTL_ADD, socket, &event);
    }
    return 0;
  }

  /// libcurl's one timer: call it back with CURL_SOCKET_TIMEOUT then.
  static int on_timer(CURLM*, long timeout_ms, void* self) {
    auto& e = *static_cast<engine*>(self);
    if (timeout_ms < 0) {
      e.timer_.reset();
    } else {
      e.timer_ = clock::now() + std::chrono::milliseconds{timeout_ms};
    }
    return 0;
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self) {
    auto& t = *static_cast<transfer*>(self);
    const std::size_t n = size * count;
    if (t.reply.body.size() + n > t.limit) {
      t.too_large = true;
      return 0;  // libcurl stops with CURLE_WRITE_ERROR
    }
    t.reply.body.append(data, n);
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self) {
    auto& t = *static_cast<transfer*>(self);
    const std::size_t n = size * count;
    if (starts_with_nocase(data, n, "http/")) {
      // A new response (after a 100 Continue, say): forget the last one's headers.
      t.reply.retry_after.reset();
      t.reply.retry_after_ms.reset();
      const std::string line = trimmed(data, n);
      const auto code = line.find(' ');
      const auto reason = code == std::string::npos ? code : line.find(' ', code + 1);
      t.reply.reason = reason == std::string::npos ? std::string() : line.substr(reason + 1);
    } else if (starts_with_nocase(data, n, "retry-after-ms:")) {
      t.reply.retry_after_ms = trimmed(data + 15, n - 15);
    } else if (starts_with_nocase(data, n, "retry-after:")) {
      t.reply.retry_after = trimmed(data + 12, n - 12);
    }
    return n;
  }

  void run() {
    std::vector<epoll_event> events(256);
    int running = 0;
    for (;;) {
      std::vector<std::pair<uint64_t, http_request>> submitted;
      std::vector<uint64_t> aborted;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        submitted.swap(submitted_);
        aborted.swap(aborted_);
        wake_pending_ = false;
      }
      for (auto& [job, request] : submitted) start(job, std::move(request));
      for (const uint64_t job : aborted) drop(job);
      int wait_ms = -1;
      if (timer_) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(*timer_ - clock::now()).count();
        wait_ms = static_cast<int>(std::clamp<int64_t>(left, 0, 60000));
      }
      const int n = ::epoll_wait(poller_, events.data(), static_cast<int>(events.size()), wait_ms);
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == wake_) {
          uint64_t count = 0;
          [[maybe_unused]] const auto got = ::read(wake_, &count, sizeof count);
          continue;
        }
        int flags = 0;
        if ((events[i].events & EPOLLIN) != 0) flags |= CURL_CSELECT_IN;
        if ((events[i].events & EPOLLOUT) != 0) flags |= CURL_CSELECT_OUT;
        if ((events[i].events & (EPOLLERR | EPOLLHUP)) != 0) flags |= CURL_CSELECT_ERR;
        curl_multi_socket_action(multi_, fd, flags, &running);
      }
      if (timer_ && clock::now() >= *timer_) {
        timer_.reset();
        curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
      }
      collect();
    }
  }

  CURL* fresh_easy() {
    if (idle_.empty()) return curl_easy_init();
    CURL* easy = idle_.back();
    idle_.pop_back();
    curl_easy_reset(easy);
    return easy;
  }

  void start(uint64_t job, http_request request) {
    auto t = std::make_unique<transfer>();
    t->job = job;
    t->request = std::move(request);
    t->limit = limits_.max_response_bytes;
    t->easy = fresh_easy();
    if (t->easy == nullptr) {
      report(job, transfer_error{transfer_error::kind::other, "curl_easy_init failed"});
      return;
    }
    for (const auto& header : t->request.headers) {
      if (curl_slist* grown = curl_slist_append(t->headers, header.c_str())) t->headers = grown;
    }
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(t->request.body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &engine::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &engine::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(limits_.timeout.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<int64_t>(limits_.timeout.count(), 30000)));
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts in a threaded program
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    curl_easy_setopt(e, CURLOPT_USERAGENT, "alc/0.1");
    if (curl_multi_add_handle(multi_, e) != CURLM_OK) {
      release(*t, false);
      report(job, transfer_error{transfer_error::kind::other, "curl_multi_add_handle failed"});
      return;
    }
    running_.emplace(job, std::move(t));
  }

  void drop(uint64_t job) {
    const auto it = running_.find(job);
    if (it == running_.end()) return;  // finished already; the caller ignores its result
    release(*it->second, true);
    running_.erase(it);
  }

  /// Gives the easy handle back (to the pool) and frees the header list.
  void release(transfer& t, bool in_multi) {
    if (in_multi) curl_multi_remove_handle(multi_, t.easy);
    if (idle_.size() < limits_.max_connections) {
      idle_.push_back(t.easy);
    } else {
      curl_easy_cleanup(t.easy);
    }
    t.easy = nullptr;
    curl_slist_free_all(t.headers);
    t.headers = nullptr;
  }

  void collect() {
    std::vector<finished> done;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      void* data = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &data);
      auto& t = *static_cast<transfer*>(data);
      const CURLcode code = msg->data.result;
      finished result;
      result.job = t.job;
      if (code == CURLE_OK) {
        curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &t.reply.status);
        result.result = std::move(t.reply);
      } else if (t.too_large) {
        result.result = transfer_error{
            transfer_error::kind::too_large,
            "response body larger than " + std::to_string(limits_.max_response_bytes) + " bytes"};
      } else {
        result.result = transfer_error{kind_of(code), t.error[0] != '\0'
                                                          ? std::string(t.error)
                                                          : std::string(curl_easy_strerror(code))};
      }
      const uint64_t job = t.job;
      release(t, true);
      running_.erase(job);
      done.push_back(std::move(result));
    }
    if (!done.empty()) finished_.publish(std::move(done));
  }

  void report(uint64_t job, transfer_error error) {
    finished_.publish(finished{job, std::move(error)});
  }

  const limits limits_;
  int poller_ = -1;  // epoll: libcurl's sockets and wake_
  int wake_ = -1;    // eventfd: submissions, aborts, stop
  CURLM* multi_ = nullptr;
  // The I/O thread's alone:
  std::unordered_map<uint64_t, std::unique_ptr<transfer>> running_;
  std::vector<CURL*> idle_;
  std::optional<clock::time_point> timer_;

  std::mutex mutex_;
  std::vector<std::pair<uint64_t, http_request>> submitted_;
  std::vector<uint64_t> aborted_;
  completion_queue<finished> finished_;
  bool wake_pending_ = false;
  bool stopping_ = false;

  std::thread thread_;  // last: starts once everything above exists
};

http_transport::http_transport(limits limits, std::function<void()> ready)
    : engine_(std::make_unique<engine>(limits, std::move(ready))) {}

http_transport::~http_transport() = default;

void http_transport::submit(uint64_t job, http_request request) {
  engine_->submit(job, std::move(request));
}

void http_transport::abort(uint64_t job) {
  engine_->abort(job);
}

std::vector<http_transport::finished> http_transport::take_finished() {
  return engine_->take_finished();
}

}  // namespace alc::llm
