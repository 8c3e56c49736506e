// The exec provider: one child process per prompt, the query as JSON on
// stdin, the answer on stdout; bounded by the timeout, killed on cancel.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>

#include "alc/llm_responder.hpp"
#include "tests/actors/runtime_test_support.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using namespace alc::test;
using Catch::Contains;
using nlohmann::json;

namespace {

llm_responder start_exec(test_runtime& rt, std::string command,
                         std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
  llm_endpoint endpoint;
  endpoint.provider = llm_provider::exec;
  endpoint.command = std::move(command);
  endpoint.timeout = timeout;
  endpoint.retries = 0;
  auto responder = llm_responder::start(rt.system(), rt.runtime().registry(), endpoint);
  INFO("start failed: " << (responder ? "" : describe(responder.error())));
  REQUIRE(responder);
  return std::move(*responder);
}

terminal_outcome run_through(test_runtime& rt, const llm_responder& responder, std::string code) {
  const auto id = spawn_ok(rt.client(), std::move(code));
  REQUIRE_FALSE(responder.watch(id));
  auto outcome = rt.client().await(id, std::chrono::seconds{20});
  REQUIRE(outcome);
  return *outcome;
}

json done_value(const terminal_outcome& outcome) {
  INFO("outcome: " << wire_text(outcome));
  REQUIRE(std::holds_alternative<done_state>(outcome));
  return std::get<done_state>(outcome).value;
}

}  // namespace

TEST_CASE("exec: each prompt's JSON goes to the command's stdin, its stdout is the answer",
          "[exec_responder]") {
  test_runtime rt;
  temp_dir dir;
  const auto seen = (dir.path() / "seen.jsonl").string();
  // Keeps what it read and answers with the prompt, upper-cased.
  auto responder = start_exec(
      rt, "tee -a '" + seen + "' | sed -n 's/.*\"prompt\":\"\\([^\"]*\\)\".*/\\1/p' | tr a-z A-Z");
  const auto value = done_value(run_through(
      rt, responder, "return alc.llm_batch({{prompt = 'one', system = 's'}, {prompt = 'two'}})"));
  CHECK(value == json::array({"ONE", "TWO"}));
  std::ifstream lines(seen);
  std::string line;
  std::vector<json> inputs;
  while (std::getline(lines, line)) inputs.push_back(json::parse(line));
  REQUIRE(inputs.size() == 2);
  for (const auto& input : inputs) {
    CHECK(input.contains("query_id"));
    CHECK(input["max_tokens"] == 1024);
  }
}

TEST_CASE("exec: a JSON answer with usage is read as one", "[exec_responder]") {
  test_runtime rt;
  auto responder =
      start_exec(rt,
                 "cat >/dev/null; echo '{\"response\": \"done\", \"usage\": {\"prompt_tokens\": 5, "
                 "\"completion_tokens\": 2}}'");
  const auto outcome = run_through(rt, responder, "return alc.llm('q')");
  CHECK(done_value(outcome) == json("done"));
  CHECK(std::get<done_state>(outcome).usage == token_usage{5, 2});
}

TEST_CASE("exec: a failing command is an error with its status and stderr", "[exec_responder]") {
  test_runtime rt;
  auto responder = start_exec(rt, "echo 'no model here' >&2; exit 3");
  const auto value = done_value(
      run_through(rt, responder, "local ok, err = pcall(alc.llm, 'q') return {ok, err}"));
  CHECK(value[1] == json("alc.llm: exec endpoint 'echo 'no model here' >&2; exit 3': exited with "
                         "status 3: no model here"));
}

TEST_CASE("exec: a command past its timeout is killed and the prompt fails",
          "[exec_responder][timeout]") {
  test_runtime rt;
  auto responder = start_exec(rt, "exec sleep 30", std::chrono::milliseconds{200});
  const auto value = done_value(
      run_through(rt, responder, "local ok, err = pcall(alc.llm, 'q') return {ok, err}"));
  CHECK(value[0] == json(false));
  CHECK_THAT(value[1].get<std::string>(),
             Contains("timed out after 200 ms (the process was killed)"));
}

TEST_CASE("exec: cancelling the session kills its process", "[exec_responder][cancel]") {
  test_runtime rt;
  temp_dir dir;
  const auto fifo = (dir.path() / "pid").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The child tells us its pid through the FIFO, then waits for a long time.
  auto responder = start_exec(rt, "echo $$ > '" + fifo + "'; exec sleep 30");
  const auto id = spawn_ok(rt.client(), "return alc.llm('q')");
  REQUIRE_FALSE(responder.watch(id));
  std::ifstream pid_in(fifo);  // blocks until the child has opened it
  pid_t pid = 0;
  pid_in >> pid;
  REQUIRE(pid > 0);
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  REQUIRE(pidfd >= 0);
  REQUIRE_FALSE(rt.client().cancel(id, cancel_reason{cancel_code::user, "stop", 0}));
  pollfd exited{pidfd, POLLIN, 0};
  CHECK(::poll(&exited, 1, 10000) == 1);  // readable once the process has ended
  ::close(pidfd);
  const auto stats = responder.stats();
  REQUIRE(stats);
  CHECK(stats->aborted == 1);
}
