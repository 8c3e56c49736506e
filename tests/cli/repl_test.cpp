#include <thread>

#include <catch2/catch.hpp>

#include "tests/cli/child_process.hpp"
#include "tests/temp_dir.hpp"

using namespace alc::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> repl_args(const temp_dir& dir) {
  return {ALC_BINARY,
          "repl",
          "--quiet",
          "--history=" + (dir.path() / "history").string(),
          "--state-dir=" + (dir.path() / "state").string(),
          "--package-path=" ALC_EXAMPLE_PACKAGES};
}

}  // namespace

TEST_CASE("the REPL evaluates Lua, asks the person for LLM answers, and goes on after errors",
          "[cli][repl]") {
  temp_dir dir;
  pty_process repl(repl_args(dir));
  REQUIRE(repl.expect("alc> "));
  repl.type("1 + 2\n");
  REQUIRE(repl.expect("3"));
  REQUIRE(repl.expect("alc> "));

  repl.type("alc.llm('Name a colour', {system = 'one word'})\n");
  REQUIRE(repl.expect("Name a colour"));
  REQUIRE(repl.expect("system: one word"));
  REQUIRE(repl.expect("... "));
  repl.type("deep\n");
  repl.type("blue\n.\n");
  REQUIRE(repl.expect("\"deep\\nblue\""));

  repl.type("return {\n");
  REQUIRE(repl.expect("  >> "));
  repl.type("1, 2}\n");
  REQUIRE(repl.expect("1,"));
  REQUIRE(repl.expect("alc> "));

  repl.type("error('oops')\n");
  REQUIRE(repl.expect("error: lua_error: script:1: oops"));
  repl.type(":nonsense\n");
  REQUIRE(repl.expect("unknown command :nonsense"));
  repl.type("x = = 1\n");
  REQUIRE(repl.expect("syntax error"));
  repl.type(":help\n");
  REQUIRE(repl.expect(":advice NAME TASK"));
  repl.type("alc.log.info('hello log') return 7\n");
  REQUIRE(repl.expect("[info] hello log"));
  REQUIRE(repl.expect("7"));
  REQUIRE(repl.expect("alc> "));
  repl.type_to_editor("\x04");  // Ctrl-D
  CHECK(repl.wait_exit() == 0);
}

TEST_CASE("Ctrl-C cancels a spinning script and the REPL answers the next input", "[cli][repl]") {
  temp_dir dir;
  pty_process repl(repl_args(dir));
  REQUIRE(repl.expect("alc> "));
  repl.type("while true do end\n");
  std::this_thread::sleep_for(300ms);
  repl.type("\x03");  // Ctrl-C
  REQUIRE(repl.expect("cancelled (user): interrupted (Ctrl-C)"));
  REQUIRE(repl.expect("alc> "));
  repl.type("6 * 7\n");
  REQUIRE(repl.expect("42"));
  repl.type(":quit\n");
  CHECK(repl.wait_exit() == 0);
}

TEST_CASE("history survives a restart", "[cli][repl]") {
  temp_dir dir;
  {
    pty_process first(repl_args(dir));
    REQUIRE(first.expect("alc> "));
    first.type("'remember me'\n");
    REQUIRE(first.expect("\"remember me\""));
    REQUIRE(first.expect("alc> "));
    first.type_to_editor("\x04");  // Ctrl-D (a :quit would be the newest history entry)
    REQUIRE(first.wait_exit() == 0);
  }
  pty_process second(repl_args(dir));
  REQUIRE(second.expect("alc> "));
  second.type_to_editor("\x1b[A");  // up arrow: the last entry of the previous run
  REQUIRE(second.expect("'remember me'"));
  second.type("\n");
  REQUIRE(second.expect("\"remember me\""));
}

TEST_CASE("REPL commands drive background sessions", "[cli][repl]") {
  temp_dir dir;
  pty_process repl(repl_args(dir));
  REQUIRE(repl.expect("alc> "));
  repl.type(":bg return alc.llm('background question')\n");
  REQUIRE(repl.expect("ses-"));
  REQUIRE(repl.expect("alc> "));
  // The background session pauses in its own time: list until it shows.
  bool paused = false;
  for (int attempt = 0; attempt < 100 && !paused; ++attempt) {
    const auto before = repl.output().size();
    repl.type(":sessions\n");
    REQUIRE(repl.expect("alc> "));
    paused = repl.output().find("paused", before) != std::string::npos;
  }
  REQUIRE(paused);
  repl.type(":resume ses- the answer\n");
  REQUIRE(repl.expect("continued"));
  REQUIRE(repl.expect("alc> "));
  repl.type(":await ses-\n");
  REQUIRE(repl.expect("\"the answer\""));
  REQUIRE(repl.expect("alc> "));
  repl.type(":responder echo\n");
  REQUIRE(repl.expect("answered by echo"));
  REQUIRE(repl.expect("alc> "));
  repl.type(":advice sc_vote 2+2?\n");
  REQUIRE(repl.expect("\"total\": 5"));
  REQUIRE(repl.expect("alc> "));
  repl.type_to_editor(":adv\t");  // Tab completes to :advice ...
  repl.type("\n");                // ... which, run bare, asks for its strategy
  REQUIRE(repl.expect(":advice needs a strategy name"));
}
