#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "messages/limits.hpp"

namespace alc {

/// One prompt a paused session asks its host to answer (`alc.llm` opts).
struct llm_query {
  std::string query_id;
  std::string prompt;
  std::optional<std::string> system;
  int64_t max_tokens = default_max_tokens;
  bool grounded = false;
  bool underspecified = false;
  std::optional<std::string> cache_breakpoint;
  std::optional<std::string> role;

  friend bool operator==(const llm_query& a, const llm_query& b) {
    return a.query_id == b.query_id && a.prompt == b.prompt && a.system == b.system &&
           a.max_tokens == b.max_tokens && a.grounded == b.grounded &&
           a.underspecified == b.underspecified && a.cache_breakpoint == b.cache_breakpoint &&
           a.role == b.role;
  }
  friend bool operator!=(const llm_query& a, const llm_query& b) { return !(a == b); }
};

}  // namespace alc
