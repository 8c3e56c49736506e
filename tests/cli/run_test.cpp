#include <catch2/catch.hpp>

#include "messages/json_codec.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

TEST_CASE("alc run prints the result and exits 0 when done", "[cli][run]") {
  temp_dir dir;
  dir.write("hello.lua", "local a = alc.llm('Say hi to ' .. ctx.name) return {said = a}");
  const auto r = run_to_exit(
      alc_args(dir, {"run", (dir.path() / "hello.lua").string(), "--ctx", R"({"name": "Ada"})"}));
  CHECK(r.exit_code == 0);
  CHECK(stdout_json(r) ==
        json({{"said", "Say hi to Ada"}}));  // echo: the default without a terminal
}

TEST_CASE("alc run exits 1 for a failed script and 3 for a cancelled one", "[cli][run]") {
  temp_dir dir;
  dir.write("fail.lua", "\nerror('broken on purpose')");
  const auto failed = run_to_exit(alc_args(dir, {"run", (dir.path() / "fail.lua").string()}));
  CHECK(failed.exit_code == 1);
  CHECK(stdout_json(failed)["state"] == json("failed"));
  // Named after the file, as lua5.4 names it.
  const std::string fail_path = (dir.path() / "fail.lua").string();
  CHECK_THAT(failed.err,
             Catch::StartsWith("alc: lua_error: " + fail_path + ":2: broken on purpose"));
  CHECK_THAT(stdout_json(failed)["message"].get<std::string>(),
             Catch::Contains(fail_path + ":2: in main chunk"));

  // The kind once, even when the message starts with it.
  dir.write("hog.lua", "local t = {} for i = 1, 1e7 do t[i] = i end");
  const auto hog = run_to_exit(
      alc_args(dir, {"run", (dir.path() / "hog.lua").string(), "--memory-limit", "1048576"}));
  CHECK(hog.exit_code == 1);
  CHECK_THAT(hog.err, Catch::StartsWith("alc: memory_limit: the script exceeded"));

  dir.write("two.lua", "return alc.llm('one') .. alc.llm('two')");
  dir.write("answers.jsonl",
            R"({"response": "only one", "usage": {"prompt_tokens": 3, "completion_tokens": 2}})"
            "\n");
  const auto cancelled =
      run_to_exit(alc_args(dir, {"run", (dir.path() / "two.lua").string(), "--responder",
                                 "script:" + (dir.path() / "answers.jsonl").string()}));
  CHECK(cancelled.exit_code == 3);
  CHECK(stdout_json(cancelled)["state"] == json("cancelled"));
  CHECK_THAT(cancelled.err, Catch::Contains("ran out of answers"));
}

TEST_CASE("alc run answers from a script file and streams events with --events", "[cli][run]") {
  temp_dir dir;
  dir.write("two.lua", "return alc.llm('one') .. '+' .. alc.llm('two')");
  dir.write("answers.jsonl",
            "{\"response\": \"A\", \"usage\": {\"prompt_tokens\": 10, \"completion_tokens\": 5}}\n"
            "{\"response\": \"B\"}\n");
  const auto r = run_to_exit(
      alc_args(dir, {"run", (dir.path() / "two.lua").string(), "--events", "--responder",
                     "script:" + (dir.path() / "answers.jsonl").string()}));
  CHECK(r.exit_code == 0);
  CHECK(stdout_json(r) == json("A+B"));
  std::size_t events = 0;
  std::size_t pauses = 0;
  std::istringstream lines(r.err);
  std::string line;
  while (std::getline(lines, line)) {
    auto event = parse_json_text(line);
    REQUIRE(event);
    ++events;
    if (event.value()["kind"] == "pause_requested") ++pauses;
  }
  CHECK(pauses == 2);
  CHECK(events >= 10);
  CHECK_THAT(r.err, Catch::Contains(R"("usage":{"completion_tokens":5,"prompt_tokens":10})"));
}

TEST_CASE("alc advice runs an installed strategy", "[cli][run]") {
  temp_dir dir;
  const auto r = run_to_exit(
      alc_args(dir, {"advice", "sc_vote", "--task", "2+2?", "--ctx", R"({"samples": 3})",
                     "--responder", "echo", "--package-path", ALC_EXAMPLE_PACKAGES}));
  CHECK(r.exit_code == 0);
  const auto value = stdout_json(r);
  CHECK(value["total"] == json(3));
}

TEST_CASE("usage errors exit 2 with one clear line", "[cli][run]") {
  temp_dir dir;
  CHECK(run_to_exit(alc_args(dir, {"run", "/nonexistent.lua"})).exit_code == 2);
  dir.write("ok.lua", "return 1");
  const auto bad_ctx =
      run_to_exit(alc_args(dir, {"run", (dir.path() / "ok.lua").string(), "--ctx", "[1"}));
  CHECK(bad_ctx.exit_code == 2);
  CHECK_THAT(bad_ctx.err, Catch::Contains("--ctx"));
  const auto bad_mode = run_to_exit(
      alc_args(dir, {"run", (dir.path() / "ok.lua").string(), "--responder", "oracle"}));
  CHECK(bad_mode.exit_code == 2);
  CHECK_THAT(bad_mode.err, Catch::Contains("unknown responder mode 'oracle'"));
  CHECK(run_to_exit({ALC_BINARY, "frobnicate"}).exit_code == 2);
}
