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
struct step_host_call {
  host_request request;
};
struct step_preempted {};

using step_result = std::variant<step_done, step_failed, step_host_call, step_preempted>;

}  // namespace alc
