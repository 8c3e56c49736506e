// The one module-name rule of require, advice strategies and alc.fork.

#include <string>

#include <catch2/catch.hpp>

#include "messages/limits.hpp"
#include "messages/module_names.hpp"

namespace alc {
namespace {

TEST_CASE("module names are dot-separated segments of directory-name characters",
          "[module_names]") {
  for (const char* good : {"cot", "sc", "pkg.sub", "a_b.C9.d", "_private", "9lives", "a.b.c",
                           "my-strategy", "a b", "caf\xc3\xa9", "v1+beta"}) {
    INFO("name: " << good);
    CHECK(invalid_module_name_reason(good) == nullptr);
  }
}

TEST_CASE("module names that could escape the package path are refused", "[module_names]") {
  CHECK(std::string{invalid_module_name_reason("")} == "is empty");
  for (const char* empty_segment : {"a..b", ".cot", "cot.", "."}) {
    INFO("name: " << empty_segment);
    CHECK(std::string{invalid_module_name_reason(empty_segment)} == "has an empty segment");
  }
  for (const char* bad : {"../etc/passwd", "a/b", "a\\b", "cot\n", "a\tb", "x\x7f"}) {
    INFO("name: " << bad);
    CHECK(invalid_module_name_reason(bad) != nullptr);
  }
  CHECK(invalid_module_name_reason(std::string_view("a\0b", 3)) != nullptr);
}

TEST_CASE("module names are at most max_module_name_chars long", "[module_names]") {
  CHECK(invalid_module_name_reason(std::string(max_module_name_chars, 'a')) == nullptr);
  CHECK(std::string{invalid_module_name_reason(std::string(max_module_name_chars + 1, 'a'))} ==
        "is longer than 200 characters");
}

}  // namespace
}  // namespace alc
