#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "messages/limits.hpp"

namespace caf {
class actor_system_config;
}

namespace alc {

/// Settings of one alc runtime, read from `alc.*` config options.
struct runtime_options {
  std::chrono::milliseconds ttl = std::chrono::hours{3};                ///< alc.ttl
  std::chrono::milliseconds sweep_interval = std::chrono::seconds{60};  ///< alc.sweep-interval
  std::chrono::microseconds slice = std::chrono::milliseconds{10};      ///< alc.slice
  std::size_t memory_limit = default_memory_limit;          ///< alc.memory-limit (bytes)
  std::chrono::milliseconds cpu_limit = default_cpu_limit;  ///< alc.cpu-limit (0: none)
  std::size_t max_sessions = 0;  ///< alc.max-sessions: live sessions (0: no limit)
  /// alc.max-fork-children: child sessions one `alc.fork` call may start
  /// (0: no limit). Each child is a VM: an unbounded fan-out is unbounded memory.
  std::size_t max_fork_children = 256;
  /// alc.fork-memory-limit: bytes a session and its fork children, at every
  /// depth, may hold together (0: only each VM's own memory_limit applies).
  std::size_t fork_memory_limit = 4 * default_memory_limit;
  std::vector<std::string> package_paths;  ///< alc.package-paths
  std::string state_dir = "alc-state";     ///< alc.state-dir
  /// alc.env-allow: the environment variables `os.getenv` answers with, as
  /// names or `PREFIX*` patterns; read once when the runtime starts. Any
  /// other name reads as nil.
  std::vector<std::string> env_allow = {"ALC_*"};
  std::string cards_dir;  ///< alc.cards-dir; empty: `alc-cards` beside state_dir (cards_directory)
};

/// Where the card store lives: `cards_dir`, or when that is empty the folder
/// `alc-cards` beside `state_dir` (`/var/alc/state` → `/var/alc/alc-cards`).
std::string cards_directory(const runtime_options& options);

/// Declares the `alc.*` options on `cfg` (so config files and the command
/// line can set them) and makes `scheduler.max-threads` default to the core
/// count: CAF's own default starts 4 workers even on 2 cores.
void declare_runtime_options(caf::actor_system_config& cfg);

/// Reads the `alc.*` options, with the defaults above for unset ones.
runtime_options read_runtime_options(const caf::actor_system_config& cfg);

}  // namespace alc
