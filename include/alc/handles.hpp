#pragma once
// The message contracts of alc's actors as types: a typed handle accepts
// exactly these messages and the compiler checks every send, request and
// reply handler against them. Subscribers stay dynamically typed actors
// (`caf::actor`): they receive (event_atom, session id, session_event).

#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/wire.hpp"

namespace alc {

/// One session. The registry routes the id-addressed verbs here, so replies
/// come from the session itself.
using session_handle =
    caf::typed_actor<caf::replies_to<state_atom>::with<execution_state>,
                     caf::replies_to<resume_atom, resume_payload>::with<resume_outcome>,
                     caf::replies_to<cancel_atom, cancel_reason>::with<caf::ok_atom>,
                     caf::replies_to<subscribe_atom, caf::actor>::with<caf::ok_atom>,
                     caf::replies_to<unsubscribe_atom, caf::actor>::with<caf::ok_atom>,
                     caf::replies_to<await_atom>::with<terminal_outcome>,
                     caf::replies_to<summary_atom>::with<session_summary>>;

/// The table of sessions of one runtime. Errors are `alc` errors (wire.hpp).
using registry_handle = caf::typed_actor<
    /// A new session: its id and handle, answered before the script runs.
    caf::replies_to<spawn_atom, session_spec>::with<std::string, session_handle>,
    /// The same, with the actor subscribed before the script starts.
    caf::replies_to<spawn_atom, session_spec, caf::actor>::with<std::string, session_handle>,
    caf::replies_to<state_atom, std::string>::with<execution_state>,
    caf::replies_to<resume_atom, std::string, resume_payload>::with<resume_outcome>,
    caf::replies_to<cancel_atom, std::string, cancel_reason>::with<caf::ok_atom>,
    /// Then events to the subscriber: (event_atom, id, session_event).
    caf::replies_to<subscribe_atom, std::string, caf::actor>::with<caf::ok_atom>,
    caf::replies_to<unsubscribe_atom, std::string, caf::actor>::with<caf::ok_atom>,
    caf::replies_to<await_atom, std::string>::with<terminal_outcome>,
    caf::replies_to<list_atom>::with<std::vector<session_summary>>,
    caf::replies_to<stats_atom>::with<registry_stats>,
    /// Cancels every live session with `system_shutdown` and stops.
    caf::replies_to<shutdown_atom>::with<caf::ok_atom>>;

}  // namespace alc

CAF_BEGIN_TYPE_ID_BLOCK(alc_handles, caf::id_block::alc::end)
CAF_ADD_TYPE_ID(alc_handles, (alc::session_handle))
CAF_ADD_TYPE_ID(alc_handles, (alc::registry_handle))
CAF_END_TYPE_ID_BLOCK(alc_handles)
