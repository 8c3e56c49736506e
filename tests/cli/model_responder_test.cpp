// `--responder openai|anthropic|exec:CMD` on the command line: alc run,
// alc advice and the REPL answered by a fake model on 127.0.0.1, the
// endpoint from flags or a config file, the key from the environment only.
#include <cstdlib>

#include <catch2/catch.hpp>

#include "messages/json_codec.hpp"
#include "tests/actors/fake_http_server.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using namespace alc::test;
using Catch::Contains;
using nlohmann::json;
using server = fake_http_server;

namespace {

/// Answers `model <name> says: <prompt>` with fixed usage.
server::response model_answer(const server::request& request, server::exchange&) {
  const auto body = request.json();
  const std::string model = body.value("model", std::string("?"));
  const std::string prompt = body["messages"].back()["content"].get<std::string>();
  return server::json_response(
      {{"choices",
        {{{"message", {{"role", "assistant"}, {"content", model + " says: " + prompt}}}}}},
       {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 2}}}});
}

}  // namespace

TEST_CASE("alc run --responder openai answers with the model and reports its usage",
          "[cli][responder]") {
  server fake(model_answer);
  temp_dir dir;
  dir.write("ask.lua", "return {a = alc.llm('6 x 7?')}");
  const auto r =
      run_to_exit(alc_args(dir, {"run", (dir.path() / "ask.lua").string(), "--responder", "openai",
                                 "--base-url", fake.url() + "/v1", "--model", "tiny", "--events"}));
  CHECK(r.exit_code == 0);
  CHECK(stdout_json(r)["a"] == json("tiny says: 6 x 7?"));
  // The usage in the llm_call_end event is the server's, not an estimate.
  CHECK_THAT(r.err, Contains(R"("usage":{"completion_tokens":2,"prompt_tokens":10})"));
  REQUIRE(fake.requests().size() == 1);
  CHECK(fake.requests()[0].target == "/v1/chat/completions");
}

TEST_CASE("the API key comes from the named environment variable and is never printed",
          "[cli][responder]") {
  server fake(model_answer);
  temp_dir dir;
  dir.write("ask.lua", "return alc.llm('hi')");
  ::setenv("ALC_CLI_TEST_KEY", "sk-very-secret-value", 1);  // the child inherits it
  const auto r = run_to_exit(alc_args(
      dir, {"run", (dir.path() / "ask.lua").string(), "--responder", "openai", "--base-url",
            fake.url() + "/v1", "--api-key-env", "ALC_CLI_TEST_KEY", "--events", "--progress"}));
  ::unsetenv("ALC_CLI_TEST_KEY");
  CHECK(r.exit_code == 0);
  REQUIRE(fake.requests().size() == 1);
  CHECK(fake.requests()[0].header("authorization") == "Bearer sk-very-secret-value");
  CHECK(r.out.find("sk-very-secret") == std::string::npos);
  CHECK(r.err.find("sk-very-secret") == std::string::npos);
}

TEST_CASE("a responder config file gives the endpoint; flags override it", "[cli][responder]") {
  server fake(model_answer);
  temp_dir dir;
  dir.write("ask.lua", "return alc.llm('hi')");
  dir.write("model.toml", "provider = \"openai\"\nbase_url = \"" + fake.url() +
                              "/v1\"\nmodel = \"from-file\"\nretries = 0\n");
  const auto config = (dir.path() / "model.toml").string();
  const auto from_file = run_to_exit(
      alc_args(dir, {"run", (dir.path() / "ask.lua").string(), "--responder-config", config}));
  CHECK(from_file.exit_code == 0);
  CHECK(stdout_json(from_file) == json("from-file says: hi"));
  const auto overridden =
      run_to_exit(alc_args(dir, {"run", (dir.path() / "ask.lua").string(), "--responder-config",
                                 config, "--model", "from-flag"}));
  CHECK(stdout_json(overridden) == json("from-flag says: hi"));

  dir.write("bad.toml", "modle = \"typo\"\n");
  const auto bad =
      run_to_exit(alc_args(dir, {"run", (dir.path() / "ask.lua").string(), "--responder-config",
                                 (dir.path() / "bad.toml").string()}));
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Contains("bad.toml: unknown key 'modle'"));
}

TEST_CASE("--progress reports the requests on stderr and leaves stdout to the result",
          "[cli][responder]") {
  server fake(model_answer);
  temp_dir dir;
  dir.write("ask.lua", "return alc.llm('hi')");
  const auto r =
      run_to_exit(alc_args(dir, {"run", (dir.path() / "ask.lua").string(), "--responder", "openai",
                                 "--base-url", fake.url() + "/v1", "--progress"}));
  CHECK(r.exit_code == 0);
  CHECK(stdout_json(r) == json("? says: hi"));
  CHECK_THAT(r.err, Contains("llm: "));
  CHECK_THAT(r.err, Contains(" in flight"));
}

TEST_CASE("a failing endpoint fails the run with the endpoint and the status", "[cli][responder]") {
  server fake([](const server::request&, server::exchange&) {
    return server::json_response({{"error", {{"message", "model not loaded"}}}}, 404, "Not Found");
  });
  temp_dir dir;
  dir.write("ask.lua", "return alc.llm('hi')");
  const auto r = run_to_exit(alc_args(dir, {"run", (dir.path() / "ask.lua").string(), "--responder",
                                            "openai", "--base-url", fake.url() + "/v1"}));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("openai endpoint " + fake.url() +
                             "/v1: HTTP 404 Not Found: model not loaded"));
}

TEST_CASE("alc advice runs a package through --responder exec:CMD", "[cli][responder]") {
  temp_dir dir;
  const auto r = run_to_exit(alc_args(
      dir, {"advice", "cot", "--task", "why?", "--ctx", R"({"steps": 1})", "--package-path",
            ALC_EXAMPLE_PACKAGES, "--responder", "exec:cat >/dev/null; echo a thought"}));
  CHECK(r.exit_code == 0);
  CHECK(stdout_json(r) == json{{"answer", "a thought"}, {"steps", {"a thought"}}});
}

TEST_CASE("bad endpoint flags are usage errors", "[cli][responder]") {
  temp_dir dir;
  dir.write("ask.lua", "return 1");
  const auto script = (dir.path() / "ask.lua").string();
  const auto no_model = run_to_exit(alc_args(dir, {"run", script, "--responder", "anthropic"}));
  CHECK(no_model.exit_code == 2);
  CHECK_THAT(no_model.err, Contains("needs a model"));
  const auto timeout =
      run_to_exit(alc_args(dir, {"run", script, "--responder", "openai", "--timeout", "soon"}));
  CHECK(timeout.exit_code == 2);
  CHECK_THAT(timeout.err, Contains("--timeout: expected a positive duration"));
  const auto serve = run_to_exit({ALC_BINARY, "serve", "--stdio", "--responder", "echo"});
  CHECK(serve.exit_code == 2);
  CHECK_THAT(serve.err, Contains("serve --responder takes a model"));
}

TEST_CASE("the REPL's :responder switches to a model and back", "[cli][repl][responder]") {
  server fake(model_answer);
  temp_dir dir;
  pty_process repl({ALC_BINARY, "repl", "--quiet", "--history=" + (dir.path() / "h").string(),
                    "--state-dir=" + (dir.path() / "state").string(), "--base-url",
                    fake.url() + "/v1", "--model", "repl-model"});
  REQUIRE(repl.expect("alc> "));
  repl.type(":responder openai\n");
  REQUIRE(repl.expect("answered by openai endpoint " + fake.url() + "/v1"));
  REQUIRE(repl.expect("alc> "));
  repl.type("alc.llm('hello there')\n");
  REQUIRE(repl.expect("\"repl-model says: hello there\""));
  REQUIRE(repl.expect("alc> "));
  repl.type(":responder echo\n");
  REQUIRE(repl.expect("answered by echo"));
  REQUIRE(repl.expect("alc> "));
  repl.type("alc.llm('plain')\n");
  REQUIRE(repl.expect("\"plain\""));
  CHECK(fake.requests().size() == 1);
}
