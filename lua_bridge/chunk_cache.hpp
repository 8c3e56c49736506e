#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace alc {

/// Compiled Lua chunks shared by every VM of a process: identical source is
/// compiled once, later VMs load its bytecode (several times cheaper than
/// parsing). Thread-safe; bounded by total bytecode size, oldest out first.
class chunk_cache {
 public:
  using bytecode = std::shared_ptr<const std::string>;

  explicit chunk_cache(std::size_t max_bytes = std::size_t{64} << 20);
  chunk_cache(const chunk_cache&) = delete;
  chunk_cache& operator=(const chunk_cache&) = delete;

  /// The bytecode stored for (`name`, `source`), or null.
  bytecode find(std::string_view name, std::string_view source) const;
  /// Remembers the bytecode compiled from (`name`, `source`).
  void store(std::string_view name, std::string_view source, std::string compiled);

  std::size_t entries() const;
  std::size_t bytes() const;
  std::size_t hits() const;
  std::size_t misses() const;

 private:
  struct entry {
    std::string name;
    std::string source;
    bytecode compiled;
  };
  static std::size_t hash_of(std::string_view name, std::string_view source);

  const std::size_t max_bytes_;
  mutable std::shared_mutex mutex_;
  // Keyed by hash so a lookup never copies the source; collisions share a bucket.
  std::unordered_multimap<std::size_t, entry> chunks_;
  std::deque<std::pair<std::size_t, const entry*>> insertion_order_;
  std::size_t bytes_ = 0;
  mutable std::atomic<std::size_t> hits_{0};
  mutable std::atomic<std::size_t> misses_{0};
};

}  // namespace alc
