#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <variant>

#include <nlohmann/json.hpp>

#include "messages/state_call.hpp"

namespace alc {

/// The `alc.state` store on disk: one JSON object per namespace, in
/// `<dir>/<namespace>.json`. Every write is durable before it returns
/// (temp file, fsync, rename, fsync of the directory), so a crash leaves
/// each file holding either the old or the new document, never a torn one.
/// Not thread-safe: one owner (the state store actor) serialises access.
class state_files {
 public:
  /// A value, or an error message a script can act on.
  using outcome = std::variant<nlohmann::json, std::string>;

  explicit state_files(std::filesystem::path dir);

  /// Runs one `alc.state` operation (get, set, set_nx, keys, delete, has,
  /// incr). incr needs both `delta` and `initial` (the VM fills in 1 and 0).
  outcome execute(const state_call& call);

  const std::filesystem::path& directory() const { return dir_; }

 private:
  /// The namespace document, read from disk on first use; an error if the
  /// file is not a JSON object (it is then left untouched).
  std::variant<nlohmann::json*, std::string> document(const std::string& ns);
  /// Writes the namespace document durably.
  std::string persist(const std::string& ns, const nlohmann::json& doc);

  std::filesystem::path dir_;
  std::unordered_map<std::string, nlohmann::json> documents_;
  uint64_t temp_counter_ = 0;
};

}  // namespace alc
