#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/decoded.hpp"
#include "messages/limits.hpp"
#include "messages/name_table.hpp"

namespace alc {

/// A cursor on one node of a JSON document being decoded. It knows its path,
/// so every error names the offending field (`prompts[2].prompt: expected a
/// string, got an integer`); a missing field is a reader without a node.
/// Accessors record the first error and return a default on mismatch, so a
/// decoder reads straight through and read_json reports once.
class json_reader {
 public:
  /// True while no error has been recorded anywhere in the document.
  bool ok() const { return !errors_->first; }
  /// Optional fields treat `null` like a missing key.
  bool absent() const { return node_ == nullptr || node_->is_null(); }
  /// `prompts[2].prompt`; empty at the root.
  const std::string& path() const { return path_; }

  /// Records `message` at this path, unless an earlier error was recorded.
  void fail(const std::string& message) const;

  json_reader field(const char* key) const;

  /// Fails unless the node is an object; decoders of structures start here.
  bool object() const;
  std::string string() const;
  std::optional<std::string> optional_string() const;
  bool boolean(bool fallback) const;
  /// A JSON integer: floats such as 1.5 or 2.0 are rejected, unsigned ones must fit int64.
  int64_t integer() const;
  /// Token counts, `remaining`: a negative value is nonsense, never a wrap-around.
  int64_t count() const;
  int64_t positive() const;
  /// Any JSON value; a missing one reads as null.
  nlohmann::json any() const;

  /// Decodes every element of an array with `read(json_reader) -> T`.
  template <class T, class Read>
  std::vector<T> array(Read read) const {
    std::vector<T> out;
    if (!is_array()) return out;
    out.reserve(node_->size());
    for (std::size_t i = 0; i < node_->size() && ok(); ++i) out.push_back(read(element(i)));
    return out;
  }

  /// A string naming one of `names`; `what` names the vocabulary in the
  /// error (`unknown cancel code 'x' (expected one of user, timeout, ...)`).
  template <class E, std::size_t N>
  std::optional<E> name_in(const name_table<E, N>& names, const char* what) const {
    const std::string text = string();
    if (!ok()) return std::nullopt;
    if (auto value = names.parse(text)) return value;
    unknown_name(what, text, names.joined());
    return std::nullopt;
  }
  /// As name_in, with the table's first value as the default on error.
  template <class E, std::size_t N>
  E one_of(const name_table<E, N>& names, const char* what) const {
    return name_in(names, what).value_or(names.first());
  }

  /// Reports a name that matched none of the `accepted` ones.
  void unknown_name(const char* what, std::string_view name, const std::string& accepted) const;

  /// Runs `read` on a reader at the root of `document`: the one place where
  /// decoding meets exceptions. A document nesting deeper than `depth_limit`
  /// is refused before `read` sees it. Returns the first error, if any.
  static std::optional<std::string> read_document(
      const nlohmann::json& document, const std::function<void(const json_reader&)>& read,
      std::size_t depth_limit = max_json_depth);

 private:
  struct error_sink {
    std::optional<std::string> first;  // the first error wins: later ones mostly follow from it
  };

  json_reader(const nlohmann::json* node, std::string path, error_sink& errors)
      : node_(node), path_(std::move(path)), errors_(&errors) {}

  bool is_array() const;
  json_reader element(std::size_t index) const;
  int64_t bounded_integer(int64_t min, const char* expected) const;
  bool expect(bool good, const char* expected) const;

  const nlohmann::json* node_;
  std::string path_;
  error_sink* errors_;
};

/// Decodes `document` with `read(json_reader) -> T`; never throws.
template <class T, class Read>
decoded<T> read_json(const nlohmann::json& document, Read read) {
  std::optional<T> value;
  auto error =
      json_reader::read_document(document, [&](const json_reader& root) { value = read(root); });
  if (error) return decode_error{std::move(*error)};
  return std::move(*value);
}

/// Whether `root` nests deeper than `limit` levels (a scalar is level 0, `[]`
/// level 1). Iterative, so the check itself cannot overflow the stack.
bool nests_deeper_than(const nlohmann::json& root, std::size_t limit);

/// `text` in single quotes for an error message, cut (on a UTF-8 character
/// boundary) past 64 bytes so hostile input keeps messages short.
std::string quote_for_message(std::string_view text);

}  // namespace alc
