#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/execution_state.hpp"
#include "messages/resume_payload.hpp"

namespace alc {

/// The children of one `alc.fork` call, seen from the parent session.
/// Children run on their own; whenever every unfinished child is paused the
/// parent publishes their queries as one pause under fresh parent ids, and
/// routes the answers back to each child under its own ids.
class fork_group {
 public:
  fork_group(std::vector<std::string> strategies, bool abort_on_error);

  std::size_t size() const { return children_.size(); }
  const std::string& strategy(std::size_t child) const { return children_.at(child).strategy; }
  bool abort_on_error() const { return abort_on_error_; }

  /// A child reported its state (paused or terminal); running is ignored.
  void report(std::size_t child, const execution_state& state);

  bool all_finished() const;
  /// Every unfinished child waits for answers, and some have not been published.
  bool ready_to_pause() const;
  /// The first child (in input order) that ended other than `done`.
  std::optional<std::size_t> first_failure() const;
  std::string failure_message(std::size_t child) const;

  /// The queries of every waiting child as one pause, re-identified by
  /// `next_id()`; remembers which child each belongs to.
  pause_info merged_pause(const std::function<std::string()>& next_id);
  /// Splits the answers to the merged pause (in its query order) into one
  /// resume payload per child; the children are then running again.
  std::vector<std::pair<std::size_t, resume_payload>> route(
      const std::vector<query_response>& answers);

  /// `[{strategy, ok = true, result} | {strategy, ok = false, error}]` in input order.
  nlohmann::json results() const;

 private:
  struct child {
    std::string strategy;
    std::optional<pause_info> waiting;  ///< its current pause, until answered
    bool published = false;             ///< its pause is part of the parent's
    std::optional<terminal_outcome> outcome;
  };
  struct routed_query {
    std::size_t child;
    std::string child_query_id;
  };

  std::vector<child> children_;
  std::vector<routed_query> published_;  ///< merged pause order
  bool abort_on_error_;
};

}  // namespace alc
