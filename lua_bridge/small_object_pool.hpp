#pragma once

#include <array>
#include <cstddef>

namespace alc {

/// Memory for the small objects of one Lua state (strings, tables, closures,
/// call frames): bump allocation from a few blocks, freed objects kept on a
/// free list per size. Lua passes the size of every object it frees, so no
/// object carries a header, and nothing is shared with other states, so no
/// lock is taken. Closing a state hands back a few blocks instead of hundreds
/// of malloc chunks.
///
/// The pool is bounded (`max_blocks`): it serves a fresh state and a small
/// script whole, and a big script's overflow goes to malloc. Freed objects
/// are reused for objects of the same size only, so the bound is also what
/// keeps a script that churns through many sizes from hoarding memory.
/// Objects are 8-byte aligned (LUAI_MAXALIGN on this ABI).
class small_object_pool {
 public:
  static constexpr std::size_t granule = 8;
  static constexpr std::size_t largest = 256;  ///< larger objects are not the pool's business
  static constexpr std::size_t max_blocks = 4;

  small_object_pool() = default;
  ~small_object_pool();
  small_object_pool(const small_object_pool&) = delete;
  small_object_pool& operator=(const small_object_pool&) = delete;

  static bool handles(std::size_t size) { return size != 0 && size <= largest; }
  static bool same_class(std::size_t a, std::size_t b) { return class_of(a) == class_of(b); }

  /// An object of `size` bytes (handles(size) must hold) from the memory
  /// already held, or nullptr.
  void* allocate(std::size_t size) noexcept;
  /// Bytes the next `grow` takes from the system; 0 if the pool is full.
  std::size_t growth() const;
  /// Takes the next block from the system; false if full or out of memory.
  bool grow() noexcept;
  /// Whether `p` lies in one of the pool's blocks.
  bool owns(const void* p) const;
  /// Takes back `p`, allocated here with the same `size`.
  void release(void* p, std::size_t size) noexcept;
  /// Returns every block to the system; all objects become invalid.
  void release_all() noexcept;

  /// Bytes taken from the system.
  std::size_t reserved() const { return reserved_; }

 private:
  struct free_object {
    free_object* next;
  };
  struct block {
    std::byte* begin;
    std::byte* end;
  };

  static std::size_t class_of(std::size_t size) { return (size + granule - 1) / granule; }

  std::array<free_object*, largest / granule + 1> free_{};
  std::array<block, max_blocks> blocks_{};
  std::size_t block_count_ = 0;
  std::byte* bump_ = nullptr;  ///< next unused byte of the newest block
  std::byte* end_ = nullptr;   ///< end of the newest block
  std::size_t reserved_ = 0;
};

}  // namespace alc
