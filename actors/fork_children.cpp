#include "actors/fork_children.hpp"

#include <caf/all.hpp>

#include "actors/session_actor.hpp"
#include "messages/session_plan.hpp"
#include "messages/timestamp.hpp"
#include "messages/wire.hpp"

namespace alc {

void fork_children::start(caf::scheduled_actor* self, const session_setup& parent,
                          const fork_call& call, std::shared_ptr<budget_meter> budget) {
  const std::vector<std::string>& strategies = call.strategies;
  const nlohmann::json& ctx = call.ctx;
  group_.emplace(strategies, call.abort_on_error);
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    session_spec spec;
    spec.kind = advice_spec{strategies[i], std::nullopt, nullptr};
    spec.ctx = ctx.is_object() ? ctx : nlohmann::json::object();
    spec.ctx["_ns"] = "fork-" + std::to_string(i);  // 0-based, as in the original
    auto plan = plan_session(spec);
    if (!plan) {
      // No actor: the child ends before it starts and reports so itself,
      // through the parent's mailbox like any child's end.
      actors_.emplace_back();
      caf::anon_send(caf::actor_cast<caf::actor>(self), fork_atom_v, static_cast<uint64_t>(i),
                     execution_state{failed_state{
                         "alc.fork: strategy '" + strategies[i] + "': " + plan.error().message,
                         failure_kind::lua_error, unix_millis_now()}});
      continue;
    }
    session_setup child;
    child.id = parent.id + ".fork-" + std::to_string(i + 1);
    child.plan = std::move(plan).value();
    child.options = parent.options;
    child.chunks = parent.chunks;
    child.clock = parent.clock;
    child.environment = parent.environment;
    child.state_store = parent.state_store;
    child.parent = self->address();
    child.child_index = i;
    child.shared_budget = budget;
    child.family_memory = parent.family_memory;
    auto actor = spawn_session(self, std::move(child));
    self->monitor(actor);
    actors_.push_back(std::move(actor));
  }
}

fork_children::verdict fork_children::report(std::size_t index, const execution_state& state) {
  verdict out;
  if (!group_ || index >= group_->size()) return out;  // the fork is over: stale
  group_->report(index, state);
  if (group_->abort_on_error()) {
    if (const auto failed = group_->first_failure()) {
      out.end = ended{std::nullopt,
                      "alc.fork: strategy '" + group_->strategy(*failed) +
                          "' failed: " + group_->failure_message(*failed),
                      cancel_reason{cancel_code::internal,
                                    "another strategy of the fork failed (on_error = abort)", 0}};
      return out;
    }
  }
  if (group_->all_finished()) {
    out.end =
        ended{group_->results(), {}, cancel_reason{cancel_code::internal, "the fork is over", 0}};
    return out;
  }
  out.ready_to_pause = group_->ready_to_pause();
  return out;
}

std::optional<std::size_t> fork_children::index_of(const caf::actor_addr& who) const {
  for (std::size_t i = 0; i < actors_.size(); ++i) {
    if (actors_[i].address() == who) return i;
  }
  return std::nullopt;
}

pause_info fork_children::merged_pause(const std::function<std::string()>& next_id) {
  return group_->merged_pause(next_id);
}

void fork_children::route(const std::vector<query_response>& answers) {
  for (auto& [child, payload] : group_->route(answers)) {
    // Anonymous: the child's reply to the resume is of no use to the parent.
    caf::anon_send(actors_.at(child), resume_atom_v, std::move(payload));
  }
}

void fork_children::stop(caf::scheduled_actor* self, const cancel_reason& reason) {
  for (const auto& child : actors_) {
    if (!child) continue;  // never started
    self->demonitor(child.address());
    caf::anon_send(child, cancel_atom_v, reason);
    caf::anon_send(child, evict_atom_v);
  }
  actors_.clear();
  group_.reset();
}

}  // namespace alc
