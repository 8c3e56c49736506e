#include "cli/mcp/packages.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <system_error>

namespace alc::cli::mcp {
namespace {

namespace fs = std::filesystem;

bool has_init(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "init.lua", ec);
}

std::string absolute_text(const fs::path& path) {
  std::error_code ec;
  auto absolute = fs::absolute(path, ec);
  return (ec ? path : absolute.lexically_normal()).string();
}

std::vector<std::string> env_roots() {
  std::vector<std::string> out;
  const char* env = std::getenv("ALC_PACKAGES_PATH");
  if (env == nullptr) return out;
  std::string rest(env);
  std::size_t start = 0;
  while (start <= rest.size()) {
    const auto colon = rest.find(':', start);
    const auto piece =
        rest.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!piece.empty()) out.push_back(piece);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

/// Orders JSON values as the original: null < bool < number < string.
int type_rank(const json& value) {
  if (value.is_null()) return 0;
  if (value.is_boolean()) return 1;
  if (value.is_number()) return 2;
  if (value.is_string()) return 3;
  return 4;
}

/// -1, 0, 1; nulls last ascending and first descending (the caller flips).
int compare_values(const json& a, const json& b) {
  const int ra = type_rank(a);
  const int rb = type_rank(b);
  if (ra != rb) {
    if (ra == 0) return 1;  // null after everything (ascending)
    if (rb == 0) return -1;
    return ra < rb ? -1 : 1;
  }
  if (ra == 0 || ra == 4) return 0;
  if (a < b) return -1;
  if (b < a) return 1;
  return 0;
}

json entry_json(const package_entry& entry, const json& meta) {
  json out = {
      {"name", entry.name},
      {"scope", "global"},
      {"active", entry.active},
      {"resolved_source_path", entry.path},
      {"resolved_source_kind", entry.linked ? "linked" : "installed"},
      {"path", entry.path},
      {"source", entry.root},
      {"source_type", entry.linked ? "path (from: " + entry.link_target + ")" : "installed"}};
  if (entry.linked) {
    out["linked"] = true;
    out["link_target"] = entry.link_target;
    out["broken"] = entry.broken;
  }
  if (!entry.override_paths.empty()) out["override_paths"] = entry.override_paths;
  if (meta.is_object()) {
    for (const auto& [key, value] : meta.items()) {
      if (!out.contains(key)) out[key] = value;  // host keys win
    }
  } else if (meta.is_boolean()) {
    out["error"] = "failed to load meta";
  }
  return out;
}

const std::vector<std::string> summary_keys = {
    "name", "scope", "version", "active", "resolved_source_path", "resolved_source_kind"};
const std::vector<std::string> full_extra = {
    "install_source", "installed_at", "updated_at", "override_paths", "overrides",
    "linked",         "link_target",  "broken",     "path",           "source",
    "source_type",    "meta",         "error"};

json project(const json& entry, const std::vector<std::string>& keys) {
  json out = json::object();
  for (const auto& key : keys) {
    if (entry.contains(key)) out[key] = entry[key];
  }
  return out;
}

/// The packages of `dir`: itself when it has init.lua, else its subfolders that do.
std::vector<std::pair<std::string, fs::path>> packages_in(const fs::path& dir, bool& single) {
  std::vector<std::pair<std::string, fs::path>> out;
  single = has_init(dir);
  if (single) {
    out.emplace_back(dir.filename().string(), dir);
    return out;
  }
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    if (item.is_directory(ec) && has_init(item.path())) {
      out.emplace_back(item.path().filename().string(), item.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string clean_dir_name(fs::path path) {
  if (!path.has_filename()) path = path.parent_path();
  return path.filename().string();
}

}  // namespace

std::vector<package_root> describe_roots(const std::vector<std::string>& paths,
                                         const std::vector<std::string>& flag_paths) {
  const auto from_env = env_roots();
  const char* home = std::getenv("HOME");
  const std::string user_root = home != nullptr ? std::string(home) + "/.algocline/packages" : "";
  std::vector<package_root> out;
  for (const auto& path : paths) {
    std::string source = "installed";
    if (std::find(flag_paths.begin(), flag_paths.end(), path) != flag_paths.end()) {
      source = "--package-path";
    } else if (std::find(from_env.begin(), from_env.end(), path) != from_env.end()) {
      source = "ALC_PACKAGES_PATH";
    } else if (path == user_root) {
      source = "default";
    }
    out.push_back({path, source});
  }
  return out;
}

std::optional<std::string> check_package_name(const std::string& name) {
  if (name.empty()) return std::string{"package name must not be empty"};
  if (!std::isalpha(static_cast<unsigned char>(name[0]))) {
    return "package name must start with a letter, got '" + name.substr(0, 1) + "'";
  }
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return "package name contains invalid character '" + std::string(1, c) +
             "': only [a-zA-Z0-9_-] allowed";
    }
  }
  return std::nullopt;
}

std::vector<package_entry> scan_packages(const package_settings& settings) {
  std::vector<package_entry> entries;
  std::map<std::string, std::size_t> first;  // name → index of the active entry
  for (const auto& root : settings.roots) {
    std::error_code ec;
    if (!fs::is_directory(root.path, ec)) continue;
    std::vector<fs::directory_entry> items;
    for (const auto& item : fs::directory_iterator(root.path, ec)) items.push_back(item);
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
      return a.path().filename() < b.path().filename();
    });
    for (const auto& item : items) {
      const std::string name = item.path().filename().string();
      if (name.empty() || name[0] == '.' || name == "evalframe") continue;
      package_entry entry;
      entry.name = name;
      entry.root = root.path;
      entry.path = absolute_text(item.path());
      entry.linked = item.is_symlink(ec);
      if (entry.linked) {
        entry.link_target = fs::read_symlink(item.path(), ec).string();
        entry.broken = !fs::exists(item.path(), ec);
      } else if (!item.is_directory(ec) || !has_init(item.path())) {
        continue;
      }
      if (entry.linked && !entry.broken && !has_init(item.path())) continue;
      const auto seen = first.find(name);
      if (seen != first.end()) {
        entry.active = false;
        entries[seen->second].override_paths.push_back(entry.path);
      } else {
        first[name] = entries.size();
      }
      entries.push_back(std::move(entry));
    }
  }
  return entries;
}

std::optional<pkg_list_request> read_pkg_list(tool_arguments& args, std::string& error) {
  pkg_list_request request;
  (void)args.optional_string("project_root");
  request.limit = args.optional_integer("limit");
  const auto sort = args.optional_string("sort");
  const auto filter = args.optional_value("filter");
  const auto fields = args.optional_array("fields");
  const auto verbose = args.optional_string("verbose");
  if (!args.ok()) {
    error = args.error();
    return std::nullopt;
  }
  const std::string sort_text = sort.value_or("-active,-installed_at");
  if (sort_text.empty()) {
    error = "sort string is empty";
    return std::nullopt;
  }
  std::size_t start = 0;
  while (start <= sort_text.size()) {
    const auto comma = sort_text.find(',', start);
    std::string piece =
        sort_text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto trimmed_start = piece.find_first_not_of(' ');
    piece = trimmed_start == std::string::npos
                ? ""
                : piece.substr(trimmed_start, piece.find_last_not_of(' ') - trimmed_start + 1);
    if (piece.empty()) {
      error = "sort string contains empty element: \"" + sort_text + "\"";
      return std::nullopt;
    }
    const bool descending = piece[0] == '-';
    const std::string key = descending ? piece.substr(1) : piece;
    if (key.empty()) {
      error = "sort element has no key name: \"" + piece + "\"";
      return std::nullopt;
    }
    request.sort.emplace_back(key, descending);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (filter && filter->is_object()) request.filter = *filter;  // a non-object is ignored
  if (fields) {
    std::vector<std::string> names;
    for (const auto& field : *fields) {
      if (field.is_string()) names.push_back(field.get<std::string>());
    }
    request.fields = std::move(names);
  }
  if (verbose && *verbose != "summary" && *verbose != "full") {
    error = "invalid verbose value \"" + *verbose + "\" (expected \"summary\" or \"full\")";
    return std::nullopt;
  }
  request.full = verbose && *verbose == "full";
  return request;
}

std::string meta_probe_code() {
  return "local out = {}\n"
         "for _, name in ipairs(ctx.names) do\n"
         "  local ok, pkg = pcall(require, name)\n"
         "  if ok and type(pkg) == 'table' and type(pkg.meta) == 'table' then\n"
         "    local meta = {}\n"
         "    for k, v in pairs(pkg.meta) do\n"
         "      local t = type(v)\n"
         "      if t == 'string' or t == 'number' or t == 'boolean' then meta[k] = v end\n"
         "    end\n"
         "    out[name] = meta\n"
         "  else\n"
         "    out[name] = false\n"
         "  end\n"
         "end\n"
         "return out\n";
}

tool_reply pkg_list_reply(const pkg_list_request& request,
                          const std::vector<package_entry>& entries,
                          const package_settings& settings, const json& metas) {
  std::vector<json> rows;
  for (const auto& entry : entries) {
    json meta = nullptr;
    if (metas.is_object() && entry.active && metas.contains(entry.name)) meta = metas[entry.name];
    rows.push_back(entry_json(entry, meta));
  }
  if (request.filter.is_object()) {
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [&](const json& row) {
                                for (const auto& [key, value] : request.filter.items()) {
                                  if (!row.contains(key) || row[key] != value) return true;
                                }
                                return false;
                              }),
               rows.end());
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const json& a, const json& b) {
    for (const auto& [key, descending] : request.sort) {
      const json& va = a.contains(key) ? a[key] : json(nullptr);
      const json& vb = b.contains(key) ? b[key] : json(nullptr);
      int order = compare_values(va, vb);
      if (descending) order = -order;
      if (order != 0) return order < 0;
    }
    return false;
  });
  const int64_t limit = request.limit.value_or(50);
  if (limit > 0 && rows.size() > static_cast<std::size_t>(limit))
    rows.resize(static_cast<std::size_t>(limit));
  std::vector<std::string> keys = summary_keys;
  if (request.full) keys.insert(keys.end(), full_extra.begin(), full_extra.end());
  json packages = json::array();
  for (const auto& row : rows) {
    if (request.fields) {
      packages.push_back(project(row, *request.fields));
    } else if (request.full) {
      json out = project(row, keys);
      for (const auto& [key, value] : row.items()) {
        if (!out.contains(key)) out[key] = value;  // the meta keys, merged flat
      }
      packages.push_back(std::move(out));
    } else {
      packages.push_back(project(row, keys));
    }
  }
  json search_paths = json::array();
  for (const auto& root : settings.roots) {
    std::error_code ec;
    if (fs::is_directory(root.path, ec))
      search_paths.push_back({{"path", root.path}, {"source", root.source}});
  }
  json out = {{"packages", std::move(packages)}, {"search_paths", std::move(search_paths)}};
  if (!metas.is_object()) out["warnings"] = json::array({"package meta could not be read"});
  return tool_reply::ok(out);
}

tool_reply pkg_link(tool_arguments& args, const package_settings& settings) {
  const std::string path_text = args.required_string("path");
  const auto name = args.optional_string("name");
  const bool force = args.optional_bool("force").value_or(false);
  const auto scope = args.optional_string("scope");
  (void)args.optional_string("project_root");
  if (!args.ok()) return tool_reply::fail(args.error());
  if (scope && *scope != "global") {
    if (*scope == "variant") {
      return tool_reply::fail(
          "scope 'variant' is not supported: alc reads no alc.local.toml (docs/mcp.md); use "
          "--package-path for project packages");
    }
    return tool_reply::fail("failed to deserialize parameters: scope: unknown variant `" + *scope +
                            "`, expected one of `global`, `variant`");
  }
  const fs::path source = fs::path(absolute_text(path_text));
  std::error_code ec;
  if (!fs::is_directory(source, ec))
    return tool_reply::fail("Path is not a directory: " + source.string());
  bool single = false;
  auto found = packages_in(source, single);
  if (found.empty()) {
    return tool_reply::fail("No init.lua found in " + source.string() +
                            " or any of its subdirectories");
  }
  if (single && name) found.front().first = *name;
  if (single && !name) found.front().first = clean_dir_name(source);
  if (!single && name) {
    return tool_reply::fail(
        "The 'name' parameter is only supported for single-package dirs (init.lua at root).");
  }
  for (const auto& [package, dir] : found) {
    if (auto problem = check_package_name(package)) return tool_reply::fail(*problem);
  }
  fs::create_directories(settings.packages_dir, ec);
  if (ec) return tool_reply::fail("packages dir " + settings.packages_dir + ": " + ec.message());
  json linked = json::array();
  json targets = json::object();
  for (const auto& [package, dir] : found) {
    const fs::path dest = fs::path(settings.packages_dir) / package;
    const auto status = fs::symlink_status(dest, ec);
    if (fs::exists(status)) {
      if (fs::is_directory(status) && !force) {
        return tool_reply::fail("Destination '" + dest.string() +
                                "' is a real directory. Use force=true to overwrite.");
      }
      fs::remove_all(dest, ec);
    }
    fs::create_directory_symlink(dir, dest, ec);
    if (ec) {
      return tool_reply::fail("Failed to create symlink " + dest.string() + " -> " + dir.string() +
                              ": " + ec.message());
    }
    linked.push_back(package);
    targets[package] = dir.string();
  }
  return tool_reply::ok({{"linked", linked},
                         {"mode", single ? "single" : "collection"},
                         {"targets", targets},
                         {"scope", "global"}});
}

tool_reply pkg_unlink(tool_arguments& args, const package_settings& settings) {
  const std::string name = args.required_string("name");
  if (!args.ok()) return tool_reply::fail(args.error());
  if (auto problem = check_package_name(name)) return tool_reply::fail(*problem);
  const fs::path dest = fs::path(settings.packages_dir) / name;
  std::error_code ec;
  const auto status = fs::symlink_status(dest, ec);
  if (fs::is_symlink(status)) {
    fs::remove(dest, ec);
    if (ec)
      return tool_reply::fail("Failed to remove symlink " + dest.string() + ": " + ec.message());
    return tool_reply::ok({{"unlinked", name}});
  }
  if (fs::exists(status)) {
    return tool_reply::fail("Package '" + name +
                            "' is not a symlink. Use pkg_remove to remove installed packages.");
  }
  return tool_reply::fail("Package '" + name + "' is not installed");
}

tool_reply pkg_install(tool_arguments& args, const package_settings& settings) {
  const std::string url = args.required_string("url");
  const auto name = args.optional_string("name");
  if (!args.ok()) return tool_reply::fail(args.error());
  if (url.empty() || url[0] != '/') {
    return tool_reply::fail("alc installs from a local folder only: '" + url +
                            "' is not an absolute path (alc runs no git: clone it first, then pass "
                            "the folder)");
  }
  const fs::path source(url);
  std::error_code ec;
  if (!fs::is_directory(source, ec))
    return tool_reply::fail("Source directory does not exist: " + url);
  bool single = false;
  auto found = packages_in(source, single);
  if (found.empty()) {
    return tool_reply::fail(
        "No packages found. Expected init.lua at root (single) or */init.lua (collection).");
  }
  if (!single && name) {
    return tool_reply::fail(
        "The 'name' parameter is only supported for single-package dirs (init.lua at root).");
  }
  if (single) found.front().first = name.value_or(clean_dir_name(source));
  for (const auto& [package, dir] : found) {
    if (package.find("..") != std::string::npos || package.find('/') != std::string::npos) {
      return tool_reply::fail("Invalid path component in '" + package +
                              "': path traversal detected");
    }
    if (auto problem = check_package_name(package)) return tool_reply::fail(*problem);
  }
  fs::create_directories(settings.packages_dir, ec);
  if (ec) return tool_reply::fail("packages dir " + settings.packages_dir + ": " + ec.message());
  json installed = json::array();
  json updated = json::array();
  for (const auto& [package, dir] : found) {
    const fs::path dest = fs::path(settings.packages_dir) / package;
    const bool existed = fs::exists(fs::symlink_status(dest, ec));
    if (existed) fs::remove_all(dest, ec);  // a link goes, never what it points at
    fs::copy(dir, dest, fs::copy_options::recursive, ec);
    if (ec) return tool_reply::fail("Failed to copy package '" + package + "': " + ec.message());
    (single || !existed ? installed : updated).push_back(package);
  }
  if (single) return tool_reply::ok({{"installed", installed}, {"mode", "local_single"}});
  return tool_reply::ok({{"installed", installed},
                         {"updated", updated},
                         {"mode", "local_collection"},
                         {"cards_installed", 0}});
}

bool package_exists(const package_settings& settings, const std::string& name) {
  std::string relative = name;
  std::replace(relative.begin(), relative.end(), '.', '/');
  for (const auto& root : settings.roots) {
    std::error_code ec;
    if (fs::is_regular_file(fs::path(root.path) / (relative + ".lua"), ec) ||
        fs::is_regular_file(fs::path(root.path) / relative / "init.lua", ec)) {
      return true;
    }
  }
  return false;
}

}  // namespace alc::cli::mcp
