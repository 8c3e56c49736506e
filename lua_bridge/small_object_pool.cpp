#include "lua_bridge/small_object_pool.hpp"

#include <cstdlib>
#include <functional>

namespace alc {
namespace {

// 8, 8, 16, 32 KiB: the small objects of a fresh sandboxed state (about
// 5 KiB) fit in the first block with room for a short script's own.
constexpr std::size_t first_block_bytes = 8192;

}  // namespace

small_object_pool::~small_object_pool() {
  release_all();
}

void* small_object_pool::allocate(std::size_t size) noexcept {
  const std::size_t cls = class_of(size);
  if (free_object* object = free_[cls]) {
    free_[cls] = object->next;
    return object;
  }
  const std::size_t rounded = cls * granule;
  if (static_cast<std::size_t>(end_ - bump_) < rounded) return nullptr;
  void* object = bump_;
  bump_ += rounded;
  return object;
}

std::size_t small_object_pool::growth() const {
  if (block_count_ >= max_blocks) return 0;
  return block_count_ == 0 ? first_block_bytes : first_block_bytes << (block_count_ - 1);
}

bool small_object_pool::grow() noexcept {
  const std::size_t bytes = growth();
  if (bytes == 0) return false;
  // malloc, not new: pages stay untouched (not resident) until used.
  auto* begin = static_cast<std::byte*>(std::malloc(bytes));
  if (begin == nullptr) return false;
  // The old block's tail becomes a free object of its own size; requests
  // are at most `largest` bytes, so the tail is smaller than that.
  const auto left = static_cast<std::size_t>(end_ - bump_);
  if (left >= granule) release(bump_, left);
  blocks_[block_count_++] = {begin, begin + bytes};
  bump_ = begin;
  end_ = begin + bytes;
  reserved_ += bytes;
  return true;
}

bool small_object_pool::owns(const void* p) const {
  // std::less gives a total order over pointers into different blocks.
  const std::less<const void*> before;
  for (std::size_t i = 0; i < block_count_; ++i) {
    if (!before(p, blocks_[i].begin) && before(p, blocks_[i].end)) return true;
  }
  return false;
}

void small_object_pool::release(void* p, std::size_t size) noexcept {
  auto* object = static_cast<free_object*>(p);
  const std::size_t cls = class_of(size);
  object->next = free_[cls];
  free_[cls] = object;
}

void small_object_pool::release_all() noexcept {
  for (std::size_t i = 0; i < block_count_; ++i) std::free(blocks_[i].begin);
  blocks_ = {};
  block_count_ = 0;
  free_.fill(nullptr);
  bump_ = end_ = nullptr;
  reserved_ = 0;
}

}  // namespace alc
