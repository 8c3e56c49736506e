#include <stdlib.h>
#include <cstdlib>

#include <thread>

#include <caf/actor_system_config.hpp>
#include <caf/settings.hpp>
#include <catch2/catch.hpp>

#include "alc/runtime.hpp"

using namespace alc;
using namespace std::chrono_literals;

TEST_CASE("alc.* options come from the command line with defaults for the rest", "[options]") {
  caf::actor_system_config cfg;
  configure(cfg);
  REQUIRE_FALSE(cfg.parse({"--alc.ttl=5s", "--alc.sweep-interval=250ms", "--alc.slice=3ms",
                           "--alc.max-sessions=7", "--alc.memory-limit=1048576",
                           "--alc.state-dir=/tmp/alc-state"}));
  const auto opts = read_runtime_options(cfg);
  CHECK(opts.ttl == 5s);
  CHECK(opts.sweep_interval == 250ms);
  CHECK(opts.slice == 3ms);
  CHECK(opts.max_sessions == 7);
  CHECK(opts.memory_limit == 1u << 20);
  CHECK(opts.state_dir == "/tmp/alc-state");
  CHECK(opts.cpu_limit == 60s);  // default kept
}

TEST_CASE("the scheduler defaults to one worker per core", "[options]") {
  caf::actor_system_config cfg;
  configure(cfg);
  const auto cores = std::max(1u, std::thread::hardware_concurrency());
  CHECK(caf::get_or(cfg, "scheduler.max-threads", size_t{0}) == cores);
}

TEST_CASE(
    "package roots come in the original's order: configured, ALC_PACKAGES_PATH, "
    "installed, ~/.algocline/packages",
    "[options]") {
  caf::actor_system_config cfg;
  configure(cfg);
  REQUIRE_FALSE(cfg.parse({"--alc.package-paths=[\"/opt/pkgs\"]"}));
  const std::string home = std::getenv("HOME") != nullptr ? std::getenv("HOME") : "";
  ::setenv("ALC_PACKAGES_PATH", "/a:/b::/c:/opt/pkgs", 1);
  ::setenv("HOME", "/home/someone", 1);
  const auto opts = read_runtime_options(cfg);
  ::unsetenv("ALC_PACKAGES_PATH");
  ::setenv("HOME", home.c_str(), 1);
  // Empty entries and repeats are dropped; the installed folder ends in share/alc/packages.
  REQUIRE(opts.package_paths.size() == 6);
  CHECK(std::vector<std::string>(opts.package_paths.begin(), opts.package_paths.begin() + 4) ==
        std::vector<std::string>{"/opt/pkgs", "/a", "/b", "/c"});
  CHECK(opts.package_paths[4].size() > std::string("/share/alc/packages").size());
  CHECK(opts.package_paths[4].substr(opts.package_paths[4].size() - 19) == "/share/alc/packages");
  CHECK(opts.package_paths[5] == "/home/someone/.algocline/packages");
}

TEST_CASE("alc.fork's fan-out limit defaults to 256 children and is configurable", "[options]") {
  caf::actor_system_config cfg;
  configure(cfg);
  CHECK(read_runtime_options(cfg).max_fork_children == 256);
  REQUIRE_FALSE(cfg.parse({"--alc.max-fork-children=8"}));
  CHECK(read_runtime_options(cfg).max_fork_children == 8);
}

TEST_CASE("a fork family's memory bound defaults to 256 MiB and is configurable", "[options]") {
  caf::actor_system_config cfg;
  configure(cfg);
  CHECK(read_runtime_options(cfg).fork_memory_limit == std::size_t{256} << 20);
  REQUIRE_FALSE(cfg.parse({"--alc.fork-memory-limit=1048576"}));
  CHECK(read_runtime_options(cfg).fork_memory_limit == std::size_t{1} << 20);
}

TEST_CASE("os.getenv may read ALC_* variables by default, and what alc.env-allow names",
          "[options]") {
  caf::actor_system_config cfg;
  configure(cfg);
  CHECK(read_runtime_options(cfg).env_allow == std::vector<std::string>{"ALC_*"});
  REQUIRE_FALSE(cfg.parse({"--alc.env-allow=[\"HOME\", \"MY_*\"]"}));
  CHECK(read_runtime_options(cfg).env_allow == std::vector<std::string>{"HOME", "MY_*"});
}
