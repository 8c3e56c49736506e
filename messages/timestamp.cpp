#include "messages/timestamp.hpp"

#include <chrono>

namespace alc {

int64_t unix_millis_now() {
  // system_clock, not steady_clock: `*_at` fields are wall-clock times shown to users.
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace alc
