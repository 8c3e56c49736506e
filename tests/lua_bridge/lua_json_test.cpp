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

TEST_CASE("a list with far more holes than entries is refused, not turned into nulls",
          "[json][isolation]") {
  // Its JSON form would be host memory the session's cap does not see
  // (t[1 << 40] = 1 once made the process allocate 16 TiB).
  vm_harness harness;
  CHECK_THAT(encode_error(harness, "local t = alc.json_decode('[]') t[1 << 40] = 1 return t"),
             Catch::Contains("a list too sparse to encode (index 1099511627776 with 1 entries"));
  CHECK(run_value(
            harness,
            "local t = alc.json_decode('[]') t[1 << 26] = 1 "
            "local ok, e = pcall(alc.json_encode, t) return {ok, e:match('too sparse') ~= nil}") ==
        json::array({false, true}));
  // Ordinary holes still become nulls.
  CHECK(run_value(harness, "local t = alc.json_decode('[]') t[1] = 1 t[4] = 4 return t") ==
        json::array({1, nullptr, nullptr, 4}));
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
