#include "messages/json_reader.hpp"

#include <exception>
#include <limits>

namespace alc {

namespace {

using json = nlohmann::json;

constexpr std::size_t max_quoted_chars = 64;

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::string describe(const json& node) {
  switch (node.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a floating-point number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

}  // namespace

void json_reader::fail(const std::string& message) const {
  if (!errors_->first) errors_->first = path_.empty() ? message : path_ + ": " + message;
}

json_reader json_reader::field(const char* key) const {
  const json* child = nullptr;
  if (node_ != nullptr && node_->is_object()) {
    auto it = node_->find(key);
    if (it != node_->end()) child = &*it;
  }
  return json_reader{child, path_.empty() ? std::string{key} : path_ + "." + key, *errors_};
}

bool json_reader::object() const {
  return expect(node_ != nullptr && node_->is_object(), "an object");
}

std::string json_reader::string() const {
  if (!expect(node_ != nullptr && node_->is_string(), "a string")) return {};
  return node_->get_ref<const std::string&>();
}

std::optional<std::string> json_reader::optional_string() const {
  if (absent()) return std::nullopt;
  return string();
}

bool json_reader::boolean(bool fallback) const {
  if (absent()) return fallback;
  if (!expect(node_->is_boolean(), "a boolean")) return fallback;
  return node_->get<bool>();
}

int64_t json_reader::integer() const {
  return bounded_integer(std::numeric_limits<int64_t>::min(), "an integer");
}

int64_t json_reader::count() const {
  return bounded_integer(0, "a non-negative integer");
}

int64_t json_reader::positive() const {
  return bounded_integer(1, "a positive integer");
}

json json_reader::any() const {
  return node_ != nullptr ? *node_ : json(nullptr);
}

void json_reader::unknown_name(const char* what, std::string_view name,
                               const std::string& accepted) const {
  fail(std::string{"unknown "} + what + " " + quote_for_message(name) + " (expected one of " +
       accepted + ")");
}

bool json_reader::is_array() const {
  return expect(node_ != nullptr && node_->is_array(), "an array");
}

json_reader json_reader::element(std::size_t index) const {
  return json_reader{&(*node_)[index], path_ + "[" + std::to_string(index) + "]", *errors_};
}

int64_t json_reader::bounded_integer(int64_t min, const char* expected) const {
  if (!expect(node_ != nullptr && node_->is_number_integer(), expected)) return 0;
  constexpr auto max = std::numeric_limits<int64_t>::max();
  if (node_->is_number_unsigned() && node_->get<uint64_t>() > static_cast<uint64_t>(max)) {
    fail(std::string{"expected "} + expected + ", got " + node_->dump() +
         " (out of range, at most " + std::to_string(max) + ")");
    return 0;
  }
  const auto value = node_->get<int64_t>();
  if (value < min) {
    fail(std::string{"expected "} + expected + ", got " + std::to_string(value));
    return 0;
  }
  return value;
}

bool json_reader::expect(bool good, const char* expected) const {
  if (good) return true;
  if (node_ == nullptr) {
    fail("required field is missing");
  } else {
    fail(std::string{"expected "} + expected + ", got " + describe(*node_));
  }
  return false;
}

std::optional<std::string> json_reader::read_document(
    const json& document, const std::function<void(const json_reader&)>& read,
    std::size_t depth_limit) {
  try {
    if (nests_deeper_than(document, depth_limit)) {
      return "document nests deeper than " + std::to_string(depth_limit) + " levels";
    }
    error_sink errors;
    read(json_reader{&document, "", errors});
    return std::move(errors.first);
  } catch (const std::exception& e) {
    return std::string{"cannot decode: "} + e.what();
  }
}

bool nests_deeper_than(const json& root, std::size_t limit) {
  std::vector<std::pair<const json*, std::size_t>> pending{{&root, 0}};
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    if (!node->is_structured()) continue;
    if (depth + 1 > limit) return true;
    for (const auto& child : *node) pending.emplace_back(&child, depth + 1);
  }
  return false;
}

std::string quote_for_message(std::string_view text) {
  if (text.size() <= max_quoted_chars) return "'" + std::string{text} + "'";
  std::size_t cut = max_quoted_chars;
  while (cut > 0 && is_utf8_continuation(text[cut])) --cut;
  return "'" + std::string{text.substr(0, cut)} + "...'";
}

}  // namespace alc
