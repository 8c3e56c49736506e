#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>
#include <nlohmann/json.hpp>

#include "actors/fork_group.hpp"
#include "actors/session_actor.hpp"
#include "lua_bridge/host_call.hpp"
#include "messages/cancel_reason.hpp"
#include "messages/execution_state.hpp"

namespace alc {

class budget_meter;

/// The child sessions of one `alc.fork`, as actors: spawns them, hears
/// their reports, routes answers to them and stops them. What the reports
/// mean (merged pauses, results, abort) is fork_group's.
class fork_children {
 public:
  /// What a child's report means for the parent.
  struct ended {
    /// The fork's value for the script, or the error it raises.
    std::optional<nlohmann::json> results;
    std::string error;
    cancel_reason stop;  ///< why the remaining children are stopped
  };
  struct verdict {
    bool ready_to_pause = false;  ///< every unfinished child waits: publish their queries
    std::optional<ended> end;     ///< the fork is over
  };

  bool active() const { return group_.has_value(); }

  /// Spawns one child session per strategy, monitored by `self`.
  void start(caf::scheduled_actor* self, const session_setup& parent, const fork_call& call,
             std::shared_ptr<budget_meter> budget);

  /// The child at `index` paused or ended.
  verdict report(std::size_t index, const execution_state& state);
  /// The index of the child with that address, if it is one.
  std::optional<std::size_t> index_of(const caf::actor_addr& who) const;

  /// The waiting children's queries as one pause under ids from `next_id`.
  pause_info merged_pause(const std::function<std::string()>& next_id);
  /// Sends each child its share of the answers to the merged pause.
  void route(const std::vector<query_response>& answers);

  /// Cancels (if still live) and drops every child; the fork is over.
  void stop(caf::scheduled_actor* self, const cancel_reason& reason);

 private:
  std::optional<fork_group> group_;
  std::vector<session_internal_handle> actors_;  ///< in strategy order
};

}  // namespace alc
