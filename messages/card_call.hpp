#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace alc {

/// The operations of `alc.card` (docs/lua-api.md).
enum class card_op {
  create,
  get,
  list,
  append,
  get_by_alias,
  alias_set,
  alias_list,
  find,
  write_samples,
  read_samples,
  lineage,
  sink_backfill,
};

/// The Lua name of the operation (`create`, `get_by_alias` ...).
std::string_view to_string(card_op op);
std::optional<card_op> parse_card_op(std::string_view text);

/// One `alc.card.*` call, from the VM to the store. The arguments travel as
/// the script gave them (as JSON, nil as null): the store owns every rule
/// about their shape, so the same checks hold whoever sends the call.
struct card_call {
  card_op op = card_op::get;
  std::vector<nlohmann::json> args;

  /// Argument `i`, null when the script passed fewer.
  const nlohmann::json& arg(std::size_t i) const;

  friend bool operator==(const card_call& a, const card_call& b) {
    return a.op == b.op && a.args == b.args;
  }
};

}  // namespace alc
