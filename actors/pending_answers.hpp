#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "messages/execution_state.hpp"
#include "messages/resume_payload.hpp"
#include "messages/verb_error.hpp"

namespace alc {

/// The answers a paused session still waits for. A resume payload is
/// checked whole before any of it is applied, so a bad one (unknown id,
/// repeated answer, wrong payload kind) leaves the session untouched.
class pending_answers {
 public:
  /// Which queries a payload answered, by index into the pause's prompts.
  struct accepted {
    std::vector<std::size_t> answered;
    std::size_t remaining = 0;
  };

  void start(const pause_info& info);
  void clear();
  bool waiting() const { return !ids_.empty(); }
  bool complete() const { return waiting() && missing_ == 0; }

  std::variant<accepted, verb_error> accept(const resume_payload& payload);

  const query_response& answer(std::size_t index) const { return *answers_.at(index); }
  /// The first answer in query order that carries an error, with its index;
  /// only when complete().
  std::optional<std::pair<std::size_t, std::string>> first_error() const;
  /// The responses in query order; only when complete().
  std::vector<std::string> take_responses();
  /// The whole answers (with usage) in query order; only when complete().
  std::vector<query_response> take_answers();

 private:
  std::optional<std::size_t> index_of(const std::string& query_id) const;

  pause_kind kind_ = pause_kind::single;
  std::vector<std::string> ids_;
  /// Index of each id, for pauses too large for a linear scan (a batch of
  /// 100,000 queries would make answering it quadratic).
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::optional<query_response>> answers_;
  std::size_t missing_ = 0;
};

}  // namespace alc
