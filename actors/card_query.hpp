#pragma once
// The query language of alc.card.find and read_samples (alc-card.md §4.2):
// `where` predicates and `order_by` keys over JSON documents.

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace alc {

/// A `where` table, checked once and then applied to many documents.
class card_predicate {
 public:
  /// The predicate of a `where` table, or why it is malformed
  /// (`_and must be an array of sub-predicates`).
  static std::variant<card_predicate, std::string> parse(const nlohmann::json& where);

  /// Whether `subject` (a card, or a sample row) satisfies it.
  bool matches(const nlohmann::json& subject) const;

  struct node;

 private:
  explicit card_predicate(std::shared_ptr<const node> root) : root_(std::move(root)) {}
  std::shared_ptr<const node> root_;
};

/// One `order_by` key: a dotted path, ascending unless written `-path`.
struct card_sort_key {
  std::vector<std::string> path;
  bool descending = false;
};

/// The keys of an `order_by` value (a string or an array of strings), or
/// why it is malformed.
std::variant<std::vector<card_sort_key>, std::string> parse_order_by(
    const nlohmann::json& order_by);

/// The value at `path` in `root`, or null when the path does not exist
/// (stepping into a non-table counts as not existing).
const nlohmann::json* value_at(const nlohmann::json& root, const std::vector<std::string>& path);

/// The order of two values under one ascending key: numbers by value,
/// strings by bytes, false before true; a missing value (null pointer)
/// after every present one; values of different kinds that cannot be
/// compared order by kind (numbers, strings, booleans, the rest), so the
/// order is total. Negative, zero or positive.
int compare_for_sort(const nlohmann::json* a, const nlohmann::json* b);

}  // namespace alc
