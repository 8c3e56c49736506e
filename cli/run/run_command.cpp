#include "cli/run/run_command.hpp"

#include <unistd.h>

#include <iostream>

#include <alc/alc.hpp>

#include "cli/interrupt.hpp"
#include "cli/responders/make_responder.hpp"
#include "cli/run/session_driver.hpp"

namespace alc::cli {
namespace {

int exit_status(const terminal_outcome& outcome) {
  if (std::holds_alternative<done_state>(outcome)) return 0;
  if (std::holds_alternative<failed_state>(outcome)) return 1;
  return 3;
}

}  // namespace

std::string responder_mode(const std::string& given, const model_flags& model) {
  if (!given.empty()) return given;
  if (!model.config_file.empty()) return "config";
  return ::isatty(STDIN_FILENO) ? "human" : "echo";
}

session_spec advice_session(const std::string& strategy, const std::string& task) {
  session_spec spec;
  spec.kind = advice_spec{strategy, task.empty() ? std::nullopt : std::optional(task), nullptr};
  return spec;
}

int run_command(const runtime_flags& flags, session_spec spec, const run_options& options) {
  std::string error;
  cli_runtime rt(flags);
  auto answers = make_responder(responder_mode(options.responder, options.model), options.model, rt,
                                std::cin, std::cerr, error);
  if (!answers) {
    std::cerr << "alc: " << error << '\n';
    return usage_error_status;
  }
  install_interrupt_handler();
  drive_options drive;
  drive.print_events = options.print_events;
  // Progress goes to stderr, never into the result on stdout; on a terminal
  // unless the events already stream there.
  drive.progress_on_terminal = ::isatty(STDERR_FILENO) != 0;
  drive.show_progress = options.progress || (drive.progress_on_terminal && !options.print_events);
  drive.progress_out = &std::cerr;
  auto result = drive_session(rt, std::move(spec), *answers, drive, std::cerr);
  if (!result.outcome) {
    std::cerr << "alc: " << result.error << '\n';
    return result.error.rfind("invalid_spec", 0) == 0 ? usage_error_status : 1;
  }
  if (const auto* done = std::get_if<done_state>(&*result.outcome)) {
    std::cout << to_json_text(done->value) << '\n';
  } else {
    std::cout << to_json_text(to_json_value(*result.outcome)) << '\n';
    if (const auto* failed = std::get_if<failed_state>(&*result.outcome)) {
      std::cerr << "alc: " << describe(*failed) << '\n';
    } else {
      const auto& cancelled = std::get<cancelled_state>(*result.outcome);
      std::cerr << "alc: cancelled (" << to_string(cancelled.reason.code)
                << "): " << cancelled.reason.detail.value_or("no reason given") << '\n';
    }
  }
  return exit_status(*result.outcome);
}

}  // namespace alc::cli
