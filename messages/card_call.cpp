#include "messages/card_call.hpp"

#include "messages/name_table.hpp"

namespace alc {
namespace {

constexpr auto op_names = make_name_table<card_op>({
    {card_op::create, "create"},
    {card_op::get, "get"},
    {card_op::list, "list"},
    {card_op::append, "append"},
    {card_op::get_by_alias, "get_by_alias"},
    {card_op::alias_set, "alias_set"},
    {card_op::alias_list, "alias_list"},
    {card_op::find, "find"},
    {card_op::write_samples, "write_samples"},
    {card_op::read_samples, "read_samples"},
    {card_op::lineage, "lineage"},
    {card_op::sink_backfill, "sink_backfill"},
});

}  // namespace

std::string_view to_string(card_op op) {
  return op_names.name(op, "?");
}

std::optional<card_op> parse_card_op(std::string_view text) {
  return op_names.parse(text);
}

const nlohmann::json& card_call::arg(std::size_t i) const {
  static const nlohmann::json null_value;
  return i < args.size() ? args[i] : null_value;
}

}  // namespace alc
