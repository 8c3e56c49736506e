#pragma once
// Internal to actors/llm: how a transport's I/O thread hands finished
// requests to the responder actor.

#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace alc::llm {

/// Finished requests waiting to be taken. `ready` runs on the publishing
/// thread when the queue turns non-empty: once per take, not per request.
template <class Finished>
class completion_queue {
 public:
  explicit completion_queue(std::function<void()> ready) : ready_(std::move(ready)) {}

  void publish(std::vector<Finished> done) {
    bool was_empty = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      was_empty = finished_.empty();
      for (auto& f : done) finished_.push_back(std::move(f));
    }
    if (was_empty) ready_();
  }

  void publish(Finished done) {
    std::vector<Finished> one;
    one.push_back(std::move(done));
    publish(std::move(one));
  }

  /// Everything published since the last call.
  std::vector<Finished> take() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(finished_, {});
  }

 private:
  const std::function<void()> ready_;
  std::mutex mutex_;
  std::vector<Finished> finished_;
};

}  // namespace alc::llm
