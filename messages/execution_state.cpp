#include "messages/execution_state.hpp"

namespace alc {

namespace {

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

state_kind kind_of(const execution_state& state) {
  return std::visit([](const auto& s) { return s.kind_tag; }, state);
}

state_kind kind_of(const terminal_outcome& outcome) {
  return std::visit([](const auto& s) { return s.kind_tag; }, outcome);
}

std::string_view state_name(const execution_state& state) {
  return state_kind_names.name(kind_of(state));
}

std::string_view state_name(const terminal_outcome& outcome) {
  return state_kind_names.name(kind_of(outcome));
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

std::string describe(const failed_state& failed) {
  const std::string prefix = std::string(to_string(failed.kind)) + ": ";
  if (failed.message.rfind(prefix, 0) == 0) return failed.message;
  return prefix + failed.message;
}

}  // namespace alc
