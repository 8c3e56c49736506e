#pragma once

#include <mutex>
#include <ostream>
#include <string>

namespace alc::cli {

/// The one writer of `out`: events and responses come from CAF threads, so
/// each line is written whole and flushed under a lock.
class line_writer {
 public:
  explicit line_writer(std::ostream& out) : out_(out) {}

  void write(std::string line) {
    line += '\n';
    std::lock_guard<std::mutex> lock(mutex_);
    out_.write(line.data(), static_cast<std::streamsize>(line.size()));
    out_.flush();
  }

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

}  // namespace alc::cli
