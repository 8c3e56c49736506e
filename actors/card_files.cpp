#include "actors/card_files.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "actors/card_toml.hpp"
#include "actors/durable_files.hpp"

namespace alc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view card_suffix = ".toml";
constexpr std::string_view samples_suffix = ".samples.jsonl";
constexpr const char* aliases_file = "_aliases.toml";

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

/// The whole file, or nullopt with `error` set (empty when it does not exist).
std::optional<std::string> read_text(const fs::path& path, std::string& error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    if (errno != ENOENT) error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    error = "read error";
    return std::nullopt;
  }
  return std::move(text).str();
}

/// A card file's JSON, or why not.
std::variant<json, std::string> load_card(const fs::path& path) {
  std::string error;
  auto text = read_text(path, error);
  if (!text) return "cannot read " + path.string() + ": " + (error.empty() ? "gone" : error);
  auto parsed = card_toml::read(*text);
  if (auto* message = std::get_if<std::string>(&parsed)) return *message;
  return std::get<json>(std::move(parsed));
}

std::string parse_error_text(const json::parse_error& error) {
  // Drop nlohmann's "[json.exception.parse_error.101] " tag.
  const std::string_view what = error.what();
  const auto tag_end = what.find("] ");
  return std::string(tag_end == std::string_view::npos ? what : what.substr(tag_end + 2));
}

template <class T>
card_repository::result<T> failed(std::string message) {
  return card_repository::result<T>{std::in_place_index<1>, std::move(message)};
}

}  // namespace

card_files::card_files(std::filesystem::path root) : root_(std::move(root)) {}

fs::path card_files::card_path(const std::string& pkg, const std::string& id) const {
  return root_ / pkg / (id + std::string(card_suffix));
}

fs::path card_files::samples_path(const stored_card& card) const {
  return root_ / card.pkg / (card.file_id + std::string(samples_suffix));
}

fs::path card_files::temp_for(const fs::path& target) {
  return target.string() + ".tmp." + std::to_string(::getpid()) + "." +
         std::to_string(++temp_counter_);
}

std::vector<fs::path> card_files::package_dirs() const {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) dirs.push_back(it->path());
  }
  // Sorted, so every scan (and "the first card of that id") is the same on
  // every file system.
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

card_repository::result<write_once> card_files::insert_card(const std::string& pkg,
                                                            const std::string& id,
                                                            const json& card) {
  const fs::path target = card_path(pkg, id);
  std::error_code ec;
  if (fs::exists(target, ec)) return write_once{false, target.string()};
  if (auto error = durable::make_directories(target.parent_path()); !error.empty()) {
    return failed<write_once>(std::move(error));
  }
  const auto outcome = durable::write_file(target, card_toml::write(card), temp_for(target),
                                           durable::publish::exclusive);
  if (!outcome.error.empty()) return failed<write_once>(outcome.error);
  return write_once{!outcome.exists, fs::absolute(target, ec).string()};
}

card_repository::result<std::monostate> card_files::replace_card(const stored_card& card) {
  const fs::path target = card_path(card.pkg, card.file_id);
  const auto outcome = durable::write_file(target, card_toml::write(card.body), temp_for(target),
                                           durable::publish::replace);
  if (!outcome.error.empty()) return failed<std::monostate>(outcome.error);
  return std::monostate{};
}

card_repository::result<std::optional<stored_card>> card_files::find_card(const std::string& id) {
  for (const auto& dir : package_dirs()) {
    const fs::path path = dir / (id + std::string(card_suffix));
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;
    auto loaded = load_card(path);
    if (auto* error = std::get_if<std::string>(&loaded)) {
      return failed<std::optional<stored_card>>("Failed to parse card '" + id + "': " + *error);
    }
    return std::optional<stored_card>{
        stored_card{dir.filename().string(), id, std::get<json>(std::move(loaded))}};
  }
  return std::optional<stored_card>{};
}

card_repository::result<std::vector<stored_card>> card_files::scan(
    const std::optional<std::string>& pkg) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  if (pkg) {
    if (fs::is_directory(root_ / *pkg, ec)) dirs.push_back(root_ / *pkg);
  } else {
    dirs = package_dirs();
  }
  std::vector<stored_card> cards;
  for (const auto& dir : dirs) {
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (ends_with(it->path().filename().string(), card_suffix) && it->is_regular_file(ec)) {
        files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      auto loaded = load_card(file);
      auto* body = std::get_if<json>(&loaded);
      if (body == nullptr || !body->is_object()) continue;  // unreadable: not listed
      std::string name = file.filename().string();
      name.resize(name.size() - card_suffix.size());
      cards.push_back(stored_card{dir.filename().string(), std::move(name), std::move(*body)});
    }
  }
  return cards;
}

card_repository::result<write_once> card_files::insert_samples(const stored_card& card,
                                                               const std::vector<json>& rows) {
  const fs::path target = samples_path(card);
  std::error_code ec;
  if (fs::exists(target, ec)) return write_once{false, target.string()};
  std::string text;
  for (const auto& row : rows) {
    text += row.dump(-1, ' ', false, json::error_handler_t::replace);
    text += '\n';
  }
  const auto outcome =
      durable::write_file(target, text, temp_for(target), durable::publish::exclusive);
  if (!outcome.error.empty()) return failed<write_once>(outcome.error);
  return write_once{!outcome.exists, fs::absolute(target, ec).string()};
}

card_repository::result<bool> card_files::visit_samples(const stored_card& card,
                                                        const sample_visitor& visit) {
  const fs::path path = samples_path(card);
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    if (errno == ENOENT) return false;
    return failed<bool>("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::string line;
  for (std::size_t i = 0; std::getline(file, line); ++i) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json row;
    try {
      row = json::parse(line);
    } catch (const json::parse_error& error) {
      return failed<bool>("Failed to parse sample line " + std::to_string(i) + ": " +
                          parse_error_text(error));
    }
    if (!visit(row)) break;
  }
  return true;
}

card_repository::result<json> card_files::aliases() {
  const fs::path path = root_ / aliases_file;
  std::string error;
  auto text = read_text(path, error);
  if (!text) {
    if (error.empty()) return json::array();
    return failed<json>("Failed to read aliases file: " + error);
  }
  auto parsed = card_toml::read(*text);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    return failed<json>("Failed to parse aliases file: " + *message);
  }
  const json& table = std::get<json>(parsed);
  const auto entries = table.find("alias");
  if (entries == table.end() || !entries->is_array()) return json::array();
  return *entries;
}

card_repository::result<std::monostate> card_files::store_aliases(const json& aliases) {
  if (auto error = durable::make_directories(root_); !error.empty()) {
    return failed<std::monostate>(std::move(error));
  }
  const fs::path target = root_ / aliases_file;
  const auto outcome = durable::write_file(target, card_toml::write(json{{"alias", aliases}}),
                                           temp_for(target), durable::publish::replace);
  if (!outcome.error.empty()) return failed<std::monostate>(outcome.error);
  return std::monostate{};
}

}  // namespace alc
