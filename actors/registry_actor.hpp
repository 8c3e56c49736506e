#pragma once

#include <caf/fwd.hpp>

#include "alc/handles.hpp"
#include "alc/options.hpp"

namespace alc {

/// Spawns the registry: the table of sessions of one runtime. Its message
/// contract is `registry_handle` (include/alc/handles.hpp). Verbs that name a
/// session are routed to it, so the reply comes straight from the session.
registry_handle spawn_registry(caf::actor_system& system, runtime_options options);

}  // namespace alc
