#include "messages/token_estimate.hpp"

namespace alc {

int64_t estimate_tokens(std::string_view text) {
  int64_t ascii = 0;
  int64_t non_ascii = 0;
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x80) {
      ++ascii;
    } else if ((byte & 0xC0) != 0x80) {
      ++non_ascii;  // a lead byte starts one character; continuation bytes do not
    }
  }
  return (ascii + 3) / 4 + (2 * non_ascii + 2) / 3;
}

}  // namespace alc
