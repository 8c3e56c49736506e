#pragma once

#include <string>
#include <utility>
#include <variant>

namespace alc {

/// Why a JSON document could not be decoded; `message` names the offending
/// path, e.g. `kind.code: expected a string`.
struct decode_error {
  std::string message;
};

/// The outcome of decoding: a value or a decode_error. Decoding never throws.
template <class T>
class decoded {
 public:
  decoded(T value) : state_(std::move(value)) {}             // NOLINT: implicit by design
  decoded(decode_error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const decode_error& error() const { return std::get<decode_error>(state_); }

 private:
  std::variant<T, decode_error> state_;
};

}  // namespace alc
