#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

std::string encode_error(const vm_harness& harness, const std::string& setup) {
  auto vm = harness.make(setup);
  return require_failed(run_until_blocked(*vm)).message;
}

}  // namespace

TEST_CASE("results map to JSON by the rules of lua-api.md", "[json]") {
  vm_harness harness;
  CHECK(run_value(harness, "return 2.0").is_number_float());
  CHECK(run_value(harness, "return 2").is_number_integer());
  CHECK(run_value(harness, "return {1, 2, 3}") == json::array({1, 2, 3}));
  CHECK(run_value(harness, "return {}") == json::object());
  CHECK(run_value(harness, "return {a = 1, [3] = 'x'}") == json({{"a", 1}, {"3", "x"}}));
  CHECK(run_value(harness, "return {[2] = 'b'}") == json({{"2", "b"}}));
  CHECK(run_value(harness, "return {0/0, 1/0, -1/0}") == json::array({nullptr, nullptr, nullptr}));
  CHECK(run_value(harness, "return {x = {y = {true, false}}}") ==
        json({{"x", {{"y", {true, false}}}}}));
  CHECK(run_value(harness, "return math.maxinteger") == json(INT64_MAX));
}

TEST_CASE("tables from JSON arrays stay arrays, even empty", "[json]") {
  vm_harness harness;
  CHECK(run_value(harness, "return alc.json_decode('[]')") == json::array());
  CHECK(run_value(harness, "return ctx.list", {{"list", json::array()}}) == json::array());
  CHECK(run_value(harness, "return alc.json_decode('[1, null, 3]')") ==
        json::array({1, nullptr, 3}));
  CHECK(run_value(harness, "return alc.json_encode(alc.json_decode('{\"a\":[],\"b\":{}}'))") ==
        json("{\"a\":[],\"b\":{}}"));
}

TEST_CASE("values without a JSON form fail with the path to them", "[json]") {
  vm_harness harness;
  CHECK_THAT(encode_error(harness, "return {items = {1, 2, print}}"),
             Catch::Equals("result.items[3]: cannot encode function"));
  CHECK_THAT(encode_error(harness, "local t = {} t.self = t return t"),
             Catch::Equals("result.self: cannot encode a cyclic table"));
  CHECK_THAT(encode_error(harness, "return {['a b'] = coroutine.create(print)}"),
             Catch::Equals("result[\"a b\"]: cannot encode thread"));
  CHECK_THAT(encode_error(harness, "return {name = '\\xff\\xfe'}"),
             Catch::Equals("result.name: invalid UTF-8 in string"));
  CHECK_THAT(encode_error(harness, "return {[true] = 1}"),
             Catch::Equals("result: cannot encode a key of type boolean"));
  CHECK_THAT(encode_error(harness,
                          "local t = {} local c = t for i = 1, 300 do c.n = {} c = c.n end "
                          "return t"),
             Catch::Contains("nesting deeper than 200 levels"));
}

TEST_CASE("a shared subtable is not mistaken for a cycle", "[json]") {
  vm_harness harness;
  CHECK(run_value(harness, "local s = {1} return {a = s, b = s}") ==
        json({{"a", {1}}, {"b", {1}}}));
}

TEST_CASE("json_encode and json_decode round-trip and fail catchably", "[json]") {
  vm_harness harness;
  CHECK(run_value(harness, "return alc.json_encode({1, 'two', {three = 3.5}})") ==
        json("[1,\"two\",{\"three\":3.5}]"));
  CHECK(run_value(harness, "return alc.json_decode('{\"a\": null, \"b\": 1}').a == nil") ==
        json(true));
  CHECK(run_value(harness, "return alc.json_decode('null') == nil") == json(true));
  CHECK(run_value(harness, "return math.type(alc.json_decode('12345678901234'))") ==
        json("integer"));
  CHECK(run_value(harness, "return math.type(alc.json_decode('1.0'))") == json("float"));
  const auto errors = run_value(harness, R"(
    local _, e1 = pcall(alc.json_decode, "{oops")
    local _, e2 = pcall(alc.json_encode, {f = print})
    local _, e3 = pcall(alc.json_decode, string.rep("[", 500) .. string.rep("]", 500))
    return {e1, e2, e3})");
  CHECK_THAT(errors[0].get<std::string>(), Catch::Contains("alc.json_decode: parse error"));
  CHECK_THAT(errors[1].get<std::string>(),
             Catch::Contains("alc.json_encode: value.f: cannot encode function"));
  CHECK_THAT(errors[2].get<std::string>(), Catch::Contains("nesting deeper than 200"));
}

// Found by fuzz_lua_json (issue 13, class 1): the holes of a marked array
// were allocated on the host outside the memory cap (2^40 of them, or a
// length_error that terminated the process for 2^62).
TEST_CASE("a marked array with a huge index fails to encode instead of allocating its holes",
          "[json][fuzz]") {
  vm_harness harness;
  for (const char* index : {"1 << 26", "1 << 40", "1 << 62", "math.maxinteger"}) {
    INFO("index " << index);
    const std::string setup = std::string("local t = alc.json_decode('[]') t[") + index + "] = 1 ";
    CHECK_THAT(encode_error(harness, setup + "return t"),
               Catch::StartsWith("result: too large to encode (over 64 MiB)"));
    CHECK(run_value(harness, setup + "local ok, e = pcall(alc.json_encode, t) return {ok, e}") ==
          json::array({false, "alc.json_encode: value: too large to encode (over 64 MiB)"}));
    CHECK_THAT(encode_error(harness, setup + "alc.state.set('k', {list = t})"),
               Catch::Contains("alc.state.set.value.list: too large to encode"));
  }
}

TEST_CASE("a value that expands past the memory limit when shared fails to encode",
          "[json][fuzz]") {
  vm_harness harness;
  // 2^40 leaves from 40 small tables.
  CHECK_THAT(encode_error(harness, "local t = {1} for i = 1, 40 do t = {t, t} end return t"),
             Catch::Contains("too large to encode (over 64 MiB)"));
  // One 1 MiB string a hundred times is 100 MiB of JSON.
  CHECK_THAT(
      encode_error(harness,
                   "local s = string.rep('x', 1 << 20) local t = {} "
                   "for i = 1, 100 do t[i] = s end return t"),
      Catch::Matches("result\\[\\d+\\]: too large to encode \\(over 64 MiB\\)"));
}

TEST_CASE("holes and shared values within the memory limit still encode", "[json][fuzz]") {
  vm_harness harness;
  json holes = json::array();
  for (int i = 0; i < 1000; ++i) holes.push_back(nullptr);
  holes.push_back(1);
  CHECK(run_value(harness, "return alc.json_decode(ctx.text)", {{"text", holes.dump()}}) ==
        holes);
  const json shared = run_value(harness,
                                "local s = string.rep('x', 1000) local t = {} "
                                "for i = 1, 1000 do t[i] = {s, s} end return t");
  REQUIRE(shared.size() == 1000);
  CHECK(shared[999][1] == std::string(1000, 'x'));
}
