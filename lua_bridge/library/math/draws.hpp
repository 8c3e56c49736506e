#pragma once
// rand 0.9's rules for turning the ChaCha stream into numbers: which words a
// draw consumes and how they become a float or an integer in a range.
#include <cstdint>

#include "lua_bridge/library/math/chacha_stream.hpp"
#include "lua_bridge/library/math/checked.hpp"

namespace alc::math {

/// StandardUniform: [0, 1) from the top 53 bits of next_u64.
double unit_float(chacha_stream& rng) noexcept;
/// Open01: (0, 1) from the top 52 bits of next_u64.
double open_unit_float(chacha_stream& rng) noexcept;
/// The float whose 52-bit mantissa is `mantissa` and whose exponent is
/// 2^exponent: [2^e, 2^(e+1)). rand's `into_float_with_exponent`.
double float_with_exponent(uint64_t mantissa, int exponent) noexcept;

/// An integer in [lo, hi] (lo <= hi) by rand's single-sample "Canon" method
/// with 64-bit words.
int64_t int_in_range(chacha_stream& rng, int64_t lo, int64_t hi) noexcept;
/// The same with 32-bit words: what rand uses for usize ranges below 2^32
/// (shuffle, sample_with_replacement).
uint32_t index_in_range(chacha_stream& rng, uint32_t lo, uint32_t hi) noexcept;

/// rand's Uniform<f64> over [low, high): `scale` is stepped down until no
/// draw can reach `high`.
class uniform_float {
 public:
  /// Errors are rand's texts: an empty or non-finite range.
  static checked<uniform_float> make(double low, double high) noexcept;
  double sample(chacha_stream& rng) const noexcept;

  uniform_float() = default;

 private:
  uniform_float(double low, double scale) : low_(low), scale_(scale) {}
  double low_ = 0;
  double scale_ = 1;
};

}  // namespace alc::math
