#include <catch2/catch.hpp>

#include "messages/token_estimate.hpp"

TEST_CASE("token estimate follows the lua-api.md formula", "[tokens]") {
  CHECK(alc::estimate_tokens("") == 0);
  CHECK(alc::estimate_tokens("hello world") == 3);
  CHECK(alc::estimate_tokens("あいう") == 2);
  CHECK(alc::estimate_tokens("hello あ") == 3);
  CHECK(alc::estimate_tokens("abcd") == 1);
  CHECK(alc::estimate_tokens("abcde") == 2);
}
