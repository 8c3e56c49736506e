#pragma once
// The text forms a card's identity is computed from (alc-card.md §2.2): the
// canonical JSON text, its DJB2-64 hash, and the shortest form of a float.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace alc::card_text {

/// JSON with object keys in byte order, no whitespace, strings between
/// quotes as they are (no escaping), integers in decimal, floats by
/// `shortest_float`. The input the original hashes, byte for byte.
std::string canonical(const nlohmann::json& value);

/// DJB2 over bytes, 64 bits: h = 5381; h = h * 33 + byte (mod 2^64).
uint64_t djb2_64(std::string_view text);

/// `h` as 16 zero-padded lower-case hex digits.
std::string hex16(uint64_t h);

/// The shortest text that reads back as `value`, with `.0` on integral
/// values and an exponent outside [1e-5, 1e16): `1.0`, `0.9`, `1e21`,
/// `1.5e-7`. Non-finite values have no such form: `null`.
std::string shortest_float(double value);

/// UTC `YYYY-MM-DDTHH:MM:SSZ` (`created_at`, `set_at`).
std::string utc_timestamp(int64_t unix_seconds);
/// UTC `YYYYMMDDTHHMMSS` (the time in a generated card id).
std::string compact_timestamp(int64_t unix_seconds);

}  // namespace alc::card_text
