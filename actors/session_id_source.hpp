#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace alc {

/// Session ids `ses-` + 128 bits from the kernel's CSPRNG: unique and
/// unguessable. Random bytes are fetched in blocks, one syscall per 256 ids.
class session_id_source {
 public:
  std::string next();

 private:
  void refill();

  std::array<uint8_t, 4096> pool_{};
  std::size_t used_ = pool_.size();
};

}  // namespace alc
