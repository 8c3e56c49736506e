#include "messages/state_call.hpp"

#include <array>
#include <utility>

namespace alc {
namespace {

constexpr std::array<std::pair<state_op, std::string_view>, 7> op_names{{
    {state_op::get, "get"},
    {state_op::set, "set"},
    {state_op::set_nx, "set_nx"},
    {state_op::keys, "keys"},
    {state_op::erase, "delete"},
    {state_op::has, "has"},
    {state_op::incr, "incr"},
}};

}  // namespace

std::string_view to_string(state_op op) {
  for (const auto& [candidate, name] : op_names) {
    if (candidate == op) return name;
  }
  return "?";
}

std::optional<state_op> parse_state_op(std::string_view text) {
  for (const auto& [op, name] : op_names) {
    if (name == text) return op;
  }
  return std::nullopt;
}

}  // namespace alc
