#pragma once
// One actor system with one alc runtime, configured from the command line.

#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <alc/runtime.hpp>

namespace alc::cli {

/// Runtime settings every subcommand accepts.
struct runtime_flags {
  std::vector<std::string> package_paths;  ///< --package-path (repeatable)
  std::string state_dir;                   ///< --state-dir
  std::string slice;                       ///< --slice, e.g. 10ms
  std::string memory_limit;                ///< --memory-limit, bytes
};

class cli_runtime {
 public:
  explicit cli_runtime(const runtime_flags& flags);
  ~cli_runtime();
  cli_runtime(const cli_runtime&) = delete;
  cli_runtime& operator=(const cli_runtime&) = delete;

  caf::actor_system& system() { return *system_; }
  alc::runtime& runtime() { return *runtime_; }
  const alc::client& client() const { return runtime_->client(); }
  /// The settings the runtime was built from (`alc.*` options).
  const caf::actor_system_config& config() const { return config_; }

 private:
  caf::actor_system_config config_;
  std::unique_ptr<caf::actor_system> system_;
  std::unique_ptr<alc::runtime> runtime_;
};

}  // namespace alc::cli
