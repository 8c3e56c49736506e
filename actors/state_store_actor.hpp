#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace alc {

/// Spawns the state store of one runtime on a thread of its own (its fsyncs
/// never block a CAF worker). It answers
///   (store_atom, state_call) -> std::string result_json
/// with the operations of state_files; a failed operation is an error whose
/// context is the message the script sees.
caf::actor spawn_state_store(caf::actor_system& system, std::string directory);

}  // namespace alc
