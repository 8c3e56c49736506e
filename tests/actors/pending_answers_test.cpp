#include <catch2/catch.hpp>

#include "actors/pending_answers.hpp"

using namespace alc;

namespace {

pause_info pause_of(pause_kind kind, std::initializer_list<const char*> ids) {
  pause_info info;
  info.kind = kind;
  for (const char* id : ids)
    info.prompts.push_back(llm_query{id, "p", {}, 1024, false, false, {}, {}});
  return info;
}

query_response answer(const char* id, const char* text) {
  return {id, text, std::nullopt};
}

}  // namespace

TEST_CASE("a batch is answered in any order and handed back in query order", "[answers]") {
  pending_answers pending;
  pending.start(pause_of(pause_kind::batch, {"q-1", "q-2", "q-3"}));
  auto first = pending.accept(batch_payload{{answer("q-3", "C"), answer("q-1", "A")}});
  REQUIRE(std::holds_alternative<pending_answers::accepted>(first));
  CHECK(std::get<pending_answers::accepted>(first).remaining == 1);
  CHECK(std::get<pending_answers::accepted>(first).answered == std::vector<std::size_t>{2, 0});
  CHECK_FALSE(pending.complete());
  REQUIRE(std::holds_alternative<pending_answers::accepted>(
      pending.accept(batch_payload{{answer("q-2", "B")}})));
  CHECK(pending.complete());
  CHECK(pending.take_responses() == std::vector<std::string>{"A", "B", "C"});
  CHECK_FALSE(pending.waiting());
}

TEST_CASE("a bad payload is rejected whole and changes nothing", "[answers]") {
  pending_answers pending;
  pending.start(pause_of(pause_kind::batch, {"q-1", "q-2"}));
  auto unknown = pending.accept(batch_payload{{answer("q-1", "A"), answer("q-9", "?")}});
  REQUIRE(std::holds_alternative<verb_error>(unknown));
  CHECK(std::get<verb_error>(unknown).code == error_code::unknown_query);
  auto twice = pending.accept(batch_payload{{answer("q-1", "A"), answer("q-1", "A")}});
  REQUIRE(std::holds_alternative<verb_error>(twice));
  CHECK(std::get<verb_error>(twice).code == error_code::duplicate_response);
  // q-1 was never applied by the rejected payloads.
  auto good = pending.accept(batch_payload{{answer("q-1", "A")}});
  REQUIRE(std::holds_alternative<pending_answers::accepted>(good));
  auto again = pending.accept(batch_payload{{answer("q-1", "A")}});
  CHECK(std::get<verb_error>(again).code == error_code::duplicate_response);
  auto empty = pending.accept(batch_payload{});
  CHECK(std::get<verb_error>(empty).code == error_code::payload_kind_mismatch);
}

TEST_CASE("the payload kind must match the pause kind", "[answers]") {
  pending_answers single;
  single.start(pause_of(pause_kind::single, {"q-0"}));
  CHECK(std::get<verb_error>(single.accept(batch_payload{{answer("q-0", "x")}})).code ==
        error_code::payload_kind_mismatch);
  pending_answers batch;
  batch.start(pause_of(pause_kind::batch, {"q-0", "q-1"}));
  CHECK(std::get<verb_error>(batch.accept(single_payload{answer("q-0", "x")})).code ==
        error_code::payload_kind_mismatch);
}

TEST_CASE("a large batch is matched by id, not by scanning: all of it in one payload",
          "[answers]") {
  // 100,000 queries answered at once used to take half a minute (quadratic).
  constexpr std::size_t count = 100'000;
  pause_info info;
  info.kind = pause_kind::batch;
  for (std::size_t i = 0; i < count; ++i) {
    info.prompts.push_back(
        llm_query{"q-" + std::to_string(i), "p", {}, 1024, false, false, {}, {}});
  }
  pending_answers pending;
  pending.start(info);
  batch_payload reversed;
  for (std::size_t i = count; i-- > 0;) {
    reversed.responses.push_back({"q-" + std::to_string(i), std::to_string(i), std::nullopt});
  }
  batch_payload with_repeat = reversed;
  with_repeat.responses.push_back(reversed.responses.front());
  CHECK(std::get<verb_error>(pending.accept(with_repeat)).code == error_code::duplicate_response);
  REQUIRE(std::holds_alternative<pending_answers::accepted>(pending.accept(reversed)));
  REQUIRE(pending.complete());
  const auto responses = pending.take_responses();
  CHECK(responses.front() == "0");
  CHECK(responses.back() == std::to_string(count - 1));
}
