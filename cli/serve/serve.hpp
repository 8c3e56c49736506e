#pragma once

#include <iosfwd>

#include <alc/llm_responder.hpp>

#include "cli/cli_runtime.hpp"

namespace alc::cli {

/// `alc serve --stdio`: the JSON-lines protocol of docs/protocol.md on
/// `in`/`out` until end of input; then live sessions are cancelled with
/// `system_shutdown`. Returns the process exit status. With `answers`, the
/// server has it watch every session it spawns, so their pauses are answered
/// by that model instead of by the client.
int serve_stdio(cli_runtime& rt, std::istream& in, std::ostream& out,
                const llm_responder* answers = nullptr);

}  // namespace alc::cli
