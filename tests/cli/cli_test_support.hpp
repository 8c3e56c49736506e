#pragma once
// What the `alc` command tests share: the binary's arguments with a state
// folder of the test's own, and the JSON a run printed.

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/json_codec.hpp"
#include "tests/cli/child_process.hpp"
#include "tests/temp_dir.hpp"

namespace alc::test {

/// `alc ARGS... --state-dir=<dir>/state`.
inline std::vector<std::string> alc_args(const temp_dir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), ALC_BINARY);
  args.push_back("--state-dir=" + (dir.path() / "state").string());
  return args;
}

/// The one JSON value the process printed on stdout.
inline nlohmann::json stdout_json(const process_result& r) {
  auto parsed = parse_json_text(r.out);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(parsed);
  return parsed.value();
}

}  // namespace alc::test
