#include "actors/llm/dispatch.hpp"

namespace alc::llm {

void dispatch::count(phase where, int delta) {
  std::size_t& counter = where == phase::queued      ? queued_
                         : where == phase::in_flight ? in_flight_
                                                     : backing_off_;
  counter = static_cast<std::size_t>(static_cast<int64_t>(counter) + delta);
}

std::size_t dispatch::add_pause(const std::string& session, const pause_info& info) {
  if (info.prompts.empty()) return 0;
  auto& entry = sessions_[session];
  // Query ids never repeat in a session: a first id not seen is a new pause.
  if (entry.pause_ids.count(info.prompts.front().query_id) == 0) entry.pause_ids.clear();
  std::size_t added = 0;
  for (const auto& query : info.prompts) {
    if (!entry.pause_ids.insert(query.query_id).second) continue;
    const uint64_t id = next_id_++;
    jobs_.emplace(id, job{session, query, info.kind, 0, phase::queued});
    entry.jobs.insert(id);
    queue_.push_back(id);
    count(phase::queued, +1);
    ++added;
  }
  return added;
}

std::vector<uint64_t> dispatch::start_ready() {
  std::vector<uint64_t> started;
  while (in_flight_ < max_in_flight_ && !queue_.empty()) {
    const uint64_t id = queue_.front();
    queue_.pop_front();
    const auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second.where != phase::queued) continue;
    count(phase::queued, -1);
    count(phase::in_flight, +1);
    it->second.where = phase::in_flight;
    it->second.attempts += 1;
    started.push_back(id);
  }
  return started;
}

dispatch::job* dispatch::attempt_ended(uint64_t id) {
  const auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.where != phase::in_flight) return nullptr;
  return &it->second;
}

void dispatch::back_off(uint64_t id) {
  const auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.where != phase::in_flight) return;
  count(phase::in_flight, -1);
  count(phase::backing_off, +1);
  it->second.where = phase::backing_off;
}

bool dispatch::retry(uint64_t id) {
  const auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.where != phase::backing_off) return false;
  count(phase::backing_off, -1);
  count(phase::queued, +1);
  it->second.where = phase::queued;
  queue_.push_front(id);
  return true;
}

void dispatch::finish(uint64_t id) {
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  sessions_[it->second.session_id].jobs.erase(id);
  forget(it);
}

void dispatch::forget(std::unordered_map<uint64_t, job>::iterator it) {
  count(it->second.where, -1);
  jobs_.erase(it);
}

std::vector<uint64_t> dispatch::drop_session(const std::string& session, std::size_t& dropped) {
  std::vector<uint64_t> running;
  dropped = 0;
  const auto entry = sessions_.find(session);
  if (entry == sessions_.end()) return running;
  for (const uint64_t id : entry->second.jobs) {
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) continue;
    if (it->second.where == phase::in_flight) running.push_back(id);
    forget(it);
    ++dropped;
  }
  sessions_.erase(entry);
  return running;
}

}  // namespace alc::llm
