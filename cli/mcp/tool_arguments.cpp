#include "cli/mcp/tool_arguments.hpp"

namespace alc::cli::mcp {

std::string describe_type(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    default:
      return "an object";
  }
}

tool_arguments::tool_arguments(const json& arguments)
    : arguments_(arguments.is_object() ? arguments : json::object()) {
  if (!arguments.is_null() && !arguments.is_object()) {
    error_ = "arguments: invalid type: " + describe_type(arguments) + ", expected an object";
  }
}

const json* tool_arguments::field(const char* key) {
  const auto it = arguments_.find(key);
  if (it == arguments_.end() || it->is_null()) return nullptr;
  return &*it;
}

void tool_arguments::fail(const char* key, const json& value, const char* expected) {
  if (!error_.empty()) return;
  error_ = std::string(key) + ": invalid type: " + describe_type(value) + ", expected " + expected;
}

std::string tool_arguments::required_string(const char* key) {
  const json* value = field(key);
  if (value == nullptr) {
    if (error_.empty()) error_ = "missing field `" + std::string(key) + "`";
    return {};
  }
  if (!value->is_string()) {
    fail(key, *value, "a string");
    return {};
  }
  return value->get<std::string>();
}

std::optional<std::string> tool_arguments::optional_string(const char* key) {
  const json* value = field(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    fail(key, *value, "a string");
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::optional<bool> tool_arguments::optional_bool(const char* key) {
  const json* value = field(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    fail(key, *value, "a boolean");
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<uint64_t> tool_arguments::optional_unsigned(const char* key) {
  const json* value = field(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_unsigned()) return value->get<uint64_t>();
  if (value->is_number_integer() && value->get<int64_t>() >= 0) {
    return static_cast<uint64_t>(value->get<int64_t>());
  }
  fail(key, *value, "a non-negative integer");
  return std::nullopt;
}

std::optional<int64_t> tool_arguments::optional_integer(const char* key) {
  const json* value = field(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer() &&
      !(value->is_number_unsigned() && value->get<uint64_t>() > INT64_MAX)) {
    return value->get<int64_t>();
  }
  fail(key, *value, "an integer");
  return std::nullopt;
}

std::optional<json> tool_arguments::optional_value(const char* key) {
  const json* value = field(key);
  if (value == nullptr) return std::nullopt;
  return *value;
}

std::optional<json> tool_arguments::optional_object_or_text(const char* key) {
  const json* value = field(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_object()) return *value;
  if (value->is_string()) {
    auto parsed = parse_json_text(value->get_ref<const std::string&>());
    if (parsed && parsed.value().is_object()) return std::move(parsed).value();
  }
  fail(key, *value, "an object (or a string holding one)");
  return std::nullopt;
}

std::optional<json> tool_arguments::optional_array(const char* key) {
  const json* value = field(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_array()) {
    fail(key, *value, "an array");
    return std::nullopt;
  }
  return *value;
}

std::string tool_arguments::error() const {
  return "failed to deserialize parameters: " + error_;
}

}  // namespace alc::cli::mcp
