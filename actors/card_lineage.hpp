#pragma once
// alc.card.lineage (alc-card.md §4.3): the ancestry of a card through its
// `metadata.prior_card_id`, upwards, downwards or both.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/card_repository.hpp"

namespace alc {

struct lineage_query {
  enum class direction { up, down, both };
  std::string card_id;
  direction way = direction::up;
  int64_t depth = 10;  ///< steps each way; 0: the root alone
  bool include_stats = true;
  std::optional<std::vector<std::string>> relation_filter;  ///< edges followed; none: all
};

/// `{root, nodes, edges, truncated}` over `cards` (the whole store, in store
/// order), or null when no card has the query's id.
nlohmann::json trace_lineage(const std::vector<stored_card>& cards, const lineage_query& query);

/// A card's id: its `card_id` when that is a string, else its file's.
std::string id_of(const stored_card& card);

}  // namespace alc
