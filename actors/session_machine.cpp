#include "actors/session_machine.hpp"

#include <iterator>

namespace alc {
namespace {

using phase = session_phase;
using input = session_input;
using effect = session_effect;

// The session state machine. A (phase, input) pair missing here is illegal.
// docs/architecture.md shows this table; a test keeps the two identical.
constexpr session_transition transitions[] = {
    {phase::running, input::slice_preempted, phase::running, effect::schedule_slice},
    {phase::running, input::called_llm, phase::paused, effect::publish_pause},
    {phase::running, input::called_store, phase::awaiting_store, effect::ask_store},
    {phase::running, input::called_fork, phase::awaiting_children, effect::start_children},
    {phase::running, input::script_returned, phase::done, effect::finish},
    {phase::running, input::script_failed, phase::failed, effect::finish},
    {phase::running, input::cancel_requested, phase::cancelled, effect::finish},
    {phase::running, input::engine_failed, phase::failed, effect::finish},

    {phase::awaiting_store, input::store_answered, phase::running,
     effect::answer_script | effect::run_slice},
    {phase::awaiting_store, input::cancel_requested, phase::cancelled, effect::finish},
    {phase::awaiting_store, input::engine_failed, phase::failed, effect::finish},

    {phase::awaiting_children, input::children_paused, phase::paused_for_children,
     effect::publish_pause},
    {phase::awaiting_children, input::children_ended, phase::running,
     effect::stop_children | effect::answer_script | effect::run_slice},
    {phase::awaiting_children, input::cancel_requested, phase::cancelled,
     effect::stop_children | effect::finish},
    {phase::awaiting_children, input::engine_failed, phase::failed,
     effect::stop_children | effect::finish},

    {phase::paused, input::answers_completed, phase::running,
     effect::answer_script | effect::run_slice},
    {phase::paused, input::cancel_requested, phase::cancelled, effect::finish},
    {phase::paused, input::engine_failed, phase::failed, effect::finish},

    {phase::paused_for_children, input::answers_completed, phase::awaiting_children,
     effect::answer_children},
    // A child ended on its own (it died, or failed under on_error = abort).
    {phase::paused_for_children, input::children_ended, phase::running,
     effect::stop_children | effect::answer_script | effect::run_slice},
    {phase::paused_for_children, input::cancel_requested, phase::cancelled,
     effect::stop_children | effect::finish},
    {phase::paused_for_children, input::engine_failed, phase::failed,
     effect::stop_children | effect::finish},

    // Cancelling an ended session changes nothing (cancel is idempotent).
    {phase::done, input::cancel_requested, phase::done, effect::none},
    {phase::failed, input::cancel_requested, phase::failed, effect::none},
    {phase::cancelled, input::cancel_requested, phase::cancelled, effect::none},
};

}  // namespace

const session_transition* session_transition_table::begin() const {
  return std::begin(transitions);
}

const session_transition* session_transition_table::end() const {
  return std::end(transitions);
}

session_transition_table session_transitions() {
  return {};
}

std::string_view to_string(session_phase p) {
  switch (p) {
    case phase::running:
      return "running";
    case phase::awaiting_store:
      return "awaiting_store";
    case phase::awaiting_children:
      return "awaiting_children";
    case phase::paused:
      return "paused";
    case phase::paused_for_children:
      return "paused_for_children";
    case phase::done:
      return "done";
    case phase::failed:
      return "failed";
    case phase::cancelled:
      return "cancelled";
  }
  return "?";
}

std::string_view to_string(session_input i) {
  switch (i) {
    case input::slice_preempted:
      return "slice_preempted";
    case input::called_llm:
      return "called_llm";
    case input::called_store:
      return "called_store";
    case input::called_fork:
      return "called_fork";
    case input::script_returned:
      return "script_returned";
    case input::script_failed:
      return "script_failed";
    case input::store_answered:
      return "store_answered";
    case input::answers_completed:
      return "answers_completed";
    case input::children_paused:
      return "children_paused";
    case input::children_ended:
      return "children_ended";
    case input::cancel_requested:
      return "cancel_requested";
    case input::engine_failed:
      return "engine_failed";
  }
  return "?";
}

std::string_view to_string(session_effect e) {
  switch (e) {
    case effect::none:
      return "none";
    case effect::stop_children:
      return "stop_children";
    case effect::answer_script:
      return "answer_script";
    case effect::answer_children:
      return "answer_children";
    case effect::ask_store:
      return "ask_store";
    case effect::start_children:
      return "start_children";
    case effect::publish_pause:
      return "publish_pause";
    case effect::finish:
      return "finish";
    case effect::run_slice:
      return "run_slice";
    case effect::schedule_slice:
      return "schedule_slice";
  }
  return "?";
}

std::string_view public_state_name(session_phase p) {
  switch (p) {
    case phase::running:
    case phase::awaiting_store:
    case phase::awaiting_children:
      return "running";
    case phase::paused:
    case phase::paused_for_children:
      return "paused";
    case phase::done:
      return "done";
    case phase::failed:
      return "failed";
    case phase::cancelled:
      return "cancelled";
  }
  return "?";
}

bool is_terminal(session_phase p) {
  return p == phase::done || p == phase::failed || p == phase::cancelled;
}

bool session_machine::changes_public_state(const session_transition& t) {
  return public_state_name(t.from) != public_state_name(t.to);
}

std::optional<session_transition> session_machine::fire(session_input in) {
  for (const auto& t : transitions) {
    if (t.from == phase_ && t.input == in) {
      phase_ = t.to;
      return t;
    }
  }
  return std::nullopt;
}

}  // namespace alc
