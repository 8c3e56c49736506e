// alc: run Lua LLM algorithms as sessions — one script, a package, an
// interactive REPL, a JSON-lines server for programs in any language, or an
// MCP server for MCP hosts.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include <alc/values.hpp>

#include "cli/cli_runtime.hpp"
#include "cli/mcp/mcp_command.hpp"
#include "cli/repl/repl.hpp"
#include "cli/responders/model_responder.hpp"
#include "cli/run/run_command.hpp"
#include "cli/serve/serve.hpp"
#include "cli/text_file.hpp"

namespace {

using namespace alc;
using namespace alc::cli;

std::string read_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) throw CLI::ValidationError("cannot read '" + path + "'");
  return std::move(*text);
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

void add_runtime_flags(CLI::App& app, runtime_flags& flags) {
  app.add_option("--package-path", flags.package_paths,
                 "folder of Lua packages for require (repeatable; ALC_PACKAGES_PATH adds more)");
  app.add_option("--state-dir", flags.state_dir, "folder of the alc.state files");
  app.add_option("--slice", flags.slice, "time slice of a session, e.g. 10ms");
  app.add_option("--memory-limit", flags.memory_limit, "bytes one session's VM may use");
}

/// The endpoint of a model responder (openai, anthropic, exec:CMD).
void add_model_flags(CLI::App& app, model_flags& model) {
  app.add_option("--model", model.model, "model name sent to the endpoint");
  app.add_option(
      "--base-url", model.base_url,
      "endpoint base URL (default https://api.openai.com/v1, https://api.anthropic.com)");
  app.add_option("--api-key-env", model.api_key_env,
                 "environment variable holding the API key (default OPENAI_API_KEY, "
                 "ANTHROPIC_API_KEY)");
  app.add_option("--max-concurrency", model.max_concurrency,
                 "requests in flight at once (default 8)");
  app.add_option("--timeout", model.timeout, "per request, e.g. 120s (the default), 500ms");
  app.add_option("--retries", model.retries,
                 "retries on connection errors, timeouts, 429 and 5xx (default 3)");
  app.add_option("--temperature", model.temperature, "sampling temperature sent to the model");
  app.add_option("--responder-config", model.config_file,
                 "TOML file with the endpoint's settings (flags override it)");
}

constexpr const char* responder_help =
    "human (default on a terminal), echo, script:FILE.jsonl, or a model: openai, anthropic, "
    "exec:CMD";

/// The flags of the one-session subcommands, run and advice.
struct session_flags {
  std::string ctx;  ///< --ctx
  run_options run;
};

void add_session_flags(CLI::App& app, session_flags& session, runtime_flags& flags) {
  app.add_option("--ctx", session.ctx, "ctx as JSON, or @file.json");
  app.add_option("--responder", session.run.responder, responder_help);
  app.add_flag("--events", session.run.print_events, "stream every event as a JSON line on stderr");
  app.add_flag(
      "--progress", session.run.progress,
      "the model's requests in flight / done / retried on stderr (default: on a terminal)");
  add_model_flags(app, session.run.model);
  add_runtime_flags(app, flags);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"alc — Lua LLM-algorithm sessions on the C++ Actor Framework"};
  app.require_subcommand(1);
  runtime_flags flags;

  std::string file;
  std::string strategy;
  std::string task;
  session_flags session;

  auto* run = app.add_subcommand("run", "run FILE.lua as one session and print its result");
  run->add_option("file", file, "the script")->required();
  add_session_flags(*run, session, flags);

  auto* advice = app.add_subcommand("advice", "run an installed strategy package");
  advice->add_option("strategy", strategy, "package name")->required();
  advice->add_option("--task", task, "the task, placed in ctx.task");
  add_session_flags(*advice, session, flags);

  repl_options repl;
  bool quiet = false;
  auto* repl_cmd = app.add_subcommand("repl", "interactive Lua REPL; each input runs as a session");
  repl_cmd->add_option("--responder", repl.responder, responder_help);
  add_model_flags(*repl_cmd, repl.model);
  repl_cmd->add_option("--history", repl.history_file, "history file (default ~/.alc_history)");
  repl_cmd->add_flag("--quiet", quiet, "no guided example at start");
  add_runtime_flags(*repl_cmd, flags);

  bool stdio = false;
  auto* serve = app.add_subcommand("serve", "JSON-lines server for programs in any language");
  serve->add_flag("--stdio", stdio, "speak the protocol on stdin/stdout")->required();
  std::string serve_responder;
  model_flags serve_model;
  serve->add_option("--responder", serve_responder,
                    "answer every session's pauses with a model (openai, anthropic, exec:CMD) "
                    "instead of leaving them to the client");
  add_model_flags(*serve, serve_model);
  add_runtime_flags(*serve, flags);

  mcp_options mcp;
  auto* mcp_cmd =
      app.add_subcommand("mcp", "MCP server for Claude Code, Cursor and any MCP client");
  mcp_cmd->add_flag("--answer-with-client", mcp.answer_with_client,
                    "answer prompts through the client's sampling/createMessage when it can");
  mcp_cmd->add_option("--log-dir", mcp.log_dir,
                      "folder of the session logs (default: ALC_LOG_DIR, ~/.algocline/logs)");
  add_model_flags(*mcp_cmd, mcp.model);
  mcp_cmd->add_option("--responder", mcp.responder,
                      "the server answers every prompt itself: openai, anthropic, exec:CMD (with "
                      "--model, --base-url ...), echo or script:FILE.jsonl");
  mcp_cmd->add_option("--wait-limit", mcp.wait_limit,
                      "longest alc_run/alc_continue wait for a pause, e.g. 10min");
  mcp_cmd->add_flag("--http", mcp.http, "Streamable HTTP on --host:--port/mcp instead of stdio");
  mcp_cmd->add_option("--host", mcp.host, "address to listen on (default 127.0.0.1)");
  mcp_cmd->add_option("--port", mcp.port,
                      "port (default 8765; 0: any free one, printed on stderr)");
  mcp_cmd->add_option("--allow-origin", mcp.allowed_origins,
                      "another accepted Origin (repeatable)");
  add_runtime_flags(*mcp_cmd, flags);

  try {
    app.parse(argc, argv);
    if (*mcp_cmd) return run_mcp(flags, mcp);
    if (*run) {
      session_spec spec;
      spec.kind = run_spec{read_file(file), file};
      spec.ctx = parse_ctx(session.ctx);
      return run_command(flags, std::move(spec), session.run);
    }
    if (*advice) {
      session_spec spec = advice_session(strategy, task);
      spec.ctx = parse_ctx(session.ctx);
      return run_command(flags, std::move(spec), session.run);
    }
    if (*repl_cmd) {
      repl.guided = !quiet;
      cli_runtime rt(flags);
      return run_repl(rt, repl);
    }
    cli_runtime rt(flags);
    const std::string mode =
        serve_responder.empty() && !serve_model.config_file.empty() ? "config" : serve_responder;
    if (mode.empty()) return serve_stdio(rt, std::cin, std::cout);
    if (!is_model_mode(mode)) {
      std::cerr << "alc: serve --responder takes a model (openai, anthropic, exec:CMD), not '"
                << mode << "'\n";
      return usage_error_status;
    }
    std::string error;
    auto endpoint = model_endpoint(mode, serve_model, error);
    auto answers = endpoint ? llm_responder::start(rt.system(), rt.runtime().registry(), *endpoint)
                            : caf::expected<llm_responder>{caf::sec::invalid_argument};
    if (!answers) {
      std::cerr << "alc: " << (endpoint ? describe(answers.error()) : error) << '\n';
      return usage_error_status;
    }
    return serve_stdio(rt, std::cin, std::cout, &*answers);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : usage_error_status;
  } catch (const std::exception& e) {
    std::cerr << "alc: " << e.what() << '\n';
    return usage_error_status;
  }
}
