#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace alc {

/// Spawns the store of one runtime on a thread of its own (its fsyncs never
/// block a CAF worker). It owns the `alc.state` files and the card store and
/// answers
///   (store_atom, state_call) -> std::string result_json
///   (store_atom, card_call)  -> std::string result_json
/// with the operations of state_files and card_service, one at a time (so
/// card writes are serialised); a failed operation is an error whose
/// context is the message the script sees.
caf::actor spawn_state_store(caf::actor_system& system, std::string state_dir,
                             std::string cards_dir);

}  // namespace alc
