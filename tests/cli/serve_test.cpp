// `alc serve --stdio` driven as a real child process, through every op of
// docs/protocol.md and through malformed input.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/actors/fake_http_server.hpp"
#include "tests/temp_dir.hpp"

extern char** environ;

namespace {

using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

// Generous: a loaded CI machine may be slow, and nothing here waits on purpose.
constexpr auto wait_limit = std::chrono::seconds{15};

const std::string pausing_script = "local a = alc.llm('What is 6 x 7?')\nreturn 'answer: ' .. a";

json run_spec(const std::string& code) {
  return {{"kind", {{"kind", "run"}, {"code", code}}}, {"ctx", json::object()}};
}

/// The server as a child process with a pipe on each of stdin and stdout;
/// its stderr is the test's, so diagnostics stay visible.
class serve_client {
 public:
  explicit serve_client(const std::string& state_dir, std::vector<std::string> extra = {}) {
    ::signal(SIGPIPE, SIG_IGN);  // a dead server must fail a check, not kill the test
    int to_child[2];
    int from_child[2];
    REQUIRE(::pipe2(to_child, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(from_child, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
    ::posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    std::vector<std::string> args = {ALC_BINARY, "serve", "--stdio", "--state-dir", state_dir};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int spawned = ::posix_spawn(&pid_, ALC_BINARY, &actions, nullptr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    to_server_ = to_child[1];
    from_server_ = from_child[0];
    REQUIRE(spawned == 0);
  }

  ~serve_client() {
    close_input();
    if (pid_ > 0 && !wait_exit(std::chrono::seconds{10})) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(from_server_);
  }

  serve_client(const serve_client&) = delete;
  serve_client& operator=(const serve_client&) = delete;

  void send_line(std::string line) {
    line += '\n';
    std::size_t written = 0;
    while (written < line.size()) {
      const auto n = ::write(to_server_, line.data() + written, line.size() - written);
      REQUIRE(n > 0);
      written += static_cast<std::size_t>(n);
    }
  }

  void send(const json& request) { send_line(request.dump()); }

  /// Sends a request and returns the response line with its id.
  json call(const json& request) {
    send(request);
    return response(request.at("id"));
  }

  json response(const json& id) {
    auto line = take([&](const json& l) { return l.contains("id") && l["id"] == id; });
    REQUIRE(line);
    return *line;
  }

  json event(const std::string& session_id, const std::string& kind) {
    auto line = take([&](const json& l) {
      return l.contains("event") && l.value("session_id", "") == session_id &&
             l["event"].value("kind", "") == kind;
    });
    REQUIRE(line);
    return *line;
  }

  /// The first unread line matching `match`, waiting at most `limit`.
  std::optional<json> take(const std::function<bool(const json&)>& match,
                           clock_type::duration limit = wait_limit) {
    const auto deadline = clock_type::now() + limit;
    for (;;) {
      for (auto it = unread_.begin(); it != unread_.end(); ++it) {
        if (match(*it)) {
          json line = std::move(*it);
          unread_.erase(it);
          return line;
        }
      }
      if (!read_more(deadline)) return std::nullopt;
    }
  }

  /// Every line received so far, in order (consumed or not).
  const std::vector<json>& transcript() const { return transcript_; }

  void close_input() {
    if (to_server_ >= 0) ::close(to_server_);
    to_server_ = -1;
  }

  /// Reads on until the server exits; its status, or nullopt after `limit`.
  std::optional<int> wait_exit(clock_type::duration limit) {
    const auto deadline = clock_type::now() + limit;
    while (clock_type::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        while (read_more(clock_type::now())) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      read_more(std::min(deadline, clock_type::now() + std::chrono::milliseconds{50}));
    }
    return std::nullopt;
  }

 private:
  /// Reads what is available by `deadline`; false if no new line arrived.
  bool read_more(clock_type::time_point deadline) {
    const std::size_t before = transcript_.size();
    while (transcript_.size() == before) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
      pollfd fd{from_server_, POLLIN, 0};
      if (::poll(&fd, 1, static_cast<int>(std::max<int64_t>(left.count(), 0))) <= 0) break;
      char chunk[4096];
      const auto n = ::read(from_server_, chunk, sizeof chunk);
      if (n <= 0) break;
      buffer_.append(chunk, static_cast<std::size_t>(n));
      split_lines();
    }
    return transcript_.size() > before;
  }

  void split_lines() {
    for (auto end = buffer_.find('\n'); end != std::string::npos; end = buffer_.find('\n')) {
      const std::string text = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      auto line = json::parse(text, nullptr, false);
      INFO("stdout carries only protocol lines: " << text);
      REQUIRE(line.is_object());
      transcript_.push_back(line);
      unread_.push_back(std::move(line));
    }
  }

  pid_t pid_ = -1;
  int to_server_ = -1;
  int from_server_ = -1;
  std::string buffer_;
  std::deque<json> unread_;
  std::vector<json> transcript_;
};

/// A server with its own state directory.
struct fixture {
  alc::test::temp_dir dir;
  serve_client server{dir.path().string()};

  /// Spawns `code` and returns the new session's id.
  std::string spawn(const std::string& code, bool subscribe = false, int id = 900) {
    auto answer = server.call(
        {{"id", id}, {"op", "spawn"}, {"spec", run_spec(code)}, {"subscribe", subscribe}});
    INFO(answer.dump());
    REQUIRE(answer.contains("ok"));
    return answer["ok"]["session_id"].get<std::string>();
  }

  /// Waits until the session is paused and returns its state.
  json paused_state(const std::string& session_id) {
    const auto deadline = clock_type::now() + wait_limit;
    for (int id = 10000; clock_type::now() < deadline; ++id) {
      auto answer = server.call({{"id", id}, {"op", "state"}, {"session_id", session_id}});
      REQUIRE(answer.contains("ok"));
      if (answer["ok"]["state"] == "paused") return answer["ok"];
    }
    FAIL("session " << session_id << " never paused");
    return nullptr;
  }

  json single_answer(const std::string& query_id, const std::string& text) {
    return {{"payload_kind", "single"}, {"query_id", query_id}, {"response", text}};
  }
};

std::size_t position_of(const std::vector<json>& lines, const std::function<bool(const json&)>& f) {
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (f(lines[i])) return i;
  return lines.size();
}

/// The `>`/`<` lines of the first code block after `heading` in docs/protocol.md.
std::vector<std::string> documented_lines(const std::string& heading) {
  std::ifstream file(std::string(ALC_DOCS_DIR) + "/protocol.md");
  REQUIRE(file);
  std::vector<std::string> lines;
  std::string line;
  bool found = false;
  bool inside = false;
  while (std::getline(file, line)) {
    if (!found) {
      found = line == heading;
    } else if (!inside) {
      inside = line.rfind("```", 0) == 0;
    } else if (line == "```") {
      break;
    } else if (line.rfind("> ", 0) == 0 || line.rfind("< ", 0) == 0) {
      lines.push_back(line);
    }
  }
  return lines;
}

/// Timestamps and session ids differ from run to run; the rest must not.
json normalised(json value) {
  static const std::regex session_id{"ses-[0-9a-f]{32}"};
  if (value.is_object()) {
    for (auto& [key, item] : value.items()) {
      const bool timestamp =
          key == "at" || (key.size() > 3 && key.compare(key.size() - 3, 3, "_at") == 0);
      item = timestamp && item.is_number() ? json(0) : normalised(item);
    }
  } else if (value.is_array()) {
    for (auto& item : value) item = normalised(item);
  } else if (value.is_string()) {
    return std::regex_replace(value.get<std::string>(), session_id, "ses-*");
  }
  return value;
}

}  // namespace

TEST_CASE("the worked example of docs/protocol.md replays against the binary", "[cli][serve]") {
  const auto lines = documented_lines("## Worked example");
  REQUIRE(lines.size() >= 10);
  fixture f;
  std::map<std::string, std::string> real_ids;  // documented session id -> this run's
  std::size_t expected_lines = 0;
  for (const auto& line : lines) {
    std::string text = line.substr(2);
    INFO(line);
    if (line[0] == '>') {
      for (const auto& [documented, real] : real_ids) {
        for (auto at = text.find(documented); at != std::string::npos; at = text.find(documented))
          text.replace(at, documented.size(), real);
      }
      f.server.send_line(text);
      continue;
    }
    ++expected_lines;
    const json expected = json::parse(text);
    auto received =
        f.server.take([&](const json& l) { return normalised(l) == normalised(expected); });
    REQUIRE(received);
    if (expected.contains("ok") && expected["ok"].is_object() &&
        expected["ok"].contains("session_id")) {
      real_ids[expected["ok"]["session_id"]] = (*received)["ok"]["session_id"];
    }
  }
  f.server.close_input();
  CHECK(f.server.wait_exit(wait_limit) == 0);
  CHECK(f.server.transcript().size() == expected_lines);
}

TEST_CASE("serve answers state, resume, await, list and stats", "[cli][serve]") {
  fixture f;
  const auto id = f.spawn(pausing_script);
  CHECK(id.rfind("ses-", 0) == 0);

  const json paused = f.paused_state(id);
  REQUIRE(paused["prompts"].size() == 1);
  CHECK(paused["kind"] == "single");
  CHECK(paused["prompts"][0]["prompt"] == "What is 6 x 7?");
  const std::string query_id = paused["prompts"][0]["query_id"];

  auto list = f.server.call({{"id", 1}, {"op", "list"}});
  REQUIRE(list["ok"].is_array());
  CHECK(position_of(list["ok"].get<std::vector<json>>(),
                    [&](const json& s) { return s["id"] == id; }) < list["ok"].size());

  auto stats = f.server.call({{"id", 2}, {"op", "stats"}});
  CHECK(stats["ok"]["live"] == 1);
  CHECK(stats["ok"]["spawned"] == 1);

  auto resumed = f.server.call({{"id", 3},
                                {"op", "resume"},
                                {"session_id", id},
                                {"payload", f.single_answer(query_id, "42")}});
  CHECK(resumed["ok"] == json{{"status", "continued"}});

  auto done = f.server.call({{"id", 4}, {"op", "await"}, {"session_id", id}});
  CHECK(done["ok"]["state"] == "done");
  CHECK(done["ok"]["value"] == "answer: 42");

  // Cancelling a finished session is fine and changes nothing.
  auto cancel = f.server.call({{"id", 5}, {"op", "cancel"}, {"session_id", id}});
  CHECK(cancel["ok"] == true);
  auto state = f.server.call({{"id", 6}, {"op", "state"}, {"session_id", id}});
  CHECK(state["ok"]["state"] == "done");

  f.server.close_input();
  CHECK(f.server.wait_exit(wait_limit) == 0);
}

TEST_CASE("serve cancels with the caller's reason", "[cli][serve]") {
  fixture f;
  const auto id = f.spawn(pausing_script);
  f.paused_state(id);
  auto cancel = f.server.call({{"id", "c-1"},
                               {"op", "cancel"},
                               {"session_id", id},
                               {"reason", {{"code", "timeout"}, {"detail", "too slow"}}}});
  CHECK(cancel == json{{"id", "c-1"}, {"ok", true}});  // string ids come back as they were
  auto outcome = f.server.call({{"id", "c-2"}, {"op", "await"}, {"session_id", id}});
  CHECK(outcome["ok"]["state"] == "cancelled");
  CHECK(outcome["ok"]["reason"]["code"] == "timeout");
  CHECK(outcome["ok"]["reason"]["detail"] == "too slow");
  CHECK(outcome["ok"]["state_before"]["state"] == "paused");

  const auto other = f.spawn(pausing_script, false, 901);
  f.server.call({{"id", 7}, {"op", "cancel"}, {"session_id", other}});
  auto defaulted = f.server.call({{"id", 8}, {"op", "await"}, {"session_id", other}});
  CHECK(defaulted["ok"]["reason"]["code"] == "user");
  // A reason without detail (or with a null one) is recorded as null, not "".
  for (const json& reason : {json{{"code", "user"}}, json{{"code", "user"}, {"detail", nullptr}}}) {
    const auto quiet = f.spawn(pausing_script, false, 902);
    f.server.call({{"id", 9}, {"op", "cancel"}, {"session_id", quiet}, {"reason", reason}});
    auto recorded = f.server.call({{"id", 10}, {"op", "await"}, {"session_id", quiet}});
    CHECK(recorded["ok"]["reason"]["detail"].is_null());
  }
}

TEST_CASE("serve runs an llm round trip through events", "[cli][serve]") {
  fixture f;
  const auto id = f.spawn(pausing_script, true);
  auto pause = f.server.event(id, "pause_requested");
  const auto& prompts = pause["event"]["info"]["prompts"];
  REQUIRE(prompts.size() == 1);
  const std::string query_id = prompts[0]["query_id"];

  auto resumed = f.server.call({{"id", 1},
                                {"op", "resume"},
                                {"session_id", id},
                                {"payload", f.single_answer(query_id, "42")}});
  CHECK(resumed["ok"]["status"] == "continued");
  f.server.event(id, "resume_accepted");
  f.server.event(id, "closed");
  auto done = f.server.call({{"id", 2}, {"op", "await"}, {"session_id", id}});
  CHECK(done["ok"]["value"] == "answer: 42");

  // The spawn response comes before any event of the session it names.
  const auto& lines = f.server.transcript();
  const auto spawn_at = position_of(lines, [](const json& l) { return l.value("id", 0) == 900; });
  const auto first_event_at = position_of(
      lines, [&](const json& l) { return l.contains("event") && l["session_id"] == id; });
  CHECK(spawn_at < first_event_at);
  CHECK(lines[first_event_at]["event"]["kind"] == "snapshot");
}

TEST_CASE("serve subscribes and unsubscribes", "[cli][serve]") {
  fixture f;
  const auto id = f.spawn(pausing_script);
  f.paused_state(id);

  auto subscribed = f.server.call({{"id", 1}, {"op", "subscribe"}, {"session_id", id}});
  CHECK(subscribed["ok"] == true);
  auto snapshot = f.server.event(id, "snapshot");
  CHECK(snapshot["event"]["state"]["state"] == "paused");
  const auto& lines = f.server.transcript();
  CHECK(position_of(lines, [](const json& l) { return l.value("id", 0) == 1; }) <
        position_of(lines, [](const json& l) { return l.contains("event"); }));

  auto unsubscribed = f.server.call({{"id", 2}, {"op", "unsubscribe"}, {"session_id", id}});
  CHECK(unsubscribed["ok"] == true);
  f.server.call({{"id", 3}, {"op", "cancel"}, {"session_id", id}});
  f.server.call({{"id", 4}, {"op", "await"}, {"session_id", id}});
  f.server.close_input();
  REQUIRE(f.server.wait_exit(wait_limit) == 0);
  // Unsubscribed before the end: no closed event.
  CHECK(position_of(lines, [](const json& l) {
          return l.contains("event") && l["event"]["kind"] == "closed";
        }) == lines.size());
}

TEST_CASE("serve reports verb errors with alc codes", "[cli][serve]") {
  fixture f;
  const std::string missing = "ses-00000000000000000000000000000000";
  int next_id = 1;
  for (const std::string op : {"state", "cancel", "subscribe", "unsubscribe", "await"}) {
    auto answer = f.server.call({{"id", next_id++}, {"op", op}, {"session_id", missing}});
    INFO(op << ": " << answer.dump());
    CHECK(answer["error"]["code"] == "not_found");
    CHECK_FALSE(answer["error"]["message"].get<std::string>().empty());
  }
  auto resume = f.server.call({{"id", next_id++},
                               {"op", "resume"},
                               {"session_id", missing},
                               {"payload", f.single_answer("q-0", "x")}});
  CHECK(resume["error"]["code"] == "not_found");

  auto empty_code = f.server.call({{"id", next_id++}, {"op", "spawn"}, {"spec", run_spec("")}});
  CHECK(empty_code["error"]["code"] == "invalid_spec");
  // A kind this runtime does not run, or a ctx that is no object: invalid_spec, as the original.
  auto unknown_kind =
      f.server.call({{"id", next_id++}, {"op", "spawn"}, {"spec", {{"kind", {{"kind", "fly"}}}}}});
  CHECK(unknown_kind["error"]["code"] == "invalid_spec");
  CHECK(unknown_kind["error"]["message"].get<std::string>().find("'fly'") != std::string::npos);
  json array_ctx = run_spec("return 1");
  array_ctx["ctx"] = json::array({1});
  auto bad_ctx = f.server.call({{"id", next_id++}, {"op", "spawn"}, {"spec", array_ctx}});
  CHECK(bad_ctx["error"]["code"] == "invalid_spec");

  const auto id = f.spawn(pausing_script);
  const json paused = f.paused_state(id);
  const std::string query_id = paused["prompts"][0]["query_id"];
  json batch = {{"payload_kind", "batch"},
                {"responses", {{{"query_id", query_id}, {"response", "42"}}}}};
  auto mismatch =
      f.server.call({{"id", next_id++}, {"op", "resume"}, {"session_id", id}, {"payload", batch}});
  CHECK(mismatch["error"]["code"] == "payload_kind_mismatch");
  auto unknown_query = f.server.call({{"id", next_id++},
                                      {"op", "resume"},
                                      {"session_id", id},
                                      {"payload", f.single_answer("q-999", "42")}});
  CHECK(unknown_query["error"]["code"] == "unknown_query");

  f.server.call({{"id", next_id++}, {"op", "cancel"}, {"session_id", id}});
  auto late = f.server.call({{"id", next_id++},
                             {"op", "resume"},
                             {"session_id", id},
                             {"payload", f.single_answer(query_id, "42")}});
  CHECK(late["error"]["code"] == "already_cancelled");

  const auto finished = f.spawn("return 1", false, 901);
  f.server.call({{"id", next_id++}, {"op", "await"}, {"session_id", finished}});
  auto not_paused = f.server.call({{"id", next_id++},
                                   {"op", "resume"},
                                   {"session_id", finished},
                                   {"payload", f.single_answer("q-0", "42")}});
  CHECK(not_paused["error"]["code"] == "not_paused");
  CHECK(not_paused["error"]["actual"] == "done");
}

TEST_CASE("serve answers malformed lines with bad_request and goes on", "[cli][serve]") {
  fixture f;
  struct bad_line {
    std::string text;
    json id;
  };
  const std::vector<bad_line> bad = {
      {"this is not json", nullptr},
      {"{\"id\": 1, \"op\": ", nullptr},
      {"[1, 2, 3]", nullptr},
      {"{\"op\": \"list\"}", nullptr},
      {"{\"id\": 1.5, \"op\": \"list\"}", nullptr},
      {"{\"id\": {\"a\": 1}, \"op\": \"list\"}", nullptr},
      {"{\"id\": 2}", 2},
      {"{\"id\": 3, \"op\": 7}", 3},
      {"{\"id\": 4, \"op\": \"launch\"}", 4},
      {"{\"id\": 5, \"op\": \"state\"}", 5},
      {"{\"id\": 6, \"op\": \"state\", \"session_id\": 12}", 6},
      {"{\"id\": 7, \"op\": \"spawn\"}", 7},
      {"{\"id\": 8, \"op\": \"spawn\", \"spec\": {\"kind\": {\"code\": \"x\"}}}", 8},
      {"{\"id\": 9, \"op\": \"spawn\", \"spec\": " + run_spec("return 1").dump() +
           ", \"subscribe\": \"yes\"}",
       9},
      {"{\"id\": 10, \"op\": \"resume\", \"session_id\": \"ses-x\"}", 10},
      {"{\"id\": 11, \"op\": \"resume\", \"session_id\": \"ses-x\", \"payload\": "
       "{\"payload_kind\": \"triple\"}}",
       11},
      {"{\"id\": 12, \"op\": \"cancel\", \"session_id\": \"ses-x\", \"reason\": "
       "{\"code\": \"bored\"}}",
       12},
      // Too deep to read, yet answered by its id.
      {"{\"id\": 13, \"op\": \"list\", \"x\": " + std::string(400, '[') + std::string(400, ']') +
           "}",
       13},
      {"{\"op\": \"list\", \"x\": " + std::string(400, '[') + std::string(400, ']') + "}", nullptr},
  };
  for (const auto& line : bad) {
    f.server.send_line(line.text);
    auto answer = f.server.take([](const json& l) { return l.contains("error"); });
    INFO(line.text);
    REQUIRE(answer);
    INFO(answer->dump());
    CHECK(answer->at("id") == line.id);
    CHECK(answer->at("error")["code"] == "bad_request");
    CHECK_FALSE(answer->at("error")["message"].get<std::string>().empty());
  }
  f.server.send_line("");  // blank lines ask nothing

  auto stats = f.server.call({{"id", 100}, {"op", "stats"}});
  CHECK(stats["ok"]["spawned"] == 0);
  const auto id = f.spawn("return 6 * 7");
  auto done = f.server.call({{"id", 101}, {"op", "await"}, {"session_id", id}});
  CHECK(done["ok"]["value"] == 42);
  CHECK(f.server.transcript().size() == bad.size() + 3);
}

TEST_CASE("serve keeps answering while an await waits", "[cli][serve]") {
  fixture f;
  const auto id = f.spawn(pausing_script);
  const json paused = f.paused_state(id);
  f.server.send({{"id", 1}, {"op", "await"}, {"session_id", id}});
  auto state = f.server.call({{"id", 2}, {"op", "state"}, {"session_id", id}});
  CHECK(state["ok"]["state"] == "paused");
  auto stats = f.server.call({{"id", 3}, {"op", "stats"}});
  CHECK(stats.contains("ok"));
  // The await is still open: nothing answered id 1 yet.
  CHECK(position_of(f.server.transcript(), [](const json& l) { return l.value("id", 0) == 1; }) ==
        f.server.transcript().size());

  const std::string query_id = paused["prompts"][0]["query_id"];
  f.server.call({{"id", 4},
                 {"op", "resume"},
                 {"session_id", id},
                 {"payload", f.single_answer(query_id, "7")}});
  auto done = f.server.response(1);
  CHECK(done["ok"]["value"] == "answer: 7");
}

TEST_CASE("serve cancels live sessions with system_shutdown at end of input", "[cli][serve]") {
  fixture f;
  const auto watched = f.spawn(pausing_script, true, 900);
  const auto awaited = f.spawn(pausing_script, false, 901);
  const auto spinning = f.spawn("while true do end", false, 902);
  f.paused_state(awaited);
  f.server.send({{"id", 1}, {"op", "await"}, {"session_id", awaited}});
  f.server.send({{"id", 2}, {"op", "await"}, {"session_id", spinning}});
  f.server.close_input();

  auto outcome = f.server.response(1);
  CHECK(outcome["ok"]["state"] == "cancelled");
  CHECK(outcome["ok"]["reason"]["code"] == "system_shutdown");
  auto spun = f.server.response(2);
  CHECK(spun["ok"]["reason"]["code"] == "system_shutdown");
  CHECK(spun["ok"]["state_before"]["state"] == "running");

  auto transition = f.server.take([&](const json& l) {
    return l.contains("event") && l["session_id"] == watched &&
           l["event"]["kind"] == "state_transition" && l["event"]["to"] == "cancelled";
  });
  CHECK(transition);
  f.server.event(watched, "closed");
  CHECK(f.server.wait_exit(wait_limit) == 0);
}

TEST_CASE("serve exits at once on empty input", "[cli][serve]") {
  fixture f;
  f.server.close_input();
  CHECK(f.server.wait_exit(wait_limit) == 0);
  CHECK(f.server.transcript().empty());
}

TEST_CASE("serve --responder: the server has a model answer every session it spawns",
          "[cli][serve][responder]") {
  alc::test::fake_http_server fake([](const alc::test::fake_http_server::request& request,
                                      alc::test::fake_http_server::exchange&) {
    const auto prompt = request.json()["messages"].back()["content"].get<std::string>();
    return alc::test::fake_http_server::json_response(
        {{"choices", {{{"message", {{"content", "model says " + prompt}}}}}},
         {"usage", {{"prompt_tokens", 9}, {"completion_tokens", 4}}}});
  });
  alc::test::temp_dir dir;
  serve_client server(dir.path().string(),
                      {"--responder", "openai", "--base-url", fake.url() + "/v1", "--model", "m"});
  auto spawned =
      server.call({{"id", 1}, {"op", "spawn"}, {"spec", run_spec("return alc.llm('hello')")}});
  REQUIRE(spawned.contains("ok"));
  const auto id = spawned["ok"]["session_id"].get<std::string>();
  auto outcome = server.call({{"id", 2}, {"op", "await"}, {"session_id", id}});
  INFO(outcome.dump());
  REQUIRE(outcome.contains("ok"));
  CHECK(outcome["ok"]["state"] == "done");
  CHECK(outcome["ok"]["value"] == "model says hello");
  CHECK(outcome["ok"]["usage"] == json{{"prompt_tokens", 9}, {"completion_tokens", 4}});
}
