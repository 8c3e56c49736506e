#pragma once
// The session state machine, free of CAF and Lua: which input is legal in
// which phase, what phase follows and what the owner must do. The session
// actor is a mailbox around it; every transition it makes goes through
// `fire`, so an illegal one is rejected here instead of happening quietly.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace alc {

/// Where a session is. The public execution state (running / paused / done
/// / failed / cancelled) is coarser: the sub-states say what it waits for.
enum class session_phase : uint8_t {
  running,              ///< the script runs (or is scheduled to run) in slices
  awaiting_store,       ///< running: the script waits for the state store's reply
  awaiting_children,    ///< running: the script waits for its `alc.fork` children
  paused,               ///< its own alc.llm / llm_batch waits for answers
  paused_for_children,  ///< the fork children's queries wait for answers
  done,
  failed,
  cancelled,
};
inline constexpr std::size_t session_phase_count = 8;

/// What happened to a session.
enum class session_input : uint8_t {
  slice_preempted,    ///< a slice used up its time
  called_llm,         ///< the script asked alc.llm / llm_batch
  called_store,       ///< the script asked the state store
  called_fork,        ///< the script called alc.fork
  script_returned,    ///< the script ended with a value
  script_failed,      ///< the script (or its VM's creation) failed
  store_answered,     ///< the store replied (a value or an error)
  answers_completed,  ///< the last answer of the pause arrived
  children_paused,    ///< every unfinished fork child waits for answers
  children_ended,     ///< the fork is over: all children ended, or one failed under abort
  cancel_requested,   ///< a caller, the TTL sweep, a parent or shutdown cancels
  engine_failed,      ///< the runtime itself failed this session (never the script's doing)
};
inline constexpr std::size_t session_input_count = 12;

/// What the owner does after a transition, in the order listed here.
enum class session_effect : uint16_t {
  none = 0,
  stop_children = 1 << 0,    ///< cancel and drop the fork children
  answer_script = 1 << 1,    ///< hand the reply (answers, store value, fork results) to the script
  answer_children = 1 << 2,  ///< route the answers to the fork children
  ask_store = 1 << 3,        ///< send the script's request to the state store
  start_children = 1 << 4,   ///< spawn one child session per fork strategy
  publish_pause = 1 << 5,    ///< record the pause; tell subscribers and the parent
  finish = 1 << 6,           ///< release the VM; tell awaiters, subscribers, registry, parent
  run_slice = 1 << 7,        ///< run the next slice now
  schedule_slice = 1 << 8,   ///< run the next slice after the other actors (fairness)
};
inline constexpr session_effect all_session_effects[] = {
    session_effect::stop_children, session_effect::answer_script,  session_effect::answer_children,
    session_effect::ask_store,     session_effect::start_children, session_effect::publish_pause,
    session_effect::finish,        session_effect::run_slice,      session_effect::schedule_slice};
constexpr session_effect operator|(session_effect a, session_effect b) {
  return static_cast<session_effect>(static_cast<uint16_t>(a) | static_cast<uint16_t>(b));
}
constexpr bool has(session_effect set, session_effect one) {
  return (static_cast<uint16_t>(set) & static_cast<uint16_t>(one)) != 0;
}

struct session_transition {
  session_phase from;
  session_input input;
  session_phase to;
  session_effect effects;
};

/// Every legal transition: the one table (session_machine.cpp).
struct session_transition_table {
  const session_transition* begin() const;
  const session_transition* end() const;
};
session_transition_table session_transitions();

std::string_view to_string(session_phase phase);
std::string_view to_string(session_input input);
std::string_view to_string(session_effect effect);  ///< a single effect
/// The public state name of a phase: `running`, `paused`, `done` ...
std::string_view public_state_name(session_phase phase);
bool is_terminal(session_phase phase);

class session_machine {
 public:
  session_phase phase() const { return phase_; }
  bool terminal() const { return is_terminal(phase_); }
  /// Whether the public state changes with this transition (an event is due).
  static bool changes_public_state(const session_transition& t);

  /// Applies `input`: the transition taken, or nothing when the input is
  /// illegal in the current phase (the phase is then unchanged).
  std::optional<session_transition> fire(session_input input);

 private:
  session_phase phase_ = session_phase::running;
};

}  // namespace alc
