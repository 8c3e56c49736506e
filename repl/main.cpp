// alc: run Lua LLM algorithms as sessions — one script, a package, an
// interactive REPL, or a JSON-lines server for programs in any language.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>

#include "messages/json_codec.hpp"
#include "repl/cli_runtime.hpp"
#include "repl/interrupt.hpp"
#include "repl/repl.hpp"
#include "repl/serve.hpp"
#include "repl/session_driver.hpp"

namespace {

using namespace alc;
using namespace alc::cli;

constexpr int usage_error = 2;

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw CLI::ValidationError("cannot read '" + path + "'");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

/// --ctx '{"a":1}' or --ctx @file.json
nlohmann::json parse_ctx(const std::string& arg) {
  if (arg.empty()) return nlohmann::json::object();
  const std::string text = arg[0] == '@' ? read_file(arg.substr(1)) : arg;
  auto json = parse_json_text(text);
  if (!json) throw CLI::ValidationError("--ctx: " + json.error().message);
  if (!json.value().is_object()) throw CLI::ValidationError("--ctx must be a JSON object");
  return std::move(json).value();
}

std::string default_responder() {
  return ::isatty(STDIN_FILENO) ? "human" : "echo";
}

/// Runs one session and prints its result: the value for `done`, the
/// terminal state otherwise (with a one-line reason on stderr).
int run_one(const runtime_flags& flags, session_spec spec, const std::string& mode, bool events) {
  std::string error;
  auto answers =
      make_responder(mode.empty() ? default_responder() : mode, std::cin, std::cerr, error);
  if (!answers) {
    std::cerr << "alc: " << error << '\n';
    return usage_error;
  }
  cli_runtime rt(flags);
  install_interrupt_handler();
  drive_options options;
  options.print_events = events;
  auto result = drive_session(rt, std::move(spec), *answers, options, std::cerr);
  if (!result.outcome) {
    std::cerr << "alc: " << result.error << '\n';
    return result.error.rfind("invalid_spec", 0) == 0 ? usage_error : 1;
  }
  if (const auto* done = std::get_if<done_state>(&*result.outcome)) {
    std::cout << to_json_text(done->value) << '\n';
  } else {
    std::cout << to_json_text(to_json_value(*result.outcome)) << '\n';
    if (const auto* failed = std::get_if<failed_state>(&*result.outcome)) {
      std::cerr << "alc: " << to_string(failed->kind) << ": " << failed->message << '\n';
    } else {
      const auto& cancelled = std::get<cancelled_state>(*result.outcome);
      std::cerr << "alc: cancelled (" << to_string(cancelled.reason.code)
                << "): " << cancelled.reason.detail << '\n';
    }
  }
  return exit_status(*result.outcome);
}

void add_runtime_flags(CLI::App& app, runtime_flags& flags) {
  app.add_option("--package-path", flags.package_paths,
                 "folder of Lua packages for require (repeatable; ALC_PACKAGES_PATH adds more)");
  app.add_option("--state-dir", flags.state_dir, "folder of the alc.state files");
  app.add_option("--slice", flags.slice, "time slice of a session, e.g. 10ms");
  app.add_option("--memory-limit", flags.memory_limit, "bytes one session's VM may use");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"alc — Lua LLM-algorithm sessions on the C++ Actor Framework"};
  app.require_subcommand(1);
  runtime_flags flags;

  std::string file;
  std::string strategy;
  std::string task;
  std::string ctx_arg;
  std::string mode;
  bool events = false;

  auto* run = app.add_subcommand("run", "run FILE.lua as one session and print its result");
  run->add_option("file", file, "the script")->required();
  run->add_option("--ctx", ctx_arg, "ctx as JSON, or @file.json");
  run->add_option("--responder", mode, "human (default on a terminal), echo, script:FILE.jsonl");
  run->add_flag("--events", events, "stream every event as a JSON line on stderr");
  add_runtime_flags(*run, flags);

  auto* advice = app.add_subcommand("advice", "run an installed strategy package");
  advice->add_option("strategy", strategy, "package name")->required();
  advice->add_option("--task", task, "the task, placed in ctx.task");
  advice->add_option("--ctx", ctx_arg, "ctx as JSON, or @file.json");
  advice->add_option("--responder", mode, "human (default on a terminal), echo, script:FILE.jsonl");
  advice->add_flag("--events", events, "stream every event as a JSON line on stderr");
  add_runtime_flags(*advice, flags);

  repl_options repl;
  bool quiet = false;
  auto* repl_cmd = app.add_subcommand("repl", "interactive Lua REPL; each input runs as a session");
  repl_cmd->add_option("--responder", repl.responder, "answer prompts with echo or script:FILE");
  repl_cmd->add_option("--history", repl.history_file, "history file (default ~/.alc_history)");
  repl_cmd->add_flag("--quiet", quiet, "no guided example at start");
  add_runtime_flags(*repl_cmd, flags);

  bool stdio = false;
  auto* serve = app.add_subcommand("serve", "JSON-lines server for programs in any language");
  serve->add_flag("--stdio", stdio, "speak the protocol on stdin/stdout")->required();
  add_runtime_flags(*serve, flags);

  try {
    app.parse(argc, argv);
    if (*run) {
      session_spec spec;
      spec.kind = run_spec{read_file(file)};
      spec.ctx = parse_ctx(ctx_arg);
      return run_one(flags, std::move(spec), mode, events);
    }
    if (*advice) {
      session_spec spec;
      spec.kind = advice_spec{strategy, task.empty() ? std::nullopt : std::optional(task), nullptr};
      spec.ctx = parse_ctx(ctx_arg);
      return run_one(flags, std::move(spec), mode, events);
    }
    if (*repl_cmd) {
      repl.guided = !quiet;
      cli_runtime rt(flags);
      return run_repl(rt, repl);
    }
    cli_runtime rt(flags);
    return serve_stdio(rt, std::cin, std::cout);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : usage_error;
  } catch (const std::exception& e) {
    std::cerr << "alc: " << e.what() << '\n';
    return usage_error;
  }
}
