#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "messages/budget_limits.hpp"
#include "messages/decoded.hpp"
#include "messages/session_spec.hpp"

namespace alc {

/// A session_spec taken apart once: what a session runs and with what.
struct session_plan {
  std::string code;                   ///< the chunk to run; for advice, the strategy's `run(ctx)`
  nlohmann::json ctx;                 ///< the `ctx` the script sees (advice: task and opts merged)
  std::string state_namespace;        ///< `ctx._ns` if a string, else `default`
  budget_limits budget;               ///< `ctx.budget`
  std::string chunk_name = "script";  ///< what errors call the chunk (a run spec's name)

  friend bool operator==(const session_plan& a, const session_plan& b) {
    return a.code == b.code && a.ctx == b.ctx && a.state_namespace == b.state_namespace &&
           a.budget == b.budget && a.chunk_name == b.chunk_name;
  }
};

/// Validates `spec` (validate(), then `ctx.budget`) and plans it; the error
/// message is the one an `invalid_spec` verb error carries.
decoded<session_plan> plan_session(const session_spec& spec);

}  // namespace alc
