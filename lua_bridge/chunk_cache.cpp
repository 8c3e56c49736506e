#include "lua_bridge/chunk_cache.hpp"

#include <functional>
#include <mutex>

namespace alc {

chunk_cache::chunk_cache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

std::size_t chunk_cache::hash_of(std::string_view name, std::string_view source) {
  const std::size_t h = std::hash<std::string_view>{}(source);
  return h ^ (std::hash<std::string_view>{}(name) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

chunk_cache::bytecode chunk_cache::find(std::string_view name, std::string_view source) const {
  const std::size_t hash = hash_of(name, source);
  {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto [first, last] = chunks_.equal_range(hash);
    for (auto it = first; it != last; ++it) {
      if (it->second.source == source && it->second.name == name) {
        hits_.fetch_add(1, std::memory_order_relaxed);
        return it->second.compiled;
      }
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void chunk_cache::store(std::string_view name, std::string_view source, std::string compiled) {
  const std::size_t hash = hash_of(name, source);
  const std::size_t size = compiled.size() + source.size();
  if (size > max_bytes_) return;  // would evict everything else for one chunk
  std::unique_lock<std::shared_mutex> lock(mutex_);
  auto [first, last] = chunks_.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    if (it->second.source == source && it->second.name == name) return;  // raced: stored already
  }
  while (bytes_ + size > max_bytes_ && !insertion_order_.empty()) {
    const auto [old_hash, old_entry] = insertion_order_.front();
    insertion_order_.pop_front();
    auto [b, e] = chunks_.equal_range(old_hash);
    for (auto it = b; it != e; ++it) {
      if (&it->second == old_entry) {
        bytes_ -= it->second.compiled->size() + it->second.source.size();
        chunks_.erase(it);
        break;
      }
    }
  }
  auto it = chunks_.emplace(hash, entry{std::string(name), std::string(source),
                                        std::make_shared<const std::string>(std::move(compiled))});
  insertion_order_.emplace_back(hash, &it->second);
  bytes_ += size;
}

std::size_t chunk_cache::entries() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  return chunks_.size();
}

std::size_t chunk_cache::bytes() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  return bytes_;
}

std::size_t chunk_cache::hits() const {
  return hits_.load(std::memory_order_relaxed);
}
std::size_t chunk_cache::misses() const {
  return misses_.load(std::memory_order_relaxed);
}

}  // namespace alc
