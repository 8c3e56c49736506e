#include "actors/card_service.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <utility>

#include "actors/card_lineage.hpp"
#include "actors/card_query.hpp"
#include "actors/card_text.hpp"
#include "messages/state_names.hpp"

#ifndef ALC_VERSION
#define ALC_VERSION "0"
#endif

namespace alc {
namespace {

using nlohmann::json;

/// Why an argument is refused: the message of the error the script raises.
struct refusal {
  std::string message;
};

/// An argument's value, or why it is refused.
template <class T>
using checked = std::variant<T, refusal>;

template <class T>
const std::string* error_of(const checked<T>& result) {
  const auto* refused = std::get_if<refusal>(&result);
  return refused != nullptr ? &refused->message : nullptr;
}

/// The repository's failures (and the query parsers') are plain messages.
template <class T>
const std::string* error_of(const std::variant<T, std::string>& result) {
  return std::get_if<std::string>(&result);
}

std::string who(card_op op) {
  return "alc.card." + std::string(to_string(op));
}

/// Card ids, package and alias names become file names: the state store's
/// namespace rule (no empty name, '/', '\', "..", NUL) keeps them inside the store.
std::optional<std::string> name_error(const std::string& name, const char* kind) {
  if (invalid_state_namespace_reason(name) == nullptr) return std::nullopt;
  return "Invalid " + std::string(kind) + " name: '" + name + "'";
}

/// A string argument, or an error naming it.
checked<std::string> string_arg(const card_call& call, std::size_t index, const char* name) {
  const json& value = call.arg(index);
  if (!value.is_string()) return refusal{who(call.op) + ": " + name + " must be a string"};
  return value.get<std::string>();
}

/// A table argument that may be absent: an object (empty when absent).
checked<json> options_arg(const card_call& call, std::size_t index, const char* name) {
  const json& value = call.arg(index);
  if (value.is_null()) return json::object();
  if (!value.is_object()) return refusal{who(call.op) + ": " + name + " must be a table"};
  return value;
}

/// `table[key]` when it is a string; nullopt when absent; an error otherwise.
checked<std::optional<std::string>> optional_string(const json& table, const char* key,
                                                    const std::string& context) {
  const auto it = table.find(key);
  if (it == table.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return refusal{context + ": " + key + " must be a string"};
  return std::optional<std::string>{it->get<std::string>()};
}

/// A non-negative integer option (`limit`, `offset`, `depth`); an integral
/// float counts (Lua's 2.0).
checked<std::optional<int64_t>> optional_count(const json& table, const char* key,
                                               const std::string& context) {
  const auto it = table.find(key);
  if (it == table.end() || it->is_null()) return std::optional<int64_t>{};
  const refusal error{context + ": " + key + " must be a non-negative integer"};
  if (it->is_number_unsigned()) {
    return std::optional<int64_t>{
        static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), INT64_MAX))};
  }
  if (it->is_number_integer()) {
    if (it->get<int64_t>() < 0) return error;
    return std::optional<int64_t>{it->get<int64_t>()};
  }
  if (it->is_number_float()) {
    const double value = it->get<double>();
    if (!(value >= 0) || std::floor(value) != value || value > 9.2e18) return error;
    return std::optional<int64_t>{static_cast<int64_t>(value)};
  }
  return error;
}

/// The string at `section.key` of a card, if it is one.
const std::string* text_at(const json& body, const char* section, const char* key) {
  const json* value = value_at(body, {section, key});
  return value != nullptr && value->is_string() ? &value->get_ref<const std::string&>() : nullptr;
}

const std::string* created_at_of(const stored_card& card) {
  const auto it = card.body.find("created_at");
  return it != card.body.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

/// A row of list and find (§4.1). Any number counts as a pass rate (the
/// original lists only floats there: alc's is the superset).
json summary_of(const stored_card& card) {
  json row = {{"card_id", id_of(card)}, {"pkg", card.pkg}};
  if (const auto* created = created_at_of(card)) row["created_at"] = *created;
  if (const auto* model = text_at(card.body, "model", "id")) row["model"] = *model;
  if (const auto* scenario = text_at(card.body, "scenario", "name")) row["scenario"] = *scenario;
  if (const json* rate = value_at(card.body, {"stats", "pass_rate"}); rate && rate->is_number()) {
    row["pass_rate"] = *rate;
  }
  return row;
}

/// Newest first: `created_at` descending (cards without it last), then
/// `card_id` descending.
bool newer_first(const stored_card& a, const stored_card& b) {
  const std::string* x = created_at_of(a);
  const std::string* y = created_at_of(b);
  if ((x == nullptr) != (y == nullptr)) return x != nullptr;
  if (x != nullptr && *x != *y) return *x > *y;
  return id_of(a) > id_of(b);
}

json summaries(const std::vector<stored_card>& cards) {
  json rows = json::array();
  for (const auto& card : cards) rows.push_back(summary_of(card));
  return rows;
}

/// The card as TOML will hold it: no null members, no null elements.
json without_nulls(const json& value) {
  if (value.is_object()) {
    json out = json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!it->is_null()) out[it.key()] = without_nulls(*it);
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) {
      if (!item.is_null()) out.push_back(without_nulls(item));
    }
    return out;
  }
  return value;
}

/// `model.id` without a leading `claude-`/`gpt-`, ASCII letters and digits
/// only: `claude-opus-4-6` is `opus46`.
std::string short_model(const json& card) {
  const std::string* id = text_at(card, "model", "id");
  std::string_view rest = id != nullptr ? std::string_view(*id) : std::string_view();
  for (const std::string_view prefix : {"claude-", "gpt-"}) {
    if (rest.substr(0, prefix.size()) == prefix) {
      rest.remove_prefix(prefix.size());
      break;
    }
  }
  std::string out;
  for (const char c : rest) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out += c;
  }
  return out.empty() ? "model" : out;
}

checked<std::optional<card_predicate>> optional_where(const json& table) {
  const auto it = table.find("where");
  if (it == table.end() || it->is_null()) return std::optional<card_predicate>{};
  auto parsed = card_predicate::parse(*it);
  if (const auto* error = error_of(parsed)) return refusal{*error};
  return std::optional<card_predicate>{std::get<card_predicate>(std::move(parsed))};
}

}  // namespace

card_service::card_service(std::unique_ptr<card_repository> store, clock now)
    : store_(std::move(store)), now_(std::move(now)) {}

int64_t card_service::system_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

card_service::outcome card_service::execute(const card_call& call) {
  try {
    switch (call.op) {
      case card_op::create:
        return create(call);
      case card_op::get:
        return get(call);
      case card_op::list:
        return list(call);
      case card_op::append:
        return append(call);
      case card_op::get_by_alias:
        return get_by_alias(call);
      case card_op::alias_set:
        return alias_set(call);
      case card_op::alias_list:
        return alias_list(call);
      case card_op::find:
        return find(call);
      case card_op::write_samples:
        return write_samples(call);
      case card_op::read_samples:
        return read_samples(call);
      case card_op::lineage:
        return lineage(call);
      case card_op::sink_backfill:
        return sink_backfill(call);
    }
    return std::string("alc.card: unknown operation");
  } catch (const std::exception& e) {
    return who(call.op) + ": " + e.what();
  }
}

card_service::outcome card_service::create(const card_call& call) {
  json card = call.arg(0);
  if (!card.is_object()) return std::string("alc.card.create: input must be a table");
  const std::string* pkg = text_at(card, "pkg", "name");
  if (pkg == nullptr) return std::string("alc.card.create: pkg.name is required");
  const std::string pkg_name = *pkg;
  if (auto error = name_error(pkg_name, "pkg")) return *error;

  const int64_t now = now_();
  if (!card.contains("schema_version")) card["schema_version"] = "card/v0";
  if (!card.contains("created_at")) card["created_at"] = card_text::utc_timestamp(now);
  if (!card.contains("created_by")) card["created_by"] = "alc@" ALC_VERSION;
  if (const auto params = card.find("params"); params != card.end() && params->is_object()) {
    card["param_fingerprint"] = card_text::hex16(card_text::djb2_64(card_text::canonical(*params)));
  }
  std::string id;
  if (const auto given = card.find("card_id");
      given != card.end() && given->is_string() && !given->get_ref<const std::string&>().empty()) {
    id = given->get<std::string>();
  } else {
    // The hash covers the card as it stands, whatever `card_id` it holds.
    const std::string hash = card_text::hex16(card_text::djb2_64(card_text::canonical(card)));
    id = pkg_name + "_" + short_model(card) + "_" + card_text::compact_timestamp(now) + "_" +
         hash.substr(hash.size() - 6);
  }
  if (auto error = name_error(id, "card_id")) return *error;
  card["card_id"] = id;

  auto written = store_->insert_card(pkg_name, id, without_nulls(card));
  if (const auto* error = error_of(written)) return *error;
  const auto& result = std::get<write_once>(written);
  if (!result.written) return "alc.card.create: card '" + id + "' already exists (immutable)";
  return json{{"card_id", id}, {"path", result.location}};
}

card_service::outcome card_service::get(const card_call& call) {
  auto id = string_arg(call, 0, "card_id");
  if (const auto* error = error_of(id)) return *error;
  if (auto error = name_error(std::get<std::string>(id), "card_id")) return *error;
  auto found = store_->find_card(std::get<std::string>(id));
  if (const auto* error = error_of(found)) return *error;
  const auto& card = std::get<std::optional<stored_card>>(found);
  return card ? card->body : json();
}

card_service::outcome card_service::list(const card_call& call) {
  auto filter = options_arg(call, 0, "filter");
  if (const auto* error = error_of(filter)) return *error;
  auto pkg = optional_string(std::get<json>(filter), "pkg", who(call.op));
  if (const auto* error = error_of(pkg)) return *error;
  const auto& pkg_name = std::get<std::optional<std::string>>(pkg);
  if (pkg_name) {
    if (auto error = name_error(*pkg_name, "pkg")) return *error;
  }
  auto cards = store_->scan(pkg_name);
  if (const auto* error = error_of(cards)) return *error;
  auto& found = std::get<std::vector<stored_card>>(cards);
  std::stable_sort(found.begin(), found.end(), newer_first);
  return summaries(found);
}

card_service::outcome card_service::append(const card_call& call) {
  auto id_arg = string_arg(call, 0, "card_id");
  if (const auto* error = error_of(id_arg)) return *error;
  const std::string& id = std::get<std::string>(id_arg);
  if (auto error = name_error(id, "card_id")) return *error;
  auto found = store_->find_card(id);
  if (const auto* error = error_of(found)) return *error;
  auto& card = std::get<std::optional<stored_card>>(found);
  if (!card) return "alc.card.append: card '" + id + "' not found";
  const json& fields = call.arg(1);
  if (!fields.is_object()) return std::string("alc.card.append: fields must be a table");
  // Every key is checked before anything is written: a failing append changes nothing.
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (card->body.contains(it.key())) {
      return "alc.card.append: key '" + it.key() + "' already set on card '" + id + "' (immutable)";
    }
  }
  bool added = false;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it->is_null()) continue;
    card->body[it.key()] = without_nulls(*it);
    added = true;
  }
  if (added) {
    auto replaced = store_->replace_card(*card);
    if (const auto* error = error_of(replaced)) return *error;
  }
  return card->body;
}

card_service::outcome card_service::get_by_alias(const card_call& call) {
  auto name_arg = string_arg(call, 0, "name");
  if (const auto* error = error_of(name_arg)) return *error;
  const std::string& name = std::get<std::string>(name_arg);
  if (auto error = name_error(name, "alias")) return *error;
  auto table = store_->aliases();
  if (const auto* error = error_of(table)) return *error;
  for (const auto& entry : std::get<json>(table)) {
    if (!entry.is_object()) continue;
    const auto entry_name = entry.find("name");
    const auto target = entry.find("card_id");
    if (entry_name == entry.end() || *entry_name != name || target == entry.end() ||
        !target->is_string()) {
      continue;
    }
    const std::string id = target->get<std::string>();
    if (name_error(id, "card_id")) break;  // cannot name a card: points nowhere
    auto found = store_->find_card(id);
    if (const auto* error = error_of(found)) return *error;
    const auto& card = std::get<std::optional<stored_card>>(found);
    if (card) return card->body;
    return "alc.card.get_by_alias: alias '" + name + "' points at missing card '" + id + "'";
  }
  return json();
}

card_service::outcome card_service::alias_set(const card_call& call) {
  auto name_arg = string_arg(call, 0, "name");
  if (const auto* error = error_of(name_arg)) return *error;
  auto id_arg = string_arg(call, 1, "card_id");
  if (const auto* error = error_of(id_arg)) return *error;
  auto opts = options_arg(call, 2, "opts");
  if (const auto* error = error_of(opts)) return *error;
  const std::string& name = std::get<std::string>(name_arg);
  const std::string& id = std::get<std::string>(id_arg);
  if (auto error = name_error(name, "alias")) return *error;
  if (auto error = name_error(id, "card_id")) return *error;
  auto pkg = optional_string(std::get<json>(opts), "pkg", who(call.op));
  if (const auto* error = error_of(pkg)) return *error;
  auto note = optional_string(std::get<json>(opts), "note", who(call.op));
  if (const auto* error = error_of(note)) return *error;

  auto found = store_->find_card(id);
  if (const auto* error = error_of(found)) return *error;
  if (!std::get<std::optional<stored_card>>(found)) {
    return "alc.card.alias_set: card '" + id + "' not found";
  }
  auto loaded = store_->aliases();
  if (const auto* error = error_of(loaded)) return *error;
  json table = json::array();
  for (const auto& entry : std::get<json>(loaded)) {
    const bool same_name = entry.is_object() && entry.contains("name") && entry["name"] == name;
    if (!same_name) table.push_back(entry);  // replaced: the new entry goes last
  }
  json entry = {{"name", name}, {"card_id", id}, {"set_at", card_text::utc_timestamp(now_())}};
  if (const auto& p = std::get<std::optional<std::string>>(pkg)) entry["pkg"] = *p;
  if (const auto& n = std::get<std::optional<std::string>>(note)) entry["note"] = *n;
  table.push_back(entry);
  auto stored = store_->store_aliases(table);
  if (const auto* error = error_of(stored)) return *error;
  return entry;
}

card_service::outcome card_service::alias_list(const card_call& call) {
  auto filter = options_arg(call, 0, "filter");
  if (const auto* error = error_of(filter)) return *error;
  auto pkg = optional_string(std::get<json>(filter), "pkg", who(call.op));
  if (const auto* error = error_of(pkg)) return *error;
  const auto& wanted = std::get<std::optional<std::string>>(pkg);
  auto table = store_->aliases();
  if (const auto* error = error_of(table)) return *error;
  json rows = json::array();
  for (const auto& entry : std::get<json>(table)) {
    if (!entry.is_object()) continue;
    const auto name = entry.find("name");
    const auto id = entry.find("card_id");
    if (name == entry.end() || !name->is_string() || id == entry.end() || !id->is_string()) {
      continue;
    }
    const auto entry_pkg = entry.find("pkg");
    const bool has_pkg = entry_pkg != entry.end() && entry_pkg->is_string();
    if (wanted && (!has_pkg || *entry_pkg != *wanted)) continue;
    json row = {{"name", *name}, {"card_id", *id}, {"set_at", ""}};
    if (const auto set_at = entry.find("set_at"); set_at != entry.end() && set_at->is_string()) {
      row["set_at"] = *set_at;
    }
    if (has_pkg) row["pkg"] = *entry_pkg;
    if (const auto note = entry.find("note"); note != entry.end() && note->is_string()) {
      row["note"] = *note;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

card_service::outcome card_service::find(const card_call& call) {
  const std::string context = who(call.op);
  auto query_arg = options_arg(call, 0, "query");
  if (const auto* error = error_of(query_arg)) return *error;
  const json& query = std::get<json>(query_arg);
  auto pkg = optional_string(query, "pkg", context);
  if (const auto* error = error_of(pkg)) return *error;
  const auto& pkg_name = std::get<std::optional<std::string>>(pkg);
  if (pkg_name) {
    if (auto error = name_error(*pkg_name, "pkg")) return *error;
  }
  auto where = optional_where(query);
  if (const auto* error = error_of(where)) return *error;
  std::vector<card_sort_key> keys;
  if (const auto order_by = query.find("order_by");
      order_by != query.end() && !order_by->is_null()) {
    auto parsed = parse_order_by(*order_by);
    if (const auto* error = error_of(parsed)) return *error;
    keys = std::get<std::vector<card_sort_key>>(std::move(parsed));
  }
  auto limit = optional_count(query, "limit", context);
  if (const auto* error = error_of(limit)) return *error;
  auto offset = optional_count(query, "offset", context);
  if (const auto* error = error_of(offset)) return *error;

  auto scanned = store_->scan(pkg_name);
  if (const auto* error = error_of(scanned)) return *error;
  std::vector<stored_card> cards;
  const auto& predicate = std::get<std::optional<card_predicate>>(where);
  for (auto& card : std::get<std::vector<stored_card>>(scanned)) {
    if (!predicate || predicate->matches(card.body)) cards.push_back(std::move(card));
  }
  // One order for every query: the keys, then newest first.
  std::stable_sort(cards.begin(), cards.end(), [&keys](const stored_card& a, const stored_card& b) {
    for (const auto& key : keys) {
      int order = compare_for_sort(value_at(a.body, key.path), value_at(b.body, key.path));
      if (key.descending) order = -order;
      if (order != 0) return order < 0;
    }
    return newer_first(a, b);
  });
  const auto skip = static_cast<std::size_t>(std::min<int64_t>(
      std::get<std::optional<int64_t>>(offset).value_or(0), static_cast<int64_t>(cards.size())));
  cards.erase(cards.begin(), cards.begin() + static_cast<std::ptrdiff_t>(skip));
  if (const auto& cap = std::get<std::optional<int64_t>>(limit);
      cap && static_cast<uint64_t>(*cap) < cards.size()) {
    cards.resize(static_cast<std::size_t>(*cap));
  }
  return summaries(cards);
}

card_service::outcome card_service::write_samples(const card_call& call) {
  auto id_arg = string_arg(call, 0, "card_id");
  if (const auto* error = error_of(id_arg)) return *error;
  const std::string& id = std::get<std::string>(id_arg);
  if (auto error = name_error(id, "card_id")) return *error;
  const json& rows = call.arg(1);
  if (!rows.is_array()) return std::string("alc.card.write_samples: samples must be an array");
  auto found = store_->find_card(id);
  if (const auto* error = error_of(found)) return *error;
  const auto& card = std::get<std::optional<stored_card>>(found);
  if (!card) return "card '" + id + "' not found";
  auto written = store_->insert_samples(*card, rows.get<std::vector<json>>());
  if (const auto* error = error_of(written)) return *error;
  const auto& result = std::get<write_once>(written);
  if (!result.written) {
    return "alc.card.write_samples: samples already exist for card '" + id + "' (write-once)";
  }
  return json{{"path", result.location}, {"count", rows.size()}};
}

card_service::outcome card_service::read_samples(const card_call& call) {
  const std::string context = who(call.op);
  auto id_arg = string_arg(call, 0, "card_id");
  if (const auto* error = error_of(id_arg)) return *error;
  const std::string& id = std::get<std::string>(id_arg);
  if (auto error = name_error(id, "card_id")) return *error;
  auto opts_arg = options_arg(call, 1, "opts");
  if (const auto* error = error_of(opts_arg)) return *error;
  const json& opts = std::get<json>(opts_arg);
  auto offset = optional_count(opts, "offset", context);
  if (const auto* error = error_of(offset)) return *error;
  auto limit = optional_count(opts, "limit", context);
  if (const auto* error = error_of(limit)) return *error;
  auto where = optional_where(opts);
  if (const auto* error = error_of(where)) return *error;

  auto found = store_->find_card(id);
  if (const auto* error = error_of(found)) return *error;
  const auto& card = std::get<std::optional<stored_card>>(found);
  if (!card) return "card '" + id + "' not found";
  json rows = json::array();
  const auto& predicate = std::get<std::optional<card_predicate>>(where);
  const int64_t skip = std::get<std::optional<int64_t>>(offset).value_or(0);
  const auto cap = std::get<std::optional<int64_t>>(limit);
  if (cap && *cap == 0) return rows;
  int64_t skipped = 0;
  auto visited = store_->visit_samples(*card, [&](const json& row) {
    if (predicate && !predicate->matches(row)) return true;
    if (skipped < skip) {
      ++skipped;
      return true;
    }
    rows.push_back(row);
    return !cap || static_cast<int64_t>(rows.size()) < *cap;
  });
  if (const auto* error = error_of(visited)) return *error;
  return rows;
}

card_service::outcome card_service::lineage(const card_call& call) {
  const std::string context = who(call.op);
  const json& query = call.arg(0);
  if (!query.is_object()) return std::string("alc.card.lineage: query must be a table");
  lineage_query parsed;
  const auto id = query.find("card_id");
  if (id == query.end() || !id->is_string()) return context + ": card_id is required";
  parsed.card_id = id->get<std::string>();
  if (auto error = name_error(parsed.card_id, "card_id")) return *error;
  if (const auto way = query.find("direction"); way != query.end() && !way->is_null()) {
    // A non-string never matches: no JSON text of one is up, down or both.
    const std::string text = way->is_string() ? way->get<std::string>() : way->dump();
    if (text == "up") {
      parsed.way = lineage_query::direction::up;
    } else if (text == "down") {
      parsed.way = lineage_query::direction::down;
    } else if (text == "both") {
      parsed.way = lineage_query::direction::both;
    } else {
      return "direction must be 'up', 'down', or 'both' (got '" + text + "')";
    }
  }
  auto depth = optional_count(query, "depth", context);
  if (const auto* error = error_of(depth)) return *error;
  parsed.depth = std::get<std::optional<int64_t>>(depth).value_or(parsed.depth);
  if (const auto stats = query.find("include_stats"); stats != query.end() && !stats->is_null()) {
    if (!stats->is_boolean()) return context + ": include_stats must be a boolean";
    parsed.include_stats = stats->get<bool>();
  }
  if (const auto filter = query.find("relation_filter");
      filter != query.end() && !filter->is_null()) {
    const std::string error = context + ": relation_filter must be an array of strings";
    if (!filter->is_array()) return error;
    std::vector<std::string> relations;
    for (const auto& relation : *filter) {
      if (!relation.is_string()) return error;
      relations.push_back(relation.get<std::string>());
    }
    parsed.relation_filter = std::move(relations);
  }
  auto cards = store_->scan(std::nullopt);
  if (const auto* error = error_of(cards)) return *error;
  return trace_lineage(std::get<std::vector<stored_card>>(cards), parsed);
}

card_service::outcome card_service::sink_backfill(const card_call& call) {
  const json& params = call.arg(0);
  if (!params.is_object()) return std::string("alc.card.sink_backfill: params must be a table");
  auto sink = optional_string(params, "sink", who(call.op));
  if (const auto* error = error_of(sink)) return *error;
  const auto& uri = std::get<std::optional<std::string>>(sink);
  if (!uri) return std::string("alc.card.sink_backfill: sink is required");
  // No mirrors are configured in alc (alc-card.md §5): every sink is unknown.
  return "unknown sink: " + *uri;
}

}  // namespace alc
