#pragma once

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/execution_state.hpp"
#include "messages/failure_kind.hpp"
#include "messages/llm_query.hpp"

namespace alc {

/// `alc.llm` / `alc.llm_batch`: the session pauses until the host answers
/// every query (in any order; the VM hands them back in query order).
struct llm_call {
  pause_kind kind = pause_kind::single;
  std::vector<llm_query> queries;
};

/// An operation served by another part of the runtime (`state.get`, `fork`
/// ...): the session stays running and resumes with the reply.
struct service_call {
  std::string operation;
  nlohmann::json argument;
};

using host_request = std::variant<llm_call, service_call>;

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
  const host_request* request = nullptr;
};
struct step_preempted {};

using step_result = std::variant<step_done, step_failed, step_host_call, step_preempted>;

}  // namespace alc
