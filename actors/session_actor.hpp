#pragma once

#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>

#include "alc/handles.hpp"
#include "alc/options.hpp"
#include "lua_bridge/environment_variables.hpp"
#include "messages/session_plan.hpp"

namespace alc {

class budget_meter;
class chunk_cache;
class memory_account;
class preemption_clock;

/// Everything a session actor needs from the registry that spawns it.
struct session_setup {
  std::string id;
  session_plan plan;  ///< what to run, decoded once from the spec
  runtime_options options;
  std::shared_ptr<chunk_cache> chunks;
  std::shared_ptr<preemption_clock> clock;
  /// What os.getenv answers (read once per runtime).
  std::shared_ptr<const environment_variables> environment;
  /// The runtime's state store (alc.state.*).
  caf::actor state_store;
  /// Subscribed before the script starts, so it misses no event.
  caf::actor first_subscriber;
  /// Told once when the session reaches a terminal state. Weak on purpose:
  /// the registry holds the session strongly, so a strong back-reference
  /// would keep both alive forever.
  caf::actor_addr registry;
  /// Set for a child of `alc.fork`: the parent session (weak, like the
  /// registry) it reports its pauses and its end to, and its index there.
  caf::actor_addr parent;
  std::size_t child_index = 0;
  /// A fork child spends its parent's budget.
  std::shared_ptr<budget_meter> shared_budget;
  /// What the session's fork family holds (alc.fork-memory-limit); a root
  /// session opens the account, its children at every depth share it.
  std::shared_ptr<memory_account> family_memory;
};

/// A session's whole interface: the public verbs plus what only the
/// registry and a fork parent send it.
using session_internal_handle = session_handle::extend<
    caf::reacts_to<continue_atom>,
    /// Evictable? (idle past the TTL and unsubscribed; a live one cancels itself)
    caf::replies_to<sweep_atom, caf::timespan>::with<bool>, caf::reacts_to<evict_atom>,
    /// A fork child reports its state when it pauses or ends.
    caf::reacts_to<fork_atom, uint64_t, execution_state>>;

/// Spawns one session actor. It creates its VM itself (never the registry),
/// runs the script in slices and answers the session verbs:
/// state, resume, cancel, subscribe, unsubscribe, await, summary,
/// plus the registry's sweep and evict, and `alc.fork` children's reports.
session_internal_handle spawn_session(caf::local_actor* parent, session_setup setup);

}  // namespace alc
