#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

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

state_call call(state_op op, std::string ns, std::string key = {}, json value = nullptr,
                json delta = nullptr, json initial = nullptr) {
  return {
      op, std::move(ns), std::move(key), std::move(value), std::move(delta), std::move(initial)};
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
  auto op = [](state_op op, std::string key = {}, json value = nullptr, json delta = nullptr,
               json initial = nullptr) {
    return call(op, "default", std::move(key), std::move(value), std::move(delta),
                std::move(initial));
  };
  CHECK(ok(store.execute(op(state_op::get, "x"))).is_null());
  CHECK(ok(store.execute(op(state_op::has, "x"))) == json(false));
  ok(store.execute(op(state_op::set, "x", {{"a", 1}})));
  CHECK(ok(store.execute(op(state_op::get, "x"))) == json({{"a", 1}}));
  CHECK(ok(store.execute(op(state_op::set_nx, "x", 2))) == json(false));
  CHECK(ok(store.execute(op(state_op::set_nx, "y", 2))) == json(true));
  CHECK(ok(store.execute(op(state_op::keys))) == json::array({"x", "y"}));
  CHECK(ok(store.execute(op(state_op::incr, "n", nullptr, 5, 10))) == json(15));
  CHECK(ok(store.execute(op(state_op::incr, "n", nullptr, 1, 0))) == json(16));
  CHECK(ok(store.execute(op(state_op::incr, "f", nullptr, 0.5, 0))) == json(0.5));
  CHECK_THAT(error_of(store.execute(op(state_op::incr, "x", nullptr, 1, 0))),
             Catch::Contains("non-number"));
  CHECK(ok(store.execute(op(state_op::erase, "x"))) == json(true));
  CHECK(ok(store.execute(op(state_op::erase, "x"))) == json(false));
  ok(store.execute(op(state_op::set, "y")));  // no value: deletes
  CHECK(ok(store.execute(op(state_op::has, "y"))) == json(false));

  // Durable: a fresh store over the same folder sees the same values.
  state_files reopened(dir.path());
  CHECK(ok(reopened.execute(op(state_op::get, "n"))) == json(16));
  CHECK(read_file(dir.path() / "default.json") == json({{"f", 0.5}, {"n", 16}}));
}

TEST_CASE("namespaces cannot escape the store", "[state]") {
  test::temp_dir dir;
  state_files store(dir.path());
  for (const char* bad : {"", "../x", "a/b", "a\\b", ".."}) {
    INFO(bad);
    CHECK_THAT(error_of(store.execute(call(state_op::get, bad, "k"))),
               Catch::Contains("namespace"));
    CHECK_THAT(error_of(store.execute(call(state_op::set, bad, "k", 1))),
               Catch::Contains("namespace"));
  }
  CHECK(std::string(error_of(store.execute(call(state_op::get, std::string("a\0b", 3), "k"))))
            .find("NUL") != std::string::npos);
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("any string is a key, and only the namespace names a file", "[state]") {
  test::temp_dir dir;
  const std::string keys[] = {"flow:run-1",
                              "optimize_my/run",
                              "../../etc/passwd",
                              "..",
                              "",
                              "a\\b",
                              std::string("nul\0inside", 11),
                              "あいう"};
  {
    state_files store(dir.path());
    int n = 0;
    for (const auto& key : keys) {
      INFO(key);
      CHECK(ok(store.execute(call(state_op::set, "ns", key, ++n))).is_null());
      CHECK(ok(store.execute(call(state_op::has, "ns", key))) == json(true));
    }
  }
  // One file, holding every key; nothing else was created.
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    files.push_back(entry.path().filename().string());
  }
  CHECK(files == std::vector<std::string>{"ns.json"});
  state_files reopened(dir.path());
  int n = 0;
  for (const auto& key : keys) {
    INFO(key);
    CHECK(ok(reopened.execute(call(state_op::get, "ns", key))) == json(++n));
  }
  CHECK(ok(reopened.execute(call(state_op::keys, "ns"))).size() == std::size(keys));
}

TEST_CASE("incr keeps integers when both operands are integers, else it gives a float", "[state]") {
  test::temp_dir dir;
  state_files store(dir.path());
  auto incr = [&](const std::string& key, json delta, json initial) {
    return ok(store.execute(call(state_op::incr, "default", key, nullptr, delta, initial)));
  };
  const json one = incr("c", 1, 0);
  CHECK(one.is_number_integer());
  CHECK(one == json(1));
  CHECK(incr("c", 2, 0) == json(3));
  const json mixed = incr("c", 0.5, 0);
  CHECK(mixed.is_number_float());
  CHECK(mixed == json(3.5));
  CHECK(incr("c", 1, 0).is_number_float());  // a float stays a float
  CHECK(incr("from_float", 1, 2.0).is_number_float());
  // past the int64 range: a float, never a wrapped integer
  const json big = incr("big", 1, INT64_MAX);
  CHECK(big.is_number_float());
  CHECK(big.get<double>() == Approx(9.223372036854775808e18));
  CHECK(incr("low", -1, INT64_MIN).is_number_float());
  CHECK(incr("unsigned", 1, json(UINT64_MAX)).is_number_float());  // a hand-edited file
  CHECK(read_file(dir.path() / "default.json")["c"] == json(4.5));
}

TEST_CASE("a corrupt namespace file is reported and left untouched", "[state]") {
  test::temp_dir dir;
  dir.write("broken.json", "{not json");
  state_files store(dir.path());
  CHECK_THAT(error_of(store.execute(call(state_op::set, "broken", "k", 1))),
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
        store.execute(call(state_op::set, ns, "pad", padding));
        store.execute(call(state_op::set, ns, "n", i));
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
