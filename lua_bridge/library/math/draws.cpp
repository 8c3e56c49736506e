#include "lua_bridge/library/math/draws.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace alc::math {
namespace {

double from_bits(uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

uint64_t to_bits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

struct wide_product {
  uint64_t high;
  uint64_t low;
};

wide_product multiply(uint64_t a, uint64_t b) {
  const unsigned __int128 m = static_cast<unsigned __int128>(a) * b;
  return {static_cast<uint64_t>(m >> 64), static_cast<uint64_t>(m)};
}

}  // namespace

double unit_float(chacha_stream& rng) noexcept {
  return static_cast<double>(rng.next_u64() >> 11) * 0x1p-53;
}

double open_unit_float(chacha_stream& rng) noexcept {
  constexpr double epsilon = std::numeric_limits<double>::epsilon();
  return float_with_exponent(rng.next_u64() >> 12, 0) - (1.0 - epsilon / 2.0);
}

double float_with_exponent(uint64_t mantissa, int exponent) noexcept {
  const uint64_t exponent_bits = static_cast<uint64_t>(1023 + exponent) << 52;
  return from_bits(mantissa | exponent_bits);
}

int64_t int_in_range(chacha_stream& rng, int64_t lo, int64_t hi) noexcept {
  const uint64_t width = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  if (width == 0) return static_cast<int64_t>(rng.next_u64());  // the full 64-bit range
  const wide_product m = multiply(rng.next_u64(), width);
  uint64_t result = m.high;
  if (m.low > 0 - width) {
    // Biased zone: one more draw decides whether the carry reaches `result`.
    const uint64_t next_high = multiply(rng.next_u64(), width).high;
    if (m.low + next_high < m.low) ++result;
  }
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + result);
}

uint32_t index_in_range(chacha_stream& rng, uint32_t lo, uint32_t hi) noexcept {
  const uint32_t width = hi - lo + 1;
  if (width == 0) return rng.next_u32();
  const uint64_t m = static_cast<uint64_t>(rng.next_u32()) * width;
  uint32_t result = static_cast<uint32_t>(m >> 32);
  const auto low = static_cast<uint32_t>(m);
  if (low > 0u - width) {
    const auto next_high =
        static_cast<uint32_t>((static_cast<uint64_t>(rng.next_u32()) * width) >> 32);
    if (static_cast<uint32_t>(low + next_high) < low) ++result;
  }
  return lo + result;
}

checked<uniform_float> uniform_float::make(double low, double high) noexcept {
  using result = checked<uniform_float>;
  if (!(low < high))
    return result::fail("low > high (or equal if exclusive) in uniform distribution");
  double scale = high - low;
  if (!std::isfinite(scale)) return result::fail("Non-finite range in uniform distribution");
  constexpr double max_rand = 1.0 - std::numeric_limits<double>::epsilon();
  while (scale * max_rand + low > high) scale = from_bits(to_bits(scale) - 1);
  return result{uniform_float(low, scale)};
}

double uniform_float::sample(chacha_stream& rng) const noexcept {
  const double value0_1 = float_with_exponent(rng.next_u64() >> 12, 0) - 1.0;
  return value0_1 * scale_ + low_;
}

}  // namespace alc::math
