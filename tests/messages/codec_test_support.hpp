#pragma once

// Helpers shared by the messages/ codec tests.

#include <string>
#include <string_view>
#include <utility>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/json_codec.hpp"

namespace alc::test {

/// Pins `value`'s JSON shape to `literal` and checks both round trips:
/// value → JSON → value, and JSON text → value → JSON.
template <class T>
void check_golden(const T& value, std::string_view literal) {
  const nlohmann::json expected = nlohmann::json::parse(literal);
  INFO("golden: " << literal);
  CHECK(to_json_value(value) == expected);

  const decoded<T> from_literal = from_json_text<T>(literal);
  INFO("decode error: " << (from_literal.ok() ? std::string{} : from_literal.error().message));
  REQUIRE(from_literal.ok());
  CHECK(from_literal.value() == value);
  CHECK(to_json_value(from_literal.value()) == expected);

  const decoded<T> from_encoded = from_json_text<T>(to_json_text(to_json_value(value)));
  REQUIRE(from_encoded.ok());
  CHECK(from_encoded.value() == value);
}

/// Decodes `text`, requires it to fail, and returns the error message.
template <class T>
std::string decode_failure(std::string_view text) {
  const decoded<T> result = from_json_text<T>(text);
  INFO("input: " << text);
  REQUIRE_FALSE(result.ok());
  return result.error().message;
}

/// Decodes `text` and requires it to succeed.
template <class T>
T decode_ok(std::string_view text) {
  decoded<T> result = from_json_text<T>(text);
  INFO("input: " << text);
  INFO("decode error: " << (result.ok() ? std::string{} : result.error().message));
  REQUIRE(result.ok());
  return std::move(result).value();
}

}  // namespace alc::test
