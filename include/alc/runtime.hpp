#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "alc/client.hpp"
#include "alc/options.hpp"

namespace alc {

/// Registers alc's message types, error category and `alc.*` options on a
/// config. Call before the actor system is created from it.
void configure(caf::actor_system_config& cfg);

/// One alc runtime inside an actor system: the registry plus a blocking
/// client. Destruction shuts it down: live sessions are cancelled with
/// `system_shutdown`, their awaiters and subscribers are told.
class runtime {
 public:
  /// Options from the system's config (`alc.*`).
  explicit runtime(caf::actor_system& system);
  runtime(caf::actor_system& system, runtime_options options);
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  const registry_handle& registry() const { return registry_; }
  const alc::client& client() const { return client_; }
  /// Cancels every live session and stops the registry (idempotent).
  void shutdown();

 private:
  caf::actor_system* system_;
  registry_handle registry_;
  alc::client client_;
  bool stopped_ = false;
};

}  // namespace alc
