#pragma once
// The package tools over the package roots: list, link, unlink, install
// from a local folder. Plain filesystem work, no runtime: alc_pkg_list's
// versions come from the packages' own `meta`, which the hub reads by
// running Lua (meta_probe_code) and hands in.

#include <optional>
#include <string>
#include <vector>

#include "cli/mcp/tool_arguments.hpp"
#include "cli/mcp/tool_reply.hpp"

namespace alc::cli::mcp {

/// A package root and where it came from (`--package-path`,
/// `ALC_PACKAGES_PATH`, `default`, `installed`).
struct package_root {
  std::string path;
  std::string source;
};

struct package_settings {
  std::vector<package_root> roots;  ///< the runtime's roots, in lookup order
  std::string packages_dir;         ///< where link and install write (a root of the runtime)
};

/// The roots of `paths` (the runtime's, in order), each with its source.
std::vector<package_root> describe_roots(const std::vector<std::string>& paths,
                                         const std::vector<std::string>& flag_paths);

/// One package folder found in a root.
struct package_entry {
  std::string name;
  std::string root;
  std::string path;
  bool linked = false;
  std::string link_target;
  bool broken = false;
  bool active = true;                       ///< false when an earlier root has the same name
  std::vector<std::string> override_paths;  ///< later copies it shadows
};

std::vector<package_entry> scan_packages(const package_settings& settings);

/// alc_pkg_list's arguments, checked.
struct pkg_list_request {
  std::optional<int64_t> limit;
  std::vector<std::pair<std::string, bool>> sort;  ///< key, descending
  json filter;                                     ///< null: none
  std::optional<std::vector<std::string>> fields;
  bool full = false;
};
/// nullopt with `error` set when the arguments are unusable.
std::optional<pkg_list_request> read_pkg_list(tool_arguments& args, std::string& error);

/// Lua that returns `{[name] = meta table or false}` for ctx.names.
std::string meta_probe_code();

/// `metas`: the probe's result (an object by name), or null when it failed.
tool_reply pkg_list_reply(const pkg_list_request& request,
                          const std::vector<package_entry>& entries,
                          const package_settings& settings, const json& metas);

tool_reply pkg_link(tool_arguments& args, const package_settings& settings);
tool_reply pkg_unlink(tool_arguments& args, const package_settings& settings);
tool_reply pkg_install(tool_arguments& args, const package_settings& settings);

/// Whether `name` resolves in one of the roots (`N/init.lua` or `N.lua`).
bool package_exists(const package_settings& settings, const std::string& name);

/// Why `name` cannot be a package name, or nullopt.
std::optional<std::string> check_package_name(const std::string& name);

}  // namespace alc::cli::mcp
