// The crash-safe writes under the state and card stores.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "actors/durable_files.hpp"
#include "tests/actors/file_size_limit.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::size_t entries_in(const fs::path& dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("an exclusive write never replaces an existing file", "[durable]") {
  test::temp_dir dir;
  const fs::path target = dir.path() / "card.toml";
  auto first = durable::write_file(target, "one", dir.path() / "t1", durable::publish::exclusive);
  CHECK(first.error.empty());
  CHECK_FALSE(first.exists);
  auto second = durable::write_file(target, "two", dir.path() / "t2", durable::publish::exclusive);
  CHECK(second.error.empty());
  CHECK(second.exists);
  CHECK(slurp(target) == "one");
  CHECK(entries_in(dir.path()) == 1);  // no temporary file left behind
}

TEST_CASE("a replacing write swaps the whole content", "[durable]") {
  test::temp_dir dir;
  const fs::path target = dir.path() / "doc";
  REQUIRE(durable::write_file(target, "old", dir.path() / "t1", durable::publish::replace)
              .error.empty());
  REQUIRE(durable::write_file(target, "new content", dir.path() / "t2", durable::publish::replace)
              .error.empty());
  CHECK(slurp(target) == "new content");
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("a write that fails half way leaves the old file and no partial one", "[durable]") {
  test::temp_dir dir;
  const fs::path target = dir.path() / "doc";
  REQUIRE(durable::write_file(target, "old", dir.path() / "t1", durable::publish::replace)
              .error.empty());
  const std::string big(64 * 1024, 'x');
  durable::write_outcome replaced;
  durable::write_outcome created;
  {
    test::file_size_limit full_disk(4096);
    replaced = durable::write_file(target, big, dir.path() / "t2", durable::publish::replace);
    created = durable::write_file(dir.path() / "fresh", big, dir.path() / "t3",
                                  durable::publish::exclusive);
  }
  CHECK_THAT(replaced.error, Catch::Contains("cannot write"));
  CHECK_THAT(created.error, Catch::Contains("cannot write"));
  CHECK(slurp(target) == "old");
  CHECK_FALSE(fs::exists(dir.path() / "fresh"));
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("make_directories creates every missing level, and refuses a file in the way",
          "[durable]") {
  test::temp_dir dir;
  CHECK(durable::make_directories(dir.path() / "a" / "b" / "c").empty());
  CHECK(fs::is_directory(dir.path() / "a" / "b" / "c"));
  CHECK(durable::make_directories(dir.path() / "a" / "b").empty());  // already there
  dir.write("file", "x");
  CHECK_THAT(durable::make_directories(dir.path() / "file" / "sub"), Catch::Contains("file"));
}
