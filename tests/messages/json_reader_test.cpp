// json_reader: the decoding cursor every codec (and the JSON-lines server)
// reads through.

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/json_reader.hpp"

namespace alc {
namespace {

using nlohmann::json;

enum class colour { red, green };
constexpr auto colour_names =
    make_name_table<colour>({{colour::red, "red"}, {colour::green, "green"}});

struct order {
  std::vector<std::string> prompts;
  colour paint = colour::red;
  int64_t count = 0;
};

order read_order(const json_reader& r) {
  order out;
  if (!r.object()) return out;
  out.prompts = r.field("prompts").array<std::string>(
      [](const json_reader& item) { return item.field("prompt").string(); });
  out.paint = r.field("paint").one_of(colour_names, "colour");
  out.count = r.field("count").count();
  return out;
}

std::string error_of(const json& document) {
  const decoded<order> result = read_json<order>(document, read_order);
  REQUIRE_FALSE(result.ok());
  return result.error().message;
}

TEST_CASE("json_reader errors name the path to the offending node", "[json_reader]") {
  const json prompts = json::array({{{"prompt", "a"}}, {{"prompt", "b"}}, {{"prompt", 7}}});
  CHECK(error_of({{"prompts", prompts}, {"paint", "red"}}) ==
        "prompts[2].prompt: expected a string, got an integer");
  CHECK(error_of({{"prompts", json::array()}}) == "paint: required field is missing");
  CHECK(error_of({{"prompts", json::array()}, {"paint", "blue"}}) ==
        "paint: unknown colour 'blue' (expected one of red, green)");
  CHECK(error_of({{"prompts", json::array()}, {"paint", "red"}, {"count", -1}}) ==
        "count: expected a non-negative integer, got -1");
  CHECK(error_of(json::array()) == "expected an object, got an array");
}

TEST_CASE("json_reader reports the first error only", "[json_reader]") {
  CHECK(error_of({{"prompts", 1}, {"paint", 2}, {"count", "x"}}) ==
        "prompts: expected an array, got an integer");
}

TEST_CASE("json_reader decodes a sound document", "[json_reader]") {
  const json document = {
      {"prompts", json::array({{{"prompt", "a"}}})}, {"paint", "green"}, {"count", 3}};
  const decoded<order> result = read_json<order>(document, read_order);
  REQUIRE(result.ok());
  CHECK(result.value().prompts == std::vector<std::string>{"a"});
  CHECK(result.value().paint == colour::green);
  CHECK(result.value().count == 3);
}

TEST_CASE("json_reader refuses documents deeper than the limit before reading", "[json_reader]") {
  bool read = false;
  const json deep = json::array({json::array({json::array()})});  // 3 levels
  const auto error = json_reader::read_document(
      deep, [&](const json_reader&) { read = true; }, 2);
  CHECK(error == std::string{"document nests deeper than 2 levels"});
  CHECK_FALSE(read);
  CHECK_FALSE(json_reader::read_document(
                  deep, [](const json_reader&) {}, 3)
                  .has_value());
}

TEST_CASE("nests_deeper_than counts structured levels only", "[json_reader]") {
  CHECK_FALSE(nests_deeper_than(json(1), 0));
  CHECK(nests_deeper_than(json::array(), 0));
  CHECK_FALSE(nests_deeper_than(json::array(), 1));
  CHECK(nests_deeper_than(json{{"a", {{"b", 1}}}}, 1));
  CHECK_FALSE(nests_deeper_than(json{{"a", {{"b", 1}}}}, 2));
}

TEST_CASE("exceptions inside a decoder become decode errors", "[json_reader]") {
  const auto error = json_reader::read_document(
      json::object(), [](const json_reader&) { throw std::runtime_error("boom"); });
  CHECK(error == std::string{"cannot decode: boom"});
}

TEST_CASE("quote_for_message cuts long text on a character boundary", "[json_reader]") {
  CHECK(quote_for_message("abc") == "'abc'");
  CHECK(quote_for_message(std::string(64, 'x')) == "'" + std::string(64, 'x') + "'");
  CHECK(quote_for_message(std::string(63, 'x') + "\xc3\xa9") ==
        "'" + std::string(63, 'x') + "...'");
}

}  // namespace
}  // namespace alc
