#pragma once

#include <cstdint>

namespace alc {

/// Milliseconds since the Unix epoch (wall clock), the unit of every `*_at` field.
int64_t unix_millis_now();

}  // namespace alc
