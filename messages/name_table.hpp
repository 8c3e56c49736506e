#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace alc {

/// One enumerator and its wire name.
template <class E>
struct name_entry {
  E value;
  std::string_view name;
};

/// The one list of an enumeration's wire names: to_string, parsing, the
/// codecs and the "expected one of ..." texts all read it, so a name is
/// spelt once. The first entry is the fallback value of a failed decode.
template <class E, std::size_t N>
class name_table {
 public:
  static_assert(N > 0, "a vocabulary has at least one name");

  constexpr explicit name_table(const name_entry<E> (&entries)[N]) : entries_{} {
    for (std::size_t i = 0; i < N; ++i) entries_[i] = entries[i];
  }

  /// `value`'s name; `fallback` for a value outside the table (a corrupted
  /// wire message can carry one).
  constexpr std::string_view name(E value, std::string_view fallback = "unknown") const {
    for (const auto& entry : entries_) {
      if (entry.value == value) return entry.name;
    }
    return fallback;
  }

  /// The value named `text` exactly (case-sensitive), if any.
  constexpr std::optional<E> parse(std::string_view text) const {
    for (const auto& entry : entries_) {
      if (entry.name == text) return entry.value;
    }
    return std::nullopt;
  }

  constexpr E first() const { return entries_[0].value; }

  /// `a, b, c`: the names in table order, for error messages.
  std::string joined() const {
    std::string out;
    for (const auto& entry : entries_) {
      if (!out.empty()) out += ", ";
      out += entry.name;
    }
    return out;
  }

  constexpr const std::array<name_entry<E>, N>& entries() const { return entries_; }

 private:
  std::array<name_entry<E>, N> entries_;
};

/// Deduces the table's size from its entries: `make_name_table<E>({{E::a, "a"}, ...})`.
template <class E, std::size_t N>
constexpr name_table<E, N> make_name_table(const name_entry<E> (&entries)[N]) {
  return name_table<E, N>{entries};
}

}  // namespace alc
