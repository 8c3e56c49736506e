#include "actors/fork_group.hpp"

#include <algorithm>

namespace alc {

fork_group::fork_group(std::vector<std::string> strategies, bool abort_on_error)
    : abort_on_error_(abort_on_error) {
  children_.reserve(strategies.size());
  for (auto& strategy : strategies) children_.push_back(child{std::move(strategy), {}, false, {}});
}

void fork_group::report(std::size_t index, const execution_state& state) {
  child& c = children_.at(index);
  if (c.outcome) return;  // terminal already: later reports are stale
  if (const auto* paused = std::get_if<paused_state>(&state)) {
    c.waiting = paused->info;
    c.published = false;
  } else if (auto outcome = to_terminal_outcome(state)) {
    c.outcome = std::move(*outcome);
    c.waiting.reset();
  }
}

bool fork_group::all_finished() const {
  return std::all_of(children_.begin(), children_.end(),
                     [](const child& c) { return c.outcome.has_value(); });
}

bool fork_group::ready_to_pause() const {
  bool unpublished = false;
  for (const auto& c : children_) {
    if (c.outcome) continue;
    if (!c.waiting) return false;  // still running: wait for it to settle
    if (!c.published) unpublished = true;
  }
  return unpublished;
}

std::optional<std::size_t> fork_group::first_failure() const {
  for (std::size_t i = 0; i < children_.size(); ++i) {
    const auto& outcome = children_[i].outcome;
    if (outcome && !std::holds_alternative<done_state>(*outcome)) return i;
  }
  return std::nullopt;
}

std::string fork_group::failure_message(std::size_t index) const {
  const auto& outcome = children_.at(index).outcome;
  if (!outcome) return "still running";
  if (const auto* failed = std::get_if<failed_state>(&*outcome)) return failed->message;
  if (const auto* cancelled = std::get_if<cancelled_state>(&*outcome)) {
    return "cancelled (" + std::string(to_string(cancelled->reason.code)) +
           "): " + cancelled->reason.detail.value_or("no reason given");
  }
  return "done";
}

pause_info fork_group::merged_pause(const std::function<std::string()>& next_id) {
  pause_info merged;
  published_.clear();
  for (std::size_t i = 0; i < children_.size(); ++i) {
    child& c = children_[i];
    if (c.outcome || !c.waiting) continue;
    for (const auto& query : c.waiting->prompts) {
      llm_query renamed = query;
      renamed.query_id = next_id();
      merged.prompts.push_back(std::move(renamed));
      published_.push_back(routed_query{i, query.query_id});
    }
    c.published = true;
  }
  merged.kind = merged.prompts.size() == 1 ? pause_kind::single : pause_kind::batch;
  return merged;
}

std::vector<std::pair<std::size_t, resume_payload>> fork_group::route(
    const std::vector<query_response>& answers) {
  std::vector<std::pair<std::size_t, batch_payload>> per_child;
  for (std::size_t k = 0; k < answers.size() && k < published_.size(); ++k) {
    const auto& target = published_[k];
    auto it = std::find_if(per_child.begin(), per_child.end(),
                           [&](const auto& entry) { return entry.first == target.child; });
    if (it == per_child.end()) it = per_child.insert(per_child.end(), {target.child, {}});
    it->second.responses.push_back(query_response{target.child_query_id, answers[k].response,
                                                  answers[k].usage, answers[k].error});
  }
  std::vector<std::pair<std::size_t, resume_payload>> out;
  for (auto& [index, batch] : per_child) {
    // A child that ended after its queries went out has nobody left to answer.
    if (!children_[index].waiting) continue;
    const bool single = children_[index].waiting->kind == pause_kind::single;
    children_[index].waiting.reset();
    children_[index].published = false;
    if (single) {
      out.emplace_back(index, single_payload{std::move(batch.responses.front())});
    } else {
      out.emplace_back(index, std::move(batch));
    }
  }
  published_.clear();
  return out;
}

nlohmann::json fork_group::results() const {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < children_.size(); ++i) {
    const auto& c = children_[i];
    nlohmann::json entry = {{"strategy", c.strategy}};
    if (c.outcome && std::holds_alternative<done_state>(*c.outcome)) {
      entry["ok"] = true;
      entry["result"] = std::get<done_state>(*c.outcome).value;
    } else {
      entry["ok"] = false;
      entry["error"] = failure_message(i);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace alc
