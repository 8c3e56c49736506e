#include <catch2/catch.hpp>

#include "actors/fork_group.hpp"

using namespace alc;
using nlohmann::json;

namespace {

paused_state paused_with(pause_kind kind, std::initializer_list<const char*> ids) {
  paused_state paused;
  paused.info.kind = kind;
  for (const char* id : ids)
    paused.info.prompts.push_back(
        llm_query{id, std::string("prompt of ") + id, {}, 1024, false, false, {}, {}});
  return paused;
}

/// Parent ids p-1, p-2, ... in the order merged_pause asks for them.
std::function<std::string()> parent_ids() {
  auto next = std::make_shared<int>(0);
  return [next] { return "p-" + std::to_string(++*next); };
}

query_response answer(const char* parent_id, const char* text) {
  return {parent_id, text, std::nullopt};
}

const done_state done_with(json value) {
  return done_state{std::move(value), std::nullopt, 1};
}

std::vector<std::string> ids_of(const pause_info& info) {
  std::vector<std::string> ids;
  for (const auto& q : info.prompts) ids.push_back(q.query_id);
  return ids;
}

}  // namespace

TEST_CASE("a fork group knows its strategies and its error policy", "[fork]") {
  const fork_group skip({"a", "b"}, false);
  CHECK(skip.size() == 2);
  CHECK(skip.strategy(0) == "a");
  CHECK(skip.strategy(1) == "b");
  CHECK_FALSE(skip.abort_on_error());
  CHECK(fork_group({"a"}, true).abort_on_error());
  CHECK_THROWS_AS(skip.strategy(2), std::out_of_range);
}

TEST_CASE("the group pauses only once every unfinished child waits", "[fork]") {
  fork_group group({"a", "b", "c"}, false);
  CHECK_FALSE(group.ready_to_pause());  // nobody reported: all running
  group.report(0, paused_with(pause_kind::single, {"q-1"}));
  group.report(1, paused_with(pause_kind::single, {"q-1"}));
  CHECK_FALSE(group.ready_to_pause());  // c still runs
  group.report(2, done_with(1));
  CHECK(group.ready_to_pause());  // a finished child does not hold the pause back
}

TEST_CASE("a running report is ignored: the child keeps its pause", "[fork]") {
  fork_group group({"a"}, false);
  group.report(0, paused_with(pause_kind::single, {"q-1"}));
  group.report(0, running_state{});
  CHECK(group.ready_to_pause());
  CHECK(ids_of(group.merged_pause(parent_ids())) == std::vector<std::string>{"p-1"});
}

TEST_CASE("the merged pause holds every waiting child's queries in child order, renamed",
          "[fork]") {
  fork_group group({"a", "b", "c"}, false);
  group.report(1, paused_with(pause_kind::batch, {"q-1", "q-2"}));  // reported first
  group.report(0, paused_with(pause_kind::single, {"q-7"}));
  group.report(2, done_with("finished"));
  const pause_info merged = group.merged_pause(parent_ids());
  CHECK(merged.kind == pause_kind::batch);
  CHECK(ids_of(merged) == std::vector<std::string>{"p-1", "p-2", "p-3"});
  REQUIRE(merged.prompts.size() == 3);
  CHECK(merged.prompts[0].prompt == "prompt of q-7");  // child a first
  CHECK(merged.prompts[1].prompt == "prompt of q-1");
  CHECK(merged.prompts[2].prompt == "prompt of q-2");
  CHECK_FALSE(group.ready_to_pause());  // all published now
}

TEST_CASE("one waiting query makes a single merged pause", "[fork]") {
  fork_group group({"a", "b"}, false);
  group.report(0, done_with(1));
  group.report(1, paused_with(pause_kind::batch, {"q-1"}));
  CHECK(group.merged_pause(parent_ids()).kind == pause_kind::single);
}

TEST_CASE("answers go back to each child under its own ids and pause kind", "[fork]") {
  fork_group group({"a", "b"}, false);
  group.report(0, paused_with(pause_kind::single, {"q-5"}));
  group.report(1, paused_with(pause_kind::batch, {"q-1", "q-2"}));
  group.merged_pause(parent_ids());  // p-1 -> a/q-5, p-2 -> b/q-1, p-3 -> b/q-2
  const token_usage usage{3, 4};
  auto routed =
      group.route({answer("p-1", "A"), query_response{"p-2", "B1", usage}, answer("p-3", "B2")});
  REQUIRE(routed.size() == 2);
  CHECK(routed[0].first == 0);
  CHECK(routed[0].second == resume_payload{single_payload{{"q-5", "A", std::nullopt}}});
  CHECK(routed[1].first == 1);
  CHECK(routed[1].second ==
        resume_payload{batch_payload{{{"q-1", "B1", usage}, {"q-2", "B2", std::nullopt}}}});
  // The children run again: nothing to publish until they pause anew.
  CHECK_FALSE(group.ready_to_pause());
  group.report(1, paused_with(pause_kind::single, {"q-3"}));
  CHECK_FALSE(group.ready_to_pause());  // a is running
  group.report(0, paused_with(pause_kind::single, {"q-6"}));
  CHECK(group.ready_to_pause());
}

TEST_CASE("answers are routed by merged position, extra answers are dropped", "[fork]") {
  fork_group group({"a", "b"}, false);
  group.report(0, paused_with(pause_kind::single, {"q-1"}));
  group.report(1, paused_with(pause_kind::single, {"q-1"}));
  group.merged_pause(parent_ids());
  auto routed = group.route({answer("p-1", "to a"), answer("p-2", "to b"), answer("p-9", "?")});
  REQUIRE(routed.size() == 2);
  CHECK(std::get<single_payload>(routed[0].second).answer.response == "to a");
  CHECK(std::get<single_payload>(routed[1].second).answer.response == "to b");
  // The routing table is spent: a second route has nobody to deliver to.
  CHECK(group.route({answer("p-1", "late")}).empty());
}

TEST_CASE("a re-pause after a merged pause is published again", "[fork]") {
  fork_group group({"a", "b"}, false);
  group.report(0, paused_with(pause_kind::single, {"q-1"}));
  group.report(1, done_with(2));
  group.merged_pause(parent_ids());
  CHECK_FALSE(group.ready_to_pause());
  group.report(0, paused_with(pause_kind::single, {"q-2"}));  // a new pause replaces the old
  CHECK(group.ready_to_pause());
  const auto merged = group.merged_pause(parent_ids());
  REQUIRE(merged.prompts.size() == 1);
  CHECK(merged.prompts[0].prompt == "prompt of q-2");
}

TEST_CASE("results are in input order whatever the finishing order", "[fork]") {
  fork_group group({"first", "second", "third"}, false);
  CHECK_FALSE(group.all_finished());
  group.report(2, done_with(json::array({3})));
  group.report(1, failed_state{"boom", failure_kind::lua_error, 1});
  CHECK_FALSE(group.all_finished());
  group.report(0, cancelled_state{cancel_reason{cancel_code::user, "enough", 0}, 1, {}});
  CHECK(group.all_finished());
  CHECK(group.results() ==
        json::array({
            {{"strategy", "first"}, {"ok", false}, {"error", "cancelled (user): enough"}},
            {{"strategy", "second"}, {"ok", false}, {"error", "boom"}},
            {{"strategy", "third"}, {"ok", true}, {"result", json::array({3})}},
        }));
}

TEST_CASE("first_failure is the first in input order, not the first to fail", "[fork]") {
  fork_group group({"a", "b", "c", "d"}, true);
  CHECK_FALSE(group.first_failure());
  group.report(0, done_with(1));
  CHECK_FALSE(group.first_failure());  // done is no failure
  group.report(3, failed_state{"late one", failure_kind::lua_error, 1});
  CHECK(group.first_failure() == std::optional<std::size_t>(3));
  group.report(2, cancelled_state{cancel_reason{cancel_code::timeout, "slow", 0}, 1, {}});
  CHECK(group.first_failure() == std::optional<std::size_t>(2));
  CHECK(group.failure_message(2) == "cancelled (timeout): slow");
}

TEST_CASE("failure messages of children that did not fail", "[fork]") {
  fork_group group({"a", "b"}, false);
  group.report(0, done_with(1));
  CHECK(group.failure_message(0) == "done");
  CHECK(group.failure_message(1) == "still running");
  // An unfinished child shows up as an error in the results.
  CHECK(group.results()[1] == json({{"strategy", "b"}, {"ok", false}, {"error", "still running"}}));
}

TEST_CASE("reports after a child's end are stale and change nothing", "[fork]") {
  fork_group group({"a", "b"}, false);
  group.report(0, done_with("kept"));
  group.report(0, failed_state{"too late", failure_kind::lua_error, 2});
  group.report(0, paused_with(pause_kind::single, {"q-1"}));
  CHECK_FALSE(group.first_failure());
  CHECK(group.results()[0] == json({{"strategy", "a"}, {"ok", true}, {"result", "kept"}}));
  // The stale pause is not published either.
  group.report(1, paused_with(pause_kind::single, {"q-1"}));
  CHECK(group.merged_pause(parent_ids()).prompts.size() == 1);
}

TEST_CASE("a child that ends while published drops out of the next merge", "[fork]") {
  fork_group group({"a", "b"}, false);
  group.report(0, paused_with(pause_kind::single, {"q-1"}));
  group.report(1, paused_with(pause_kind::single, {"q-1"}));
  group.merged_pause(parent_ids());
  group.report(0, failed_state{"cancelled under us", failure_kind::lua_error, 1});
  CHECK_FALSE(group.ready_to_pause());  // b's query is still out
  CHECK(group.first_failure() == std::optional<std::size_t>(0));
}

TEST_CASE("answers for a child that ended after its queries went out are dropped", "[fork]") {
  fork_group group({"a", "b"}, false);
  group.report(0, paused_with(pause_kind::single, {"q-5"}));
  group.report(1, paused_with(pause_kind::single, {"q-1"}));
  group.merged_pause(parent_ids());  // p-1 -> a/q-5, p-2 -> b/q-1
  group.report(0, failed_state{"gone", failure_kind::engine_error, 1});
  const auto routed = group.route({answer("p-1", "A"), answer("p-2", "B")});
  REQUIRE(routed.size() == 1);
  CHECK(routed[0].first == 1);
  CHECK(routed[0].second == resume_payload{single_payload{{"q-1", "B", std::nullopt}}});
}
