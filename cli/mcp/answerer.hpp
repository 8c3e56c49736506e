#pragma once
// The server's own answerer (`alc mcp --responder MODE`): an actor that,
// subscribed to a session, answers each of its pauses with a CLI responder
// (echo, script:FILE) and resumes it. Any actor that answers the sessions it
// is subscribed to can take its place (the HTTP responders of
// include/alc/llm_responder.hpp are such actors).

#include <memory>

#include <alc/alc.hpp>
#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "cli/responders/responder.hpp"

namespace alc::cli::mcp {

/// `answers` must not block for long: it runs on a CAF worker.
caf::actor spawn_answerer(caf::actor_system& system, registry_handle registry,
                          std::shared_ptr<responder> answers);

}  // namespace alc::cli::mcp
