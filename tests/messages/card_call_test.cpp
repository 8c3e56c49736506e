#include "messages/card_call.hpp"
#include "messages/card_call_codec.hpp"
#include "tests/messages/codec_test_support.hpp"

using namespace alc;
using namespace alc::test;

TEST_CASE("card_call encodes its operation by name and its arguments in order",
          "[json_codec][golden][card]") {
  check_golden(card_call{card_op::alias_set, {"best", "c1", {{"note", "n"}}}},
               R"({"op": "alias_set", "args": ["best", "c1", {"note": "n"}]})");
  check_golden(card_call{card_op::list, {}}, R"({"op": "list", "args": []})");
}

TEST_CASE("every card operation has a name that parses back to it", "[card]") {
  for (const card_op op :
       {card_op::create, card_op::get, card_op::list, card_op::append, card_op::get_by_alias,
        card_op::alias_set, card_op::alias_list, card_op::find, card_op::write_samples,
        card_op::read_samples, card_op::lineage, card_op::sink_backfill}) {
    INFO(to_string(op));
    CHECK(parse_card_op(to_string(op)) == op);
  }
  CHECK_FALSE(parse_card_op("delete"));
}

TEST_CASE("card_call decoding names what is wrong", "[json_codec][card]") {
  CHECK(decode_failure<card_call>("[]") == "card_call: expected an object");
  CHECK(decode_failure<card_call>(R"({"args": []})") == "op: expected a string");
  CHECK(decode_failure<card_call>(R"({"op": "drop", "args": []})") ==
        "op: unknown card operation 'drop'");
  CHECK(decode_failure<card_call>(R"({"op": "get"})") == "args: expected an array");
}

TEST_CASE("a missing argument reads as null", "[card]") {
  const card_call call{card_op::get, {"c1"}};
  CHECK(call.arg(0) == "c1");
  CHECK(call.arg(1).is_null());
}
