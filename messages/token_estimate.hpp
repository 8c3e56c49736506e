#pragma once

#include <cstdint>
#include <string_view>

namespace alc {

/// Token estimate used when the host reports no usage (lua-api.md):
/// ceil(ascii_chars / 4) + ceil(2 * non_ascii_chars / 3), counting UTF-8
/// characters. "" → 0, "hello world" → 3, "あいう" → 2, "hello あ" → 3.
int64_t estimate_tokens(std::string_view text);

}  // namespace alc
