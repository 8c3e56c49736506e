#include "actors/card_lineage.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "actors/card_query.hpp"

namespace alc {
namespace {

using nlohmann::json;

const std::string* text_at(const json& body, const char* section, const char* key) {
  const json* value = value_at(body, {section, key});
  return value != nullptr && value->is_string() ? &value->get_ref<const std::string&>() : nullptr;
}

const std::string* parent_of(const stored_card& card) {
  return text_at(card.body, "metadata", "prior_card_id");
}
const std::string* relation_of(const stored_card& card) {
  return text_at(card.body, "metadata", "prior_relation");
}

class lineage_walk {
 public:
  lineage_walk(const std::vector<stored_card>& cards, const lineage_query& query)
      : cards_(cards), query_(query) {
    for (std::size_t i = 0; i < cards.size(); ++i) {
      by_id_.emplace(id_of(cards[i]), i);  // the first card of an id wins
      if (const auto* parent = parent_of(cards[i])) children_[*parent].push_back(i);
    }
  }

  json run() {
    const auto root = by_id_.find(query_.card_id);
    if (root == by_id_.end()) return nullptr;
    visit(root->second, 0);
    bool truncated = false;
    if (query_.way != lineage_query::direction::down)
      truncated = walk_up(root->second) || truncated;
    if (query_.way != lineage_query::direction::up)
      truncated = walk_down(root->second) || truncated;
    return {
        {"root", query_.card_id}, {"nodes", nodes_}, {"edges", edges_}, {"truncated", truncated}};
  }

 private:
  bool passes(const stored_card& child) const {
    if (!query_.relation_filter) return true;
    const auto* relation = relation_of(child);
    if (relation == nullptr) return false;
    const auto& filter = *query_.relation_filter;
    return std::find(filter.begin(), filter.end(), *relation) != filter.end();
  }

  /// The existing, unvisited parent of a card, if any.
  std::optional<std::size_t> open_parent(const stored_card& card) const {
    const auto* parent = parent_of(card);
    if (parent == nullptr) return std::nullopt;
    const auto found = by_id_.find(*parent);
    if (found == by_id_.end() || visited_.count(found->second) != 0) return std::nullopt;
    return found->second;
  }

  // Upwards: parent after parent while steps remain. Truncated when the
  // steps ran out with a parent still there (whatever its relation).
  bool walk_up(std::size_t current) {
    for (int64_t step = 1;; ++step) {
      const auto parent = open_parent(cards_[current]);
      if (step > query_.depth) return parent.has_value();
      if (!parent || !passes(cards_[current])) return false;
      visit(*parent, -step);
      link(current, *parent);
      current = *parent;
    }
  }

  // Downwards: breadth first, children in store order. Truncated when the
  // last level reached still has a child that would be followed.
  bool walk_down(std::size_t root) {
    std::vector<std::size_t> level{root};
    for (int64_t depth = 1; depth <= query_.depth && !level.empty(); ++depth) {
      std::vector<std::size_t> next;
      for (const std::size_t parent : level) {
        for (const std::size_t child : open_children(parent)) {
          visit(child, depth);
          link(child, parent);
          next.push_back(child);
        }
      }
      level = std::move(next);
    }
    for (const std::size_t parent : level) {
      if (!open_children(parent).empty()) return true;
    }
    return false;
  }

  std::vector<std::size_t> open_children(std::size_t parent) const {
    std::vector<std::size_t> out;
    const auto found = children_.find(id_of(cards_[parent]));
    if (found == children_.end()) return out;
    for (const std::size_t child : found->second) {
      if (visited_.count(child) == 0 && passes(cards_[child])) out.push_back(child);
    }
    return out;
  }

  void visit(std::size_t index, int64_t depth) {
    visited_.insert(index);
    const stored_card& card = cards_[index];
    json node = {{"card_id", id_of(card)}, {"pkg", card.pkg}, {"depth", depth}};
    if (const auto* parent = parent_of(card)) node["prior_card_id"] = *parent;
    if (const auto* relation = relation_of(card)) node["prior_relation"] = *relation;
    if (query_.include_stats) {
      const auto stats = card.body.find("stats");
      if (stats != card.body.end() && stats->is_object()) node["stats"] = *stats;
    }
    nodes_.push_back(std::move(node));
  }

  void link(std::size_t child, std::size_t parent) {
    json edge = {{"from", id_of(cards_[child])}, {"to", id_of(cards_[parent])}};
    if (const auto* relation = relation_of(cards_[child])) edge["relation"] = *relation;
    edges_.push_back(std::move(edge));
  }

  const std::vector<stored_card>& cards_;
  const lineage_query& query_;
  std::unordered_map<std::string, std::size_t> by_id_;
  std::unordered_map<std::string, std::vector<std::size_t>> children_;
  std::unordered_set<std::size_t> visited_;
  json nodes_ = json::array();
  json edges_ = json::array();
};

}  // namespace

std::string id_of(const stored_card& card) {
  const auto id = card.body.find("card_id");
  if (id != card.body.end() && id->is_string()) return id->get<std::string>();
  return card.file_id;
}

json trace_lineage(const std::vector<stored_card>& cards, const lineage_query& query) {
  return lineage_walk(cards, query).run();
}

}  // namespace alc
