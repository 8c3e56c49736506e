#pragma once
// `alc run` and `alc advice`: one session, its result on stdout.

#include <string>

#include <alc/values.hpp>

#include "cli/cli_runtime.hpp"

namespace alc::cli {

/// Exit status for a command line that cannot be carried out as given.
constexpr int usage_error_status = 2;

struct run_options {
  std::string responder;  ///< empty: human on a terminal, echo otherwise
  bool print_events = false;
};

/// The spec of strategy package `strategy` with ctx.task = `task` (no task
/// when empty): `alc advice` and the REPL's `:advice`.
session_spec advice_session(const std::string& strategy, const std::string& task);

/// Runs one session and prints its result: the value for `done`, the
/// terminal state otherwise (with a one-line reason on stderr). Returns the
/// exit status: 0 done, 1 failed, 3 cancelled, usage_error_status for a bad
/// responder or spec.
int run_command(const runtime_flags& flags, session_spec spec, const run_options& options);

}  // namespace alc::cli
