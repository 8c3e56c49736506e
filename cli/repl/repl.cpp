#include "cli/repl/repl.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <utility>

#include <alc/alc.hpp>

#include "cli/interrupt.hpp"
#include "cli/repl/completion.hpp"
#include "cli/repl/line_editor.hpp"
#include "cli/repl/terminal_responder.hpp"
#include "cli/responders/make_responder.hpp"
#include "cli/run/event_queue.hpp"
#include "cli/run/run_command.hpp"
#include "cli/run/session_driver.hpp"
#include "cli/text_file.hpp"

namespace alc::cli {
namespace {

constexpr const char* help_text = R"(Each input runs as its own session (globals do not carry over).
  <lua>                 run a chunk; an expression alone prints its value;
                        an unfinished chunk continues on the next line
  :advice NAME TASK     run the strategy package NAME with ctx.task = TASK
  :load FILE            run a Lua file
  :bg CODE              run CODE in the background and print its session id
  :sessions             list the sessions
  :state ID             show a session's state (ids may be shortened)
  :resume ID TEXT       answer every pending query of a paused session with TEXT
  :cancel ID            cancel a session
  :watch ID             print a session's events until it ends (Ctrl-C stops watching)
  :await ID             wait for a session's outcome (Ctrl-C stops waiting)
  :responder MODE       who answers prompts: human (you), echo, script:FILE.jsonl,
                        or a model: openai, anthropic, exec:CMD (endpoint from the
                        --model, --base-url ... flags alc repl was started with)
  :help, :quit          this text; leave (Ctrl-D too)
When a session asks the LLM, its prompt is shown and you type the answer,
ending it with a line holding a single '.'. Ctrl-C cancels the running session.)";

constexpr const char* guide = R"(alc REPL — Lua LLM algorithms, each input a session. Try:
  1 + 2                                   an expression prints its value
  alc.llm("Name a colour")                pauses: type an answer, then a line with '.'
  alc.map({1, 2, 3}, function(x) return x * x end)
  :advice cot why is the sky blue?        a strategy package (see :help)
Tab completes commands and alc names; Ctrl-C cancels a running session; Ctrl-D quits.
)";

/// `text`'s first word and the rest of it, without the blanks between.
std::pair<std::string, std::string> split_first_word(const std::string& text) {
  std::istringstream words(text);
  std::string first;
  words >> first;
  std::string rest;
  std::getline(words >> std::ws, rest);
  return {std::move(first), std::move(rest)};
}

std::string default_history_file() {
  const char* home = std::getenv("HOME");
  return home != nullptr ? std::string(home) + "/.alc_history" : std::string(".alc_history");
}

class repl_session {
 public:
  repl_session(cli_runtime& rt, const repl_options& options)
      : rt_(rt),
        model_(options.model),
        editor_(options.history_file.empty() ? default_history_file() : options.history_file,
                complete_repl_word),
        human_(editor_) {
    if (!options.responder.empty()) set_responder(options.responder);
  }

  int loop(bool guided) {
    install_interrupt_handler();
    if (guided) std::cout << guide << std::flush;
    std::string buffer;
    for (;;) {
      std::string line;
      const auto status = editor_.read(buffer.empty() ? "alc> " : "  >> ", line);
      if (status == line_editor::status::end_of_input) break;
      if (status == line_editor::status::interrupted) {
        buffer.clear();
        continue;
      }
      if (buffer.empty() && line.rfind(':', 0) == 0) {
        editor_.remember(line);
        if (!command(line)) break;
        continue;
      }
      buffer += buffer.empty() ? line : "\n" + line;
      if (buffer.find_first_not_of(" \t") == std::string::npos) {
        buffer.clear();
        continue;
      }
      if (run_chunk(buffer)) {
        editor_.remember(buffer);
        buffer.clear();
      }
    }
    std::cout << '\n';
    return 0;
  }

 private:
  /// Runs `code` if it is complete (false: read another line). An
  /// expression alone is run as `return <expr>` so its value prints.
  bool run_chunk(const std::string& code) {
    auto input = classify_lua_input(code);
    switch (input.kind) {
      case lua_input_kind::expression:
        run_spec_code("return " + code, true);
        return true;
      case lua_input_kind::statements:
        run_spec_code(code, false);
        return true;
      case lua_input_kind::incomplete:
        return false;
      case lua_input_kind::invalid:
        std::cout << "syntax error: " << input.error << '\n';
        return true;
    }
    return true;
  }

  void run_spec_code(std::string code, bool expression) {
    session_spec spec;
    spec.kind = run_spec{std::move(code)};
    run(std::move(spec), expression);
  }

  void run(session_spec spec, bool show_null) {
    drive_options options;
    options.print_activity = true;
    options.show_progress = ::isatty(STDERR_FILENO) != 0;
    options.progress_on_terminal = options.show_progress;
    options.progress_out = &std::cerr;
    auto result = drive_session(rt_, std::move(spec), answers(), options, std::cout);
    if (!result.outcome) {
      std::cout << "error: " << result.error << '\n';
      return;
    }
    print_outcome(*result.outcome, show_null);
  }

  static void print_outcome(const terminal_outcome& outcome, bool show_null) {
    if (const auto* done = std::get_if<done_state>(&outcome)) {
      if (!done->value.is_null() || show_null) std::cout << done->value.dump(2) << '\n';
    } else if (const auto* failed = std::get_if<failed_state>(&outcome)) {
      std::cout << "error: " << describe(*failed) << '\n';
    } else {
      const auto& cancelled = std::get<cancelled_state>(outcome);
      std::cout << "cancelled (" << to_string(cancelled.reason.code)
                << "): " << cancelled.reason.detail.value_or("no reason given") << '\n';
    }
  }

  responder& answers() { return fixed_ ? *fixed_ : human_; }

  void set_responder(const std::string& mode) {
    if (mode == "human") {
      fixed_.reset();
      std::cout << "prompts will be shown to you\n";
      return;
    }
    std::string error;
    // A model responder's actor (and its requests) stops before another starts.
    const bool replacing = is_model_mode(mode) && fixed_;
    if (replacing) fixed_.reset();
    auto made = make_responder(mode, model_, rt_, std::cin, std::cout, error);
    if (!made) {
      std::cout << "error: " << error << '\n';
      if (replacing) std::cout << "prompts will be shown to you\n";
      return;
    }
    fixed_ = std::move(made);
    std::cout << "prompts are answered by " << fixed_->name() << '\n';
  }

  /// A full id, or the one session whose id starts with `prefix`.
  std::optional<std::string> resolve(const std::string& prefix) {
    if (prefix.empty()) {
      std::cout << "error: a session id is needed\n";
      return std::nullopt;
    }
    auto list = rt_.client().list();
    if (!list) return prefix;
    std::optional<std::string> found;
    for (const auto& summary : *list) {
      if (summary.id == prefix) return prefix;
      if (summary.id.rfind(prefix, 0) == 0 || summary.id.rfind("ses-" + prefix, 0) == 0) {
        if (found) {
          std::cout << "error: '" << prefix << "' matches several sessions\n";
          return std::nullopt;
        }
        found = summary.id;
      }
    }
    if (!found) std::cout << "error: no session '" << prefix << "'\n";
    return found;
  }

  /// Handles one `:command`; false to leave the REPL.
  bool command(const std::string& line) {
    const auto [name, rest] = split_first_word(line);
    if (name == ":quit" || name == ":q" || name == ":exit") return false;
    if (name == ":help") {
      std::cout << help_text << '\n';
    } else if (name == ":sessions") {
      list_sessions();
    } else if (name == ":state") {
      if (auto id = resolve(rest)) show(rt_.client().state(*id));
    } else if (name == ":cancel") {
      if (auto id = resolve(rest)) {
        const auto error = rt_.client().cancel(
            *id, cancel_reason{cancel_code::user, "cancelled from the REPL", 0});
        std::cout << (error ? "error: " + describe(error) : std::string("cancelled")) << '\n';
      }
    } else if (name == ":resume") {
      const auto [prefix, text] = split_first_word(rest);
      if (auto id = resolve(prefix)) resume_with(*id, text);
    } else if (name == ":watch") {
      if (auto id = resolve(rest)) watch(*id);
    } else if (name == ":await") {
      if (auto id = resolve(rest)) await(*id);
    } else if (name == ":bg") {
      background(rest);
    } else if (name == ":load") {
      load(rest);
    } else if (name == ":advice") {
      advice(rest);
    } else if (name == ":responder") {
      set_responder(rest.empty() ? "human" : rest);
    } else {
      std::cout << "error: unknown command " << name << " (:help lists them)\n";
    }
    return true;
  }

  template <class T>
  static void show(const caf::expected<T>& value) {
    if (value) {
      std::cout << to_json_value(*value).dump(2) << '\n';
    } else {
      std::cout << "error: " << describe(value.error()) << '\n';
    }
  }

  void list_sessions() {
    auto list = rt_.client().list();
    if (!list) {
      std::cout << "error: " << describe(list.error()) << '\n';
      return;
    }
    if (list->empty()) std::cout << "no sessions\n";
    for (const auto& s : *list) {
      std::cout << s.id << "  " << s.state << "  llm calls " << s.metrics.llm_calls << '\n';
    }
  }

  void resume_with(const std::string& id, const std::string& text) {
    auto state = rt_.client().state(id);
    if (!state) {
      std::cout << "error: " << describe(state.error()) << '\n';
      return;
    }
    const auto* paused = std::get_if<paused_state>(&*state);
    if (paused == nullptr) {
      std::cout << "error: session " << id << " is " << state_name(*state) << ", not paused\n";
      return;
    }
    auto payload = answer_all(paused->info, [&text](const llm_query& query) {
      return query_response{query.query_id, text, std::nullopt};
    });
    show(rt_.client().resume(id, std::move(payload)));
  }

  void watch(const std::string& id) {
    event_queue queue;
    auto sub = rt_.client().subscribe(id, [&queue](const session_event& e) { queue.push(e); });
    if (!sub) {
      std::cout << "error: " << describe(sub.error()) << '\n';
      return;
    }
    std::cout << "watching " << id << " (Ctrl-C stops)\n";
    take_interrupt();
    while (!take_interrupt()) {
      auto event = queue.pop(std::chrono::milliseconds{50});
      if (!event) continue;
      std::cout << to_json_text(to_json_value(*event)) << '\n';
      if (std::holds_alternative<closed_event>(event->body)) break;
    }
  }

  void await(const std::string& id) {
    take_interrupt();
    while (!take_interrupt()) {
      auto outcome = rt_.client().await(id, std::chrono::milliseconds{200});
      if (outcome) {
        print_outcome(*outcome, true);
        return;
      }
      if (outcome.error() != caf::sec::request_timeout) {
        std::cout << "error: " << describe(outcome.error()) << '\n';
        return;
      }
    }
    std::cout << "stopped waiting\n";
  }

  void background(const std::string& code) {
    if (code.empty()) {
      std::cout << "error: :bg needs code\n";
      return;
    }
    session_spec spec;
    spec.kind = run_spec{code};
    auto spawned = rt_.client().spawn(std::move(spec));
    if (spawned) {
      std::string error;
      if (fixed_) fixed_->take_session(spawned->id, error);  // a model answers it in the background
      if (!error.empty()) std::cout << "error: " << error << '\n';
      std::cout << spawned->id << '\n';
    } else {
      std::cout << "error: " << describe(spawned.error()) << '\n';
    }
  }

  void load(const std::string& path) {
    auto text = read_text_file(path);
    if (!text) {
      std::cout << "error: cannot read '" << path << "'\n";
      return;
    }
    run_spec_code(std::move(*text), false);
  }

  void advice(const std::string& rest) {
    const auto [strategy, task] = split_first_word(rest);
    if (strategy.empty()) {
      std::cout << "error: :advice needs a strategy name\n";
      return;
    }
    run(advice_session(strategy, task), false);
  }

  cli_runtime& rt_;
  model_flags model_;
  line_editor editor_;
  terminal_responder human_;
  std::unique_ptr<responder> fixed_;
};

}  // namespace

int run_repl(cli_runtime& rt, const repl_options& options) {
  repl_session session(rt, options);
  return session.loop(options.guided);
}

}  // namespace alc::cli
