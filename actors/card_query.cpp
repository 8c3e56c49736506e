#include "actors/card_query.hpp"

#include <array>
#include <string_view>
#include <utility>

namespace alc {

using nlohmann::json;

namespace {

enum class query_op { eq, ne, lt, lte, gt, gte, in, nin, exists, contains, starts_with };

constexpr std::array<std::pair<std::string_view, query_op>, 11> operators{{
    {"eq", query_op::eq},
    {"ne", query_op::ne},
    {"lt", query_op::lt},
    {"lte", query_op::lte},
    {"gt", query_op::gt},
    {"gte", query_op::gte},
    {"in", query_op::in},
    {"nin", query_op::nin},
    {"exists", query_op::exists},
    {"contains", query_op::contains},
    {"starts_with", query_op::starts_with},
}};

std::optional<query_op> operator_named(std::string_view name) {
  for (const auto& [candidate, op] : operators) {
    if (candidate == name) return op;
  }
  return std::nullopt;
}

bool is_integer(const json& v) {
  return v.is_number_integer();
}  // signed or unsigned

// JSON equality with no numeric conversion: 1 and 1.0 differ, at any depth.
bool strictly_equal(const json& a, const json& b) {
  if (is_integer(a) && is_integer(b)) {
    if (a.is_number_unsigned() != b.is_number_unsigned()) {
      const json& s = a.is_number_unsigned() ? b : a;
      const json& u = a.is_number_unsigned() ? a : b;
      return s.get<int64_t>() >= 0 && static_cast<uint64_t>(s.get<int64_t>()) == u.get<uint64_t>();
    }
    return a == b;
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!strictly_equal(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      const auto other = b.find(it.key());
      if (other == b.end() || !strictly_equal(*it, *other)) return false;
    }
    return true;
  }
  return a == b;
}

// `eq`: two numbers compare as floats (1 == 1.0), anything else strictly.
bool equal(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  return strictly_equal(a, b);
}

// The order of two comparable values (numbers, strings, booleans), else nullopt.
std::optional<int> ordering(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>();
    const double y = b.get<double>();
    return x < y ? -1 : (y < x ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_boolean() && b.is_boolean()) return int(a.get<bool>()) - int(b.get<bool>());
  return std::nullopt;
}

bool compare(query_op op, const json* field, const json& operand) {
  switch (op) {
    case query_op::eq:
      return field != nullptr && equal(*field, operand);
    case query_op::ne:
      return field == nullptr || !equal(*field, operand);
    case query_op::lt:
    case query_op::lte:
    case query_op::gt:
    case query_op::gte: {
      if (field == nullptr) return false;
      const auto order = ordering(*field, operand);
      if (!order) return false;
      if (op == query_op::lt) return *order < 0;
      if (op == query_op::lte) return *order <= 0;
      if (op == query_op::gt) return *order > 0;
      return *order >= 0;
    }
    case query_op::in:
    case query_op::nin: {
      if (op == query_op::nin && field == nullptr) return true;
      if (!operand.is_array()) return false;
      if (field == nullptr) return false;
      bool found = false;
      for (const auto& candidate : operand) found = found || equal(*field, candidate);
      return op == query_op::in ? found : !found;
    }
    case query_op::exists:
      return (field != nullptr) == (operand.is_boolean() ? operand.get<bool>() : true);
    case query_op::contains:
    case query_op::starts_with: {
      if (field == nullptr || !field->is_string() || !operand.is_string()) return false;
      const auto& text = field->get_ref<const std::string&>();
      const auto& part = operand.get_ref<const std::string&>();
      return op == query_op::contains ? text.find(part) != std::string::npos
                                      : text.compare(0, part.size(), part) == 0;
    }
  }
  return false;
}

}  // namespace

struct card_predicate::node {
  enum class kind { all, any, negate, field, compare };
  kind type = kind::all;
  std::vector<node> children;  ///< all, any: the parts; negate, field: one
  std::string field;           ///< field: the key to step into
  query_op op = query_op::eq;  ///< compare
  json operand;                ///< compare

  bool matches(const json* subject) const {
    switch (type) {
      case kind::all:
        for (const auto& child : children) {
          if (!child.matches(subject)) return false;
        }
        return true;
      case kind::any:
        for (const auto& child : children) {
          if (child.matches(subject)) return true;
        }
        return false;
      case kind::negate:
        return !children.front().matches(subject);
      case kind::field: {
        const json* value = nullptr;
        if (subject != nullptr && subject->is_object()) {
          const auto it = subject->find(field);
          if (it != subject->end()) value = &*it;
        }
        return children.front().matches(value);
      }
      case kind::compare:
        return alc::compare(op, subject, operand);
    }
    return false;
  }
};

namespace {

using node = card_predicate::node;
using parsed_node = std::variant<node, std::string>;

parsed_node parse_table(const json& table);

node make(node::kind type, std::vector<node> children = {}) {
  node n;
  n.type = type;
  n.children = std::move(children);
  return n;
}

// A value every key of which is an operator: `{gte = 0.5, lt = 1}`.
bool is_operator_table(const json& value) {
  if (!value.is_object() || value.empty()) return false;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!operator_named(it.key())) return false;
  }
  return true;
}

parsed_node parse_list(const std::string& key, const json& parts, node::kind type) {
  const std::string error = key + " must be an array of sub-predicates";
  if (!parts.is_array()) return error;
  std::vector<node> children;
  for (const auto& part : parts) {
    if (!part.is_object()) return error;
    auto child = parse_table(part);
    if (auto* message = std::get_if<std::string>(&child)) return *message;
    children.push_back(std::get<node>(std::move(child)));
  }
  return make(type, std::move(children));
}

parsed_node parse_entry(const std::string& key, const json& value) {
  if (key == "_and") return parse_list(key, value, node::kind::all);
  if (key == "_or") return parse_list(key, value, node::kind::any);
  if (key == "_not") {
    if (!value.is_object()) return std::string("_not must be a table of predicates");
    auto child = parse_table(value);
    if (auto* message = std::get_if<std::string>(&child)) return *message;
    return make(node::kind::negate, {std::get<node>(std::move(child))});
  }
  node test;
  if (is_operator_table(value)) {
    test = make(node::kind::all);
    for (auto it = value.begin(); it != value.end(); ++it) {
      node comparison = make(node::kind::compare);
      comparison.op = *operator_named(it.key());
      comparison.operand = *it;
      test.children.push_back(std::move(comparison));
    }
  } else if (value.is_object()) {  // a section: the same rules one level down
    auto section = parse_table(value);
    if (auto* message = std::get_if<std::string>(&section)) return *message;
    test = std::get<node>(std::move(section));
  } else {  // a scalar or an array: implicit eq
    test = make(node::kind::compare);
    test.operand = value;
  }
  node field = make(node::kind::field, {std::move(test)});
  field.field = key;
  return field;
}

parsed_node parse_table(const json& table) {
  node all = make(node::kind::all);
  for (auto it = table.begin(); it != table.end(); ++it) {
    auto entry = parse_entry(it.key(), *it);
    if (auto* message = std::get_if<std::string>(&entry)) return *message;
    all.children.push_back(std::get<node>(std::move(entry)));
  }
  return all;
}

// The rank of a kind of value in the total order of compare_for_sort.
int kind_rank(const json& v) {
  if (v.is_number()) return 0;
  if (v.is_string()) return 1;
  if (v.is_boolean()) return 2;
  return 3;
}

}  // namespace

std::variant<card_predicate, std::string> card_predicate::parse(const json& where) {
  if (!where.is_object()) return std::string("where must be a table");
  auto root = parse_table(where);
  if (auto* message = std::get_if<std::string>(&root)) return *message;
  return card_predicate(std::make_shared<const node>(std::get<node>(std::move(root))));
}

bool card_predicate::matches(const json& subject) const {
  return root_->matches(&subject);
}

std::variant<std::vector<card_sort_key>, std::string> parse_order_by(const json& order_by) {
  const std::string type_error = "order_by must be a string or array of strings";
  std::vector<std::string> texts;
  if (order_by.is_string()) {
    texts.push_back(order_by.get<std::string>());
  } else if (order_by.is_array()) {
    for (const auto& item : order_by) {
      if (!item.is_string()) return type_error;
      texts.push_back(item.get<std::string>());
    }
  } else {
    return type_error;
  }
  std::vector<card_sort_key> keys;
  for (const auto& text : texts) {
    if (text.empty()) return std::string("order_by key must not be empty");
    card_sort_key key;
    std::string_view rest = text;
    if (rest.front() == '-') {
      key.descending = true;
      rest.remove_prefix(1);
    }
    for (;;) {
      const auto dot = rest.find('.');
      const auto segment = rest.substr(0, dot);
      if (segment.empty()) return "invalid order_by key: '" + text + "'";
      key.path.emplace_back(segment);
      if (dot == std::string_view::npos) break;
      rest.remove_prefix(dot + 1);
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

const json* value_at(const json& root, const std::vector<std::string>& path) {
  const json* current = &root;
  for (const auto& key : path) {
    if (!current->is_object()) return nullptr;
    const auto it = current->find(key);
    if (it == current->end()) return nullptr;
    current = &*it;
  }
  return current;
}

int compare_for_sort(const json* a, const json* b) {
  if (a == nullptr || b == nullptr) return int(a == nullptr) - int(b == nullptr);
  if (const auto order = ordering(*a, *b)) return *order;
  return kind_rank(*a) - kind_rank(*b);  // the same kind here: both "the rest", equal
}

}  // namespace alc
