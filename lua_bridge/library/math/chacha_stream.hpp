#pragma once
// rand 0.9's StdRng, bit for bit: ChaCha with 12 rounds (rand_chacha's
// ChaCha12Rng), keyed like rand_core's seed_from_u64 and read through a
// buffer of four blocks. ABM packages replay runs from a seed, so every
// draw of alc.math must consume exactly the words the original does.
#include <array>
#include <cstdint>
#include <type_traits>

namespace alc::math {

class chacha_stream {
 public:
  static constexpr int words_per_block = 16;
  static constexpr int buffer_words = 4 * words_per_block;

  /// The stream rand_core's `seed_from_u64(seed)` gives (stream id 0, counter 0).
  static chacha_stream from_seed(uint64_t seed) noexcept;
  /// The eight key words seed_from_u64 derives from `seed` (a PCG32 run).
  static std::array<uint32_t, 8> key_from_seed(uint64_t seed) noexcept;

  uint32_t next_u32() noexcept;
  /// Two words, the first as the low half; the second may come from a refill.
  uint64_t next_u64() noexcept;

 private:
  explicit chacha_stream(const std::array<uint32_t, 8>& key) noexcept : key_(key) {}
  void refill() noexcept;

  std::array<uint32_t, 8> key_;
  uint64_t block_counter_ = 0;  ///< the block the next refill starts at
  std::array<uint32_t, buffer_words> buffer_{};
  int index_ = buffer_words;  ///< next unread word; buffer_words = empty
};

// The rng handle keeps a stream inside a Lua userdata and never runs a destructor.
static_assert(std::is_trivially_copyable_v<chacha_stream> &&
              std::is_trivially_destructible_v<chacha_stream>);

}  // namespace alc::math
