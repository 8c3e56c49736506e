#pragma once

#include <cstdint>
#include <string>

#include "messages/token_usage.hpp"

namespace alc {

/// Counters one session keeps about its own work.
struct session_metrics {
  int64_t llm_calls = 0;  ///< queries issued
  int64_t pauses = 0;     ///< times the session paused for the host
  int64_t rounds = 0;     ///< resumes that let the script run on
  int64_t prompt_chars = 0;
  int64_t response_chars = 0;
  token_usage usage;  ///< host-reported, else estimated (lua-api.md)

  friend bool operator==(const session_metrics& a, const session_metrics& b) {
    return a.llm_calls == b.llm_calls && a.pauses == b.pauses && a.rounds == b.rounds &&
           a.prompt_chars == b.prompt_chars && a.response_chars == b.response_chars &&
           a.usage == b.usage;
  }
};

/// One line of the registry's `list`.
struct session_summary {
  std::string id;
  std::string state;  ///< running, paused, done, failed, cancelled
  int64_t created_at = 0;
  int64_t last_activity_at = 0;
  int64_t subscribers = 0;
  session_metrics metrics;

  friend bool operator==(const session_summary& a, const session_summary& b) {
    return a.id == b.id && a.state == b.state && a.created_at == b.created_at &&
           a.last_activity_at == b.last_activity_at && a.subscribers == b.subscribers &&
           a.metrics == b.metrics;
  }
};

/// The registry's `stats`.
struct registry_stats {
  int64_t live = 0;             ///< sessions in the table now
  int64_t spawned = 0;          ///< since start
  int64_t evicted = 0;          ///< removed by the TTL sweep
  int64_t engine_failures = 0;  ///< sessions that died unexpectedly
  int64_t rejected = 0;         ///< spawns refused for capacity

  friend bool operator==(const registry_stats& a, const registry_stats& b) {
    return a.live == b.live && a.spawned == b.spawned && a.evicted == b.evicted &&
           a.engine_failures == b.engine_failures && a.rejected == b.rejected;
  }
};

}  // namespace alc
