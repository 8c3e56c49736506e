#pragma once

#include <filesystem>
#include <string>

#include "actors/card_repository.hpp"

namespace alc {

/// The card store on disk (alc-card.md §3), under one root:
///   <root>/<pkg>/<card_id>.toml            a card
///   <root>/<pkg>/<card_id>.samples.jsonl   its sample rows, one JSON value a line
///   <root>/_aliases.toml                   the alias table, `[[alias]]` entries
/// Every write goes to a temporary file (`<file>.tmp.<pid>.<n>`, which no
/// reader takes for a card) that is fsynced and then renamed, or linked for
/// an exclusive create, over the target; the directory is fsynced too.
class card_files final : public card_repository {
 public:
  explicit card_files(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }

  result<write_once> insert_card(const std::string& pkg, const std::string& id,
                                 const nlohmann::json& card) override;
  result<std::monostate> replace_card(const stored_card& card) override;
  result<std::optional<stored_card>> find_card(const std::string& id) override;
  result<std::vector<stored_card>> scan(const std::optional<std::string>& pkg) override;
  result<write_once> insert_samples(const stored_card& card,
                                    const std::vector<nlohmann::json>& rows) override;
  result<bool> visit_samples(const stored_card& card, const sample_visitor& visit) override;
  result<nlohmann::json> aliases() override;
  result<std::monostate> store_aliases(const nlohmann::json& aliases) override;

 private:
  std::filesystem::path card_path(const std::string& pkg, const std::string& id) const;
  std::filesystem::path samples_path(const stored_card& card) const;
  /// A fresh temporary name beside `target`.
  std::filesystem::path temp_for(const std::filesystem::path& target);
  /// The package directories, sorted by name (every directory under the root).
  std::vector<std::filesystem::path> package_dirs() const;

  std::filesystem::path root_;
  uint64_t temp_counter_ = 0;
};

}  // namespace alc
