#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include <alc/values.hpp>

namespace alc::cli {

/// Hands a session's events from CAF's threads to the CLI's own thread.
class event_queue {
 public:
  void push(session_event event) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      events_.push_back(std::move(event));
    }
    ready_.notify_one();
  }

  /// The next event, or nullopt after `wait` without one.
  std::optional<session_event> pop(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!ready_.wait_for(lock, wait, [this] { return !events_.empty(); })) return std::nullopt;
    session_event event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<session_event> events_;
};

}  // namespace alc::cli
