#pragma once
// `alc run` and `alc advice`: one session, its result on stdout.

#include <string>

#include <alc/values.hpp>

#include "cli/cli_runtime.hpp"
#include "cli/responders/model_responder.hpp"

namespace alc::cli {

/// Exit status for a command line that cannot be carried out as given.
constexpr int usage_error_status = 2;

struct run_options {
  /// empty: the config file's provider with --responder-config, else human
  /// on a terminal and echo otherwise
  std::string responder;
  model_flags model;  ///< the endpoint of openai, anthropic, exec:CMD
  bool print_events = false;
  bool progress = false;  ///< --progress: the responder's progress on stderr even off a terminal
};

/// The mode `--responder` means once its default is applied.
std::string responder_mode(const std::string& given, const model_flags& model);

/// The spec of strategy package `strategy` with ctx.task = `task` (no task
/// when empty): `alc advice` and the REPL's `:advice`.
session_spec advice_session(const std::string& strategy, const std::string& task);

/// Runs one session and prints its result: the value for `done`, the
/// terminal state otherwise (with a one-line reason on stderr). Returns the
/// exit status: 0 done, 1 failed, 3 cancelled, usage_error_status for a bad
/// responder or spec.
int run_command(const runtime_flags& flags, session_spec spec, const run_options& options);

}  // namespace alc::cli
