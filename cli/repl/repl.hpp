#pragma once

#include <string>

#include "cli/cli_runtime.hpp"
#include "cli/responders/model_responder.hpp"

namespace alc::cli {

struct repl_options {
  std::string responder;     ///< empty: ask the person at the terminal
  model_flags model;         ///< the endpoint `openai`, `anthropic`, `exec:CMD` use
  std::string history_file;  ///< empty: ~/.alc_history
  bool guided = true;        ///< print the short guided example at start
};

/// `alc repl`: each input runs as a session. Returns the exit status.
int run_repl(cli_runtime& rt, const repl_options& options);

}  // namespace alc::cli
