#pragma once
// Runs one session to its end from a CLI thread: answers its pauses with a
// responder, prints events if asked, cancels it on Ctrl-C.

#include <iosfwd>
#include <optional>
#include <string>

#include <alc/values.hpp>

#include "cli/cli_runtime.hpp"
#include "cli/responders/responder.hpp"

namespace alc::cli {

struct drive_options {
  bool print_events = false;    ///< every event as a JSON line on `events`
  bool print_activity = false;  ///< log and progress events as readable lines (REPL)
  /// The responder's progress line (requests in flight, done, retried) on
  /// `progress_out`: redrawn in place on a terminal, else a line per change
  /// at most once a second.
  bool show_progress = false;
  bool progress_on_terminal = false;
  std::ostream* progress_out = nullptr;
};

/// How the session ended, or why it could not run.
struct drive_result {
  std::optional<terminal_outcome> outcome;
  std::string error;  ///< set when the session could not be spawned or followed
};

drive_result drive_session(cli_runtime& rt, session_spec spec, responder& answers,
                           const drive_options& options, std::ostream& events);

}  // namespace alc::cli
