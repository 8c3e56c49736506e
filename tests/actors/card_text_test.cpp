// The text forms behind card ids and card files: canonical JSON, DJB2-64,
// shortest floats, timestamps, and the TOML a card is stored as.
#include <cmath>
#include <cstdlib>
#include <limits>

#include <catch2/catch.hpp>

#include "actors/card_text.hpp"
#include "actors/card_toml.hpp"

using namespace alc;
using nlohmann::json;

namespace {

json toml_round_trip(const json& object) {
  auto read = card_toml::read(card_toml::write(object));
  if (const auto* error = std::get_if<std::string>(&read)) FAIL(*error);
  return std::get<json>(read);
}

}  // namespace

TEST_CASE("canonical text sorts keys, drops whitespace and does not escape strings",
          "[card][text]") {
  const json value = {{"b", {1, 2.5, true, nullptr}}, {"a", {{"z", "x\"y"}, {"c", false}}}};
  CHECK(card_text::canonical(value) == R"({"a":{"c":false,"z":"x"y"},"b":[1,2.5,true,null]})");
  CHECK(card_text::canonical(json::object()) == "{}");
  CHECK(card_text::canonical(json::array()) == "[]");
  // Byte order: upper case before lower case, shorter prefix first.
  CHECK(card_text::canonical({{"b", 1}, {"B", 2}, {"bb", 3}}) == R"({"B":2,"b":1,"bb":3})");
}

TEST_CASE("DJB2-64 starts at 5381 and multiplies by 33 per byte, modulo 2^64", "[card][text]") {
  CHECK(card_text::djb2_64("") == 5381u);
  CHECK(card_text::djb2_64("a") == 5381u * 33 + 'a');
  CHECK(card_text::djb2_64("ab") == (5381u * 33 + 'a') * 33 + 'b');
  // Bytes count as unsigned: 0xff adds 255.
  CHECK(card_text::djb2_64("\xff") == 5381u * 33 + 255);
  // Long inputs wrap around instead of overflowing.
  const std::string long_text(100, 'z');
  uint64_t h = 5381;
  for (int i = 0; i < 100; ++i) h = h * 33 + 'z';
  CHECK(card_text::djb2_64(long_text) == h);
  CHECK(card_text::hex16(5381) == "0000000000001505");
  CHECK(card_text::hex16(~uint64_t{0}) == "ffffffffffffffff");
}

TEST_CASE("floats print in their shortest round-trip form, the way ryu does", "[card][text]") {
  CHECK(card_text::shortest_float(1.0) == "1.0");
  CHECK(card_text::shortest_float(0.9) == "0.9");
  CHECK(card_text::shortest_float(0.1) == "0.1");
  CHECK(card_text::shortest_float(-2.5) == "-2.5");
  CHECK(card_text::shortest_float(1e21) == "1e21");
  CHECK(card_text::shortest_float(1e16) == "1e16");
  CHECK(card_text::shortest_float(1e15) == "1000000000000000.0");
  CHECK(card_text::shortest_float(123.456) == "123.456");
  CHECK(card_text::shortest_float(0.0001) == "0.0001");
  CHECK(card_text::shortest_float(0.00001) == "0.00001");
  CHECK(card_text::shortest_float(1.5e-7) == "1.5e-7");
  CHECK(card_text::shortest_float(1.25e30) == "1.25e30");
  CHECK(card_text::shortest_float(0.0) == "0.0");
  CHECK(card_text::shortest_float(-0.0) == "-0.0");
  CHECK(card_text::shortest_float(std::nan("")) == "null");
  for (const double x : {1.0 / 3, 2.0 / 3 * 1e-9, 6.02214076e23, 5e-324, 1.7976931348623157e308}) {
    INFO(x);
    CHECK(std::strtod(card_text::shortest_float(x).c_str(), nullptr) == x);
  }
}

TEST_CASE("timestamps are UTC, whole seconds", "[card][text]") {
  CHECK(card_text::utc_timestamp(0) == "1970-01-01T00:00:00Z");
  CHECK(card_text::utc_timestamp(1767225599) == "2025-12-31T23:59:59Z");
  CHECK(card_text::compact_timestamp(1767225599) == "20251231T235959");
}

TEST_CASE("a card's TOML keeps every value and kind through a round trip", "[card][toml]") {
  const json card = {
      {"pkg", {{"name", "cot"}, {"version", "1.2"}}},
      {"stats", {{"pass_rate", 0.8}, {"n", 10}, {"ok", true}, {"tiny", 1.5e-7}, {"big", 1e21}}},
      {"text", "quote \" backslash \\ newline \n tab \t bell \x07 del \x7f é"},
      {"mixed", {1, "two", 3.0, {{"four", 4}}, json::array()}},
      {"rows", {{{"a", 1}}, {{"b", {{"deep", {{"x", 1}}}}}}, json::object()}},
      {"empty_table", json::object()},
      {"empty_array", json::array()},
      {"odd keys", {{"a.b", 1}, {"", 2}, {"ключ", 3}}},
      {"negative", -9223372036854775807LL - 1},
  };
  const json back = toml_round_trip(card);
  CHECK(back == card);
  // Kinds survive, not just values: 3.0 stays a float, 10 an integer.
  CHECK(back["mixed"][2].is_number_float());
  CHECK(back["stats"]["n"].is_number_integer());
}

TEST_CASE("TOML has no null: null members and elements are left out", "[card][toml]") {
  const json card = {{"a", nullptr},
                     {"list", {1, nullptr, 2}},
                     {"t", {{"x", nullptr}, {"y", 1}}},
                     {"rows", {nullptr, {{"k", 1}}}}};
  CHECK(toml_round_trip(card) ==
        json({{"list", {1, 2}}, {"t", {{"y", 1}}}, {"rows", {{{"k", 1}}}}}));
}

TEST_CASE("a card's TOML lists plain values first, keys sorted, floats short", "[card][toml]") {
  const json card = {{"stats", {{"pass_rate", 0.1}}},
                     {"card_id", "c1"},
                     {"runs", {{{"n", 1}}, {{"n", 2}}}},
                     {"alpha", 1}};
  CHECK(card_toml::write(card) ==
        "alpha = 1\n"
        "card_id = \"c1\"\n"
        "\n"
        "[stats]\n"
        "pass_rate = 0.1\n"
        "\n"
        "[[runs]]\n"
        "n = 1\n"
        "\n"
        "[[runs]]\n"
        "n = 2\n");
}

TEST_CASE("TOML that does not parse says where", "[card][toml]") {
  auto read = card_toml::read("a = [1,\nb = ");
  REQUIRE(std::holds_alternative<std::string>(read));
  CHECK_THAT(std::get<std::string>(read), Catch::Contains("line"));
}

TEST_CASE("TOML dates and times read back as their text", "[card][toml]") {
  auto read = card_toml::read("when = 1979-05-27T07:32:00Z\nday = 1979-05-27\n");
  REQUIRE(std::holds_alternative<json>(read));
  const json& doc = std::get<json>(read);
  CHECK(doc["when"] == "1979-05-27T07:32:00Z");
  CHECK(doc["day"] == "1979-05-27");
}
