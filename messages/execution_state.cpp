#include "messages/execution_state.hpp"

namespace alc {

namespace {

// One name per alternative, shared by execution_state and terminal_outcome.
std::string_view name_of(const running_state&) {
  return "running";
}
std::string_view name_of(const paused_state&) {
  return "paused";
}
std::string_view name_of(const done_state&) {
  return "done";
}
std::string_view name_of(const failed_state&) {
  return "failed";
}
std::string_view name_of(const cancelled_state&) {
  return "cancelled";
}

std::optional<terminal_outcome> outcome_of(const running_state&) {
  return std::nullopt;
}
std::optional<terminal_outcome> outcome_of(const paused_state&) {
  return std::nullopt;
}
template <class Terminal>
std::optional<terminal_outcome> outcome_of(const Terminal& state) {
  return terminal_outcome{state};
}

}  // namespace

std::string_view to_string(pause_kind kind) {
  switch (kind) {
    case pause_kind::single:
      return "single";
    case pause_kind::batch:
      return "batch";
  }
  return "unknown";  // only for out-of-range values, e.g. a corrupted wire message
}

std::optional<pause_kind> parse_pause_kind(std::string_view text) {
  if (text == "single") return pause_kind::single;
  if (text == "batch") return pause_kind::batch;
  return std::nullopt;
}

std::string_view state_name(const execution_state& state) {
  return std::visit([](const auto& s) { return name_of(s); }, state);
}

std::string_view state_name(const terminal_outcome& outcome) {
  return std::visit([](const auto& s) { return name_of(s); }, outcome);
}

bool is_terminal(const execution_state& state) {
  return !std::holds_alternative<running_state>(state) &&
         !std::holds_alternative<paused_state>(state);
}

execution_state to_execution_state(const terminal_outcome& outcome) {
  return std::visit([](const auto& s) { return execution_state{s}; }, outcome);
}

std::optional<terminal_outcome> to_terminal_outcome(const execution_state& state) {
  return std::visit([](const auto& s) { return outcome_of(s); }, state);
}

}  // namespace alc
