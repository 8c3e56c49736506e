#pragma once
// What every fuzzer does when a property fails: print why, then abort, so
// libFuzzer records the input as a crash (a finding, docs/fuzzing.md).

#include <cstdio>
#include <cstdlib>
#include <string>

namespace alc::fuzz {

[[noreturn]] inline void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz property violated: %s\n%s\n", what, detail.c_str());
  std::abort();
}

inline void require(bool holds, const char* what, const std::string& detail = {}) {
  if (!holds) fail(what, detail);
}

}  // namespace alc::fuzz
