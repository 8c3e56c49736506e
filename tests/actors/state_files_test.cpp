#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "actors/state_files.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using nlohmann::json;

namespace {

json ok(const state_files::outcome& outcome) {
  if (const auto* error = std::get_if<std::string>(&outcome)) FAIL(*error);
  return std::get<json>(outcome);
}

std::string error_of(const state_files::outcome& outcome) {
  REQUIRE(std::holds_alternative<std::string>(outcome));
  return std::get<std::string>(outcome);
}

json read_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return json::parse(text.str(), nullptr, false);
}

}  // namespace

TEST_CASE("state operations behave as lua-api.md describes", "[state]") {
  test::temp_dir dir;
  state_files store(dir.path());
  const json ns = {{"ns", "default"}};
  auto arg = [&](json extra) {
    json a = ns;
    a.update(extra);
    return a;
  };
  CHECK(ok(store.execute("state.get", arg({{"key", "x"}}))).is_null());
  CHECK(ok(store.execute("state.has", arg({{"key", "x"}}))) == json(false));
  ok(store.execute("state.set", arg({{"key", "x"}, {"value", {{"a", 1}}}})));
  CHECK(ok(store.execute("state.get", arg({{"key", "x"}}))) == json({{"a", 1}}));
  CHECK(ok(store.execute("state.set_nx", arg({{"key", "x"}, {"value", 2}}))) == json(false));
  CHECK(ok(store.execute("state.set_nx", arg({{"key", "y"}, {"value", 2}}))) == json(true));
  CHECK(ok(store.execute("state.keys", ns)) == json::array({"x", "y"}));
  CHECK(ok(store.execute("state.incr", arg({{"key", "n"}, {"delta", 5}, {"default", 10}}))) ==
        json(15));
  CHECK(ok(store.execute("state.incr", arg({{"key", "n"}, {"delta", 1}, {"default", 0}}))) ==
        json(16));
  CHECK(ok(store.execute("state.incr", arg({{"key", "f"}, {"delta", 0.5}, {"default", 0}}))) ==
        json(0.5));
  CHECK_THAT(error_of(store.execute("state.incr", arg({{"key", "x"}, {"delta", 1}}))),
             Catch::Contains("non-number"));
  CHECK(ok(store.execute("state.delete", arg({{"key", "x"}}))) == json(true));
  CHECK(ok(store.execute("state.delete", arg({{"key", "x"}}))) == json(false));
  ok(store.execute("state.set", arg({{"key", "y"}})));  // no value: deletes
  CHECK(ok(store.execute("state.has", arg({{"key", "y"}}))) == json(false));

  // Durable: a fresh store over the same folder sees the same values.
  state_files reopened(dir.path());
  CHECK(ok(reopened.execute("state.get", arg({{"key", "n"}}))) == json(16));
  CHECK(read_file(dir.path() / "default.json") == json({{"f", 0.5}, {"n", 16}}));
}

TEST_CASE("namespaces and keys cannot escape the store", "[state]") {
  test::temp_dir dir;
  state_files store(dir.path());
  for (const char* bad : {"", "../x", "a/b", "a\\b", ".."}) {
    INFO(bad);
    CHECK_THAT(error_of(store.execute("state.get", {{"ns", bad}, {"key", "k"}})),
               Catch::Contains("namespace"));
    CHECK_THAT(error_of(store.execute("state.set", {{"ns", "ok"}, {"key", bad}, {"value", 1}})),
               Catch::Contains("key"));
  }
  CHECK(std::string(
            error_of(store.execute("state.get", {{"ns", std::string("a\0b", 3)}, {"key", "k"}})))
            .find("NUL") != std::string::npos);
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("a corrupt namespace file is reported and left untouched", "[state]") {
  test::temp_dir dir;
  dir.write("broken.json", "{not json");
  state_files store(dir.path());
  CHECK_THAT(error_of(store.execute("state.set", {{"ns", "broken"}, {"key", "k"}, {"value", 1}})),
             Catch::Contains("unreadable"));
  std::ifstream file(dir.path() / "broken.json");
  std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CHECK(content == "{not json");
}

TEST_CASE("a writer killed mid-stream leaves every namespace file old or new, never torn",
          "[state][crash]") {
  test::temp_dir dir;
  int started[2];
  REQUIRE(::pipe(started) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child writes forever: counter i into key "n" of three namespaces,
    // each document padded so a torn write would be visible. Once every
    // file holds a counter above 0 it tells the parent, and writes on.
    ::close(started[0]);
    state_files store(dir.path());
    const std::string padding(4096, 'p');
    for (int64_t i = 0;; ++i) {
      for (const char* ns : {"a", "b", "c"}) {
        store.execute("state.set", {{"ns", ns}, {"key", "pad"}, {"value", padding}});
        store.execute("state.set", {{"ns", ns}, {"key", "n"}, {"value", i}});
      }
      if (i == 1) {
        const char ready = 'r';
        if (::write(started[1], &ready, 1) != 1) ::_exit(2);
        ::close(started[1]);
      }
    }
  }
  ::close(started[1]);
  pollfd ready{started[0], POLLIN, 0};
  const int polled = ::poll(&ready, 1, 10'000);  // bounded: a stuck child fails the test
  ::close(started[0]);
  ::kill(child, SIGKILL);  // while it writes on, wherever it is
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(polled == 1);
  REQUIRE(WIFSIGNALED(status));
  std::vector<int64_t> counters;
  for (const char* ns : {"a", "b", "c"}) {
    const json doc = read_file(dir.path() / (std::string(ns) + ".json"));
    INFO(ns);
    REQUIRE(doc.is_object());
    REQUIRE(doc.contains("n"));
    REQUIRE(doc["n"].is_number_integer());
    CHECK(doc["pad"].get<std::string>().size() == 4096);
    counters.push_back(doc["n"].get<int64_t>());
  }
  // Written a, b, c in turn: each file holds the newest value or the one
  // before it, so the counters step down by at most one across the files.
  CHECK(counters[0] >= counters[1]);
  CHECK(counters[1] >= counters[2]);
  CHECK(counters[0] - counters[2] <= 1);
  CHECK(counters[0] > 0);
}
