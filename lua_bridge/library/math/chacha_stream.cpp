#include "lua_bridge/library/math/chacha_stream.hpp"

namespace alc::math {
namespace {

constexpr uint32_t rotl(uint32_t v, int n) {
  return (v << n) | (v >> (32 - n));
}
constexpr uint32_t rotr(uint32_t v, uint32_t n) {
  return (v >> (n & 31)) | (v << ((32 - n) & 31));
}

void quarter_round(uint32_t* s, int a, int b, int c, int d) {
  s[a] += s[b], s[d] = rotl(s[d] ^ s[a], 16);
  s[c] += s[d], s[b] = rotl(s[b] ^ s[c], 12);
  s[a] += s[b], s[d] = rotl(s[d] ^ s[a], 8);
  s[c] += s[d], s[b] = rotl(s[b] ^ s[c], 7);
}

// One ChaCha12 block: 6 double rounds, then the input added word by word.
void chacha12_block(const std::array<uint32_t, 8>& key, uint64_t counter, uint32_t* out) {
  const uint32_t input[16] = {0x61707865u,
                              0x3320646eu,
                              0x79622d32u,
                              0x6b206574u,
                              key[0],
                              key[1],
                              key[2],
                              key[3],
                              key[4],
                              key[5],
                              key[6],
                              key[7],
                              static_cast<uint32_t>(counter),
                              static_cast<uint32_t>(counter >> 32),
                              0,
                              0};
  uint32_t s[16];
  for (int i = 0; i < 16; ++i) s[i] = input[i];
  for (int round = 0; round < 6; ++round) {
    quarter_round(s, 0, 4, 8, 12);
    quarter_round(s, 1, 5, 9, 13);
    quarter_round(s, 2, 6, 10, 14);
    quarter_round(s, 3, 7, 11, 15);
    quarter_round(s, 0, 5, 10, 15);
    quarter_round(s, 1, 6, 11, 12);
    quarter_round(s, 2, 7, 8, 13);
    quarter_round(s, 3, 4, 9, 14);
  }
  for (int i = 0; i < 16; ++i) out[i] = s[i] + input[i];
}

}  // namespace

std::array<uint32_t, 8> chacha_stream::key_from_seed(uint64_t seed) noexcept {
  constexpr uint64_t mul = 6364136223846793005ull;
  constexpr uint64_t inc = 11634580027462260723ull;
  std::array<uint32_t, 8> key{};
  uint64_t state = seed;
  for (auto& word : key) {
    state = state * mul + inc;
    const auto xorshifted = static_cast<uint32_t>(((state >> 18) ^ state) >> 27);
    word = rotr(xorshifted, static_cast<uint32_t>(state >> 59));
  }
  return key;
}

chacha_stream chacha_stream::from_seed(uint64_t seed) noexcept {
  return chacha_stream(key_from_seed(seed));
}

void chacha_stream::refill() noexcept {
  for (int block = 0; block < 4; ++block) {
    chacha12_block(key_, block_counter_++, buffer_.data() + block * words_per_block);
  }
  index_ = 0;
}

uint32_t chacha_stream::next_u32() noexcept {
  if (index_ >= buffer_words) refill();
  return buffer_[index_++];
}

uint64_t chacha_stream::next_u64() noexcept {
  // Same as reading two words in a row, including across a refill.
  const uint64_t low = next_u32();
  const uint64_t high = next_u32();
  return (high << 32) | low;
}

}  // namespace alc::math
