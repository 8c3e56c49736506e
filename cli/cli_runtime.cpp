#include "cli/cli_runtime.hpp"

#include <stdexcept>

#include <caf/all.hpp>

namespace alc::cli {

cli_runtime::cli_runtime(const runtime_flags& flags) {
  configure(config_);
  // Defaults first, then the flags, then `alc.*` settings a config file or
  // ALC_PACKAGES_PATH adds (read_runtime_options merges the variable).
  std::vector<std::string> args;
  if (!flags.package_paths.empty()) {
    std::string list = "[";
    for (const auto& path : flags.package_paths) {
      if (list.size() > 1) list += ",";
      list += "\"" + path + "\"";
    }
    args.push_back("--alc.package-paths=" + list + "]");
  }
  if (!flags.state_dir.empty()) args.push_back("--alc.state-dir=" + flags.state_dir);
  if (!flags.slice.empty()) args.push_back("--alc.slice=" + flags.slice);
  if (!flags.memory_limit.empty()) args.push_back("--alc.memory-limit=" + flags.memory_limit);
  if (auto error = config_.parse(args)) {
    throw std::runtime_error("invalid runtime option: " + caf::to_string(error));
  }
  system_ = std::make_unique<caf::actor_system>(config_);
  runtime_ = std::make_unique<alc::runtime>(*system_);
}

cli_runtime::~cli_runtime() {
  runtime_.reset();  // cancels live sessions (system_shutdown) before the system stops
  system_.reset();
}

}  // namespace alc::cli
