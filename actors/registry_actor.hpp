#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "alc/options.hpp"

namespace alc {

/// Spawns the registry: the table of sessions of one runtime. It answers
///   (spawn_atom, session_spec)            -> (std::string id, caf::actor session)
///   (spawn_atom, session_spec, caf::actor) -> the same, with that actor subscribed
///                                            before the script starts
///   (list_atom)                           -> std::vector<session_summary>
///   (stats_atom)                          -> registry_stats
///   (shutdown_atom)                       -> ok_atom (cancels every live session)
/// and routes by session id, forwarding so replies go straight to the caller:
///   (state_atom, id)                      -> execution_state
///   (resume_atom, id, resume_payload)     -> resume_outcome
///   (cancel_atom, id, cancel_reason)      -> ok_atom
///   (subscribe_atom, id, caf::actor)      -> ok_atom, then events to the subscriber:
///                                            (event_atom, id, session_event)
///   (unsubscribe_atom, id, caf::actor)    -> ok_atom
///   (await_atom, id)                      -> terminal_outcome
/// Errors are `alc` errors (see messages/wire.hpp).
caf::actor spawn_registry(caf::actor_system& system, runtime_options options);

}  // namespace alc
