#pragma once
// Where cards live: the few durable operations the card service needs, so
// the storage (files today, a database later) can change without touching
// the rules of alc.card.

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace alc {

/// One stored card.
struct stored_card {
  std::string pkg;      ///< the package it is filed under
  std::string file_id;  ///< the id it is filed under (its `card_id` as created)
  nlohmann::json body;  ///< the card (an object)
};

/// What an exclusive write did: nothing when the record existed already.
struct write_once {
  bool written = false;
  std::string location;  ///< the record's path (for `create`'s and `write_samples`' reply)
};

/// Every write is durable before it returns and exclusive writes are
/// atomic: a record is either absent or complete. Implementations need not
/// be thread-safe: one owner (the store actor) serialises all calls. Errors
/// are messages a script can act on.
class card_repository {
 public:
  template <class T>
  using result = std::variant<T, std::string>;
  using sample_visitor = std::function<bool(const nlohmann::json& row)>;  ///< false: stop

  virtual ~card_repository() = default;

  /// Files a new card, unless `<pkg>/<id>` exists.
  virtual result<write_once> insert_card(const std::string& pkg, const std::string& id,
                                         const nlohmann::json& card) = 0;
  /// Replaces the body of a card that exists (`append`).
  virtual result<std::monostate> replace_card(const stored_card& card) = 0;
  /// The card filed under `id` in any package; nullopt when there is none,
  /// an error when it is there but unreadable.
  virtual result<std::optional<stored_card>> find_card(const std::string& id) = 0;
  /// Every readable card, of one package when `pkg` is given, in store
  /// order; unreadable ones are skipped.
  virtual result<std::vector<stored_card>> scan(const std::optional<std::string>& pkg) = 0;

  /// Files a card's sample rows, unless it has some already.
  virtual result<write_once> insert_samples(const stored_card& card,
                                            const std::vector<nlohmann::json>& rows) = 0;
  /// Visits a card's sample rows in order; false when it has none.
  virtual result<bool> visit_samples(const stored_card& card, const sample_visitor& visit) = 0;

  /// The alias table: an array of alias objects, empty when there is none.
  virtual result<nlohmann::json> aliases() = 0;
  /// Replaces the alias table.
  virtual result<std::monostate> store_aliases(const nlohmann::json& aliases) = 0;
};

}  // namespace alc
