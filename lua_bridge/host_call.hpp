#pragma once
// What a script asks of its host, and what one slice of execution ends with.

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/card_call.hpp"
#include "messages/execution_state.hpp"
#include "messages/failure_kind.hpp"
#include "messages/llm_query.hpp"
#include "messages/state_call.hpp"

namespace alc {

/// `alc.llm` / `alc.llm_batch`: the session pauses until the host answers
/// every query (in any order; the VM hands them back in query order).
/// Answered with `script_vm::answer_llm`.
struct llm_call {
  pause_kind kind = pause_kind::single;
  std::vector<llm_query> queries;
};

// `alc.state.*` is a state_call (messages/state_call.hpp) and `alc.card.*` a
// card_call (messages/card_call.hpp): the session stays running while the
// store works and answers with `script_vm::answer_value`.

/// `alc.fork(strategies, ctx, opts)`: one child session per strategy
/// (`require(name).run(ctx copy)`); answered with `script_vm::answer_value`
/// once every child has ended.
struct fork_call {
  std::vector<std::string> strategies;
  nlohmann::json ctx = nlohmann::json::object();
  bool abort_on_error = false;  ///< opts.on_error == "abort"
};

using host_call = std::variant<llm_call, state_call, fork_call, card_call>;

// What one slice of execution ended with.
struct step_done {
  nlohmann::json value;  ///< the script's first return value
};
struct step_failed {
  failure_kind kind = failure_kind::lua_error;
  std::string message;
};
/// The script waits for the host. `request` is owned by the VM and stays
/// valid until the call is answered: copy what you keep. (Handing it out by
/// reference lets the VM reuse its buffers from one call to the next.)
struct step_host_call {
  const host_call* request = nullptr;
};
struct step_preempted {};

using step_result = std::variant<step_done, step_failed, step_host_call, step_preempted>;

}  // namespace alc
