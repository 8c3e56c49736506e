#pragma once
// Internal to the LLM responder: the prompts it owes answers for, which of
// them run, wait for a slot or wait for a retry. Free of CAF and I/O: the
// actor turns its verdicts into sends.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "messages/execution_state.hpp"
#include "messages/llm_query.hpp"

namespace alc::llm {

class dispatch {
 public:
  enum class phase { queued, in_flight, backing_off };
  struct job {
    std::string session_id;
    llm_query query;
    pause_kind kind = pause_kind::single;  ///< of the pause it belongs to
    int attempts = 0;                      ///< started so far
    phase where = phase::queued;
  };

  /// At most `max_in_flight` attempts run at once.
  explicit dispatch(std::size_t max_in_flight) : max_in_flight_(max_in_flight) {}

  /// Queues the queries of `session`'s pause that are not queued or running
  /// already (the same pause may be seen twice: in a snapshot and as an
  /// event). Returns how many were added.
  std::size_t add_pause(const std::string& session, const pause_info& info);
  /// Moves jobs from the queue to in flight, oldest first, while slots are
  /// free; returns their ids. Each counts one more attempt.
  std::vector<uint64_t> start_ready();
  /// An attempt ended: its slot is free. Null when the job is gone (its
  /// session ended meanwhile), so the result is dropped.
  job* attempt_ended(uint64_t id);
  /// The job waits to be retried, holding no slot.
  void back_off(uint64_t id);
  /// The wait is over: the job goes to the front of the queue. False when
  /// it is gone.
  bool retry(uint64_t id);
  /// Answered or given up on: forgotten.
  void finish(uint64_t id);
  /// `session` ended: every job of it is dropped. Returns the ids of those
  /// in flight (their attempts must be stopped) and counts all in `dropped`.
  std::vector<uint64_t> drop_session(const std::string& session, std::size_t& dropped);

  std::size_t queued() const { return queued_; }
  std::size_t in_flight() const { return in_flight_; }
  std::size_t backing_off() const { return backing_off_; }

 private:
  struct session_jobs {
    std::unordered_set<std::string> pause_ids;  ///< the query ids of its current pause
    std::unordered_set<uint64_t> jobs;
  };
  void forget(std::unordered_map<uint64_t, job>::iterator it);
  void count(phase where, int delta);

  std::size_t max_in_flight_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, job> jobs_;
  std::unordered_map<std::string, session_jobs> sessions_;
  std::deque<uint64_t> queue_;  ///< may hold ids of jobs gone meanwhile: skipped
  std::size_t queued_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t backing_off_ = 0;
};

}  // namespace alc::llm
