#include "actors/session_id_source.hpp"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace alc {

void session_id_source::refill() {
  std::size_t filled = 0;
  while (filled < pool_.size()) {
    const ssize_t got = getrandom(pool_.data() + filled, pool_.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom");
    }
    filled += static_cast<std::size_t>(got);
  }
  used_ = 0;
}

std::string session_id_source::next() {
  static constexpr char hex[] = "0123456789abcdef";
  constexpr std::size_t id_bytes = 16;
  if (used_ + id_bytes > pool_.size()) refill();
  std::string id = "ses-";
  id.reserve(4 + 2 * id_bytes);
  for (std::size_t i = 0; i < id_bytes; ++i) {
    const uint8_t byte = pool_[used_ + i];
    id += hex[byte >> 4];
    id += hex[byte & 0x0F];
  }
  used_ += id_bytes;
  return id;
}

}  // namespace alc
