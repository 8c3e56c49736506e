#include "alc/options.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/settings.hpp>

namespace alc {
namespace {

// custom_options_ is protected; a pointer-to-member formed in a derived
// class reaches it on any config, including a host application's.
struct option_access : caf::actor_system_config {
  static caf::config_option_set& options_of(caf::actor_system_config& cfg) {
    return cfg.*(&option_access::custom_options_);
  }
};

template <class Duration>
Duration duration_or(const caf::actor_system_config& cfg, caf::string_view name,
                     Duration fallback) {
  const auto span = caf::get_or(cfg, name, caf::timespan{fallback});
  return std::chrono::duration_cast<Duration>(span);
}

// The package roots after the configured ones, in the original's order:
// ALC_PACKAGES_PATH (colon-separated), the installed packages folder, then
// the user's ~/.algocline/packages. A root that does not exist finds nothing.
void append_default_package_roots(std::vector<std::string>& roots) {
  const auto add = [&roots](std::string root) {
    if (!root.empty() && std::find(roots.begin(), roots.end(), root) == roots.end()) {
      roots.push_back(std::move(root));
    }
  };
  if (const char* env = std::getenv("ALC_PACKAGES_PATH")) {
    std::string_view rest(env);
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      add(std::string(rest.substr(0, colon)));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  add(ALC_INSTALLED_PACKAGES_DIR);
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    add(std::string(home) + "/.algocline/packages");
  }
}

}  // namespace

void declare_runtime_options(caf::actor_system_config& cfg) {
  caf::config_option_adder{option_access::options_of(cfg), "alc"}
      .add<caf::timespan>("ttl", "idle time after which an unsubscribed session is evicted")
      .add<caf::timespan>("sweep-interval", "how often the registry looks for idle sessions")
      .add<caf::timespan>("slice", "longest a session runs before other work gets the thread")
      .add<size_t>("memory-limit", "bytes one session's Lua VM may allocate")
      .add<caf::timespan>("cpu-limit", "total CPU time one script may use (0: unlimited)")
      .add<size_t>("max-sessions", "live sessions at once (0: unlimited)")
      .add<size_t>("max-fork-children", "child sessions one alc.fork may start (0: unlimited)")
      .add<size_t>("fork-memory-limit",
                   "bytes a session and all its fork children may allocate together (0: unlimited)")
      .add<std::vector<std::string>>("package-paths", "folders searched by require()")
      .add<std::string>("state-dir", "folder of the alc.state store")
      .add<std::vector<std::string>>("env-allow",
                                     "environment variables os.getenv may read (NAME or PREFIX*)")
      .add<std::string>("cards-dir",
                        "folder of the alc.card store (default: alc-cards beside "
                        "the state folder)");
  const auto cores = std::max(1u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", static_cast<size_t>(cores));
}

runtime_options read_runtime_options(const caf::actor_system_config& cfg) {
  runtime_options opts;
  opts.ttl = duration_or(cfg, "alc.ttl", opts.ttl);
  opts.sweep_interval = duration_or(cfg, "alc.sweep-interval", opts.sweep_interval);
  opts.slice = duration_or(cfg, "alc.slice", opts.slice);
  opts.memory_limit = caf::get_or(cfg, "alc.memory-limit", opts.memory_limit);
  opts.cpu_limit = duration_or(cfg, "alc.cpu-limit", opts.cpu_limit);
  opts.max_sessions = caf::get_or(cfg, "alc.max-sessions", opts.max_sessions);
  opts.max_fork_children = caf::get_or(cfg, "alc.max-fork-children", opts.max_fork_children);
  opts.fork_memory_limit = caf::get_or(cfg, "alc.fork-memory-limit", opts.fork_memory_limit);
  opts.package_paths = caf::get_or(cfg, "alc.package-paths", opts.package_paths);
  append_default_package_roots(opts.package_paths);
  opts.state_dir = caf::get_or(cfg, "alc.state-dir", opts.state_dir);
  opts.env_allow = caf::get_or(cfg, "alc.env-allow", opts.env_allow);
  opts.cards_dir = caf::get_or(cfg, "alc.cards-dir", opts.cards_dir);
  return opts;
}

std::string cards_directory(const runtime_options& options) {
  if (!options.cards_dir.empty()) return options.cards_dir;
  // The parent of "alc-state/" is "alc-state" itself: drop a trailing slash first.
  std::filesystem::path state = options.state_dir;
  if (!state.has_filename()) state = state.parent_path();
  return (state.parent_path() / "alc-cards").string();
}

}  // namespace alc
