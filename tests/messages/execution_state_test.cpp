// State names and the execution_state ↔ terminal_outcome conversions.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/execution_state.hpp"

namespace alc {
namespace {

const execution_state running{running_state{}};
const execution_state paused{paused_state{
    pause_info{pause_kind::single, {llm_query{"q", "p", {}, 1024, false, false, {}, {}}}}, 1}};
const execution_state done{done_state{nlohmann::json(42), token_usage{1, 2}, 3}};
const execution_state failed{failed_state{"boom", failure_kind::lua_error, 4}};
const execution_state cancelled{
    cancelled_state{cancel_reason{cancel_code::user, "stop", 5}, 6, running_state{}}};

TEST_CASE("state_name names every execution state", "[execution_state]") {
  CHECK(state_name(running) == "running");
  CHECK(state_name(paused) == "paused");
  CHECK(state_name(done) == "done");
  CHECK(state_name(failed) == "failed");
  CHECK(state_name(cancelled) == "cancelled");
}

TEST_CASE("state_name names every terminal outcome like its state", "[execution_state]") {
  for (const auto& state : {done, failed, cancelled}) {
    const auto outcome = to_terminal_outcome(state);
    REQUIRE(outcome.has_value());
    CHECK(state_name(*outcome) == state_name(state));
  }
}

TEST_CASE("only done, failed and cancelled are terminal", "[execution_state]") {
  CHECK_FALSE(is_terminal(running));
  CHECK_FALSE(is_terminal(paused));
  CHECK(is_terminal(done));
  CHECK(is_terminal(failed));
  CHECK(is_terminal(cancelled));
}

TEST_CASE("live states have no terminal outcome", "[execution_state]") {
  CHECK_FALSE(to_terminal_outcome(running).has_value());
  CHECK_FALSE(to_terminal_outcome(paused).has_value());
}

TEST_CASE("terminal states convert to outcomes and back unchanged", "[execution_state]") {
  for (const auto& state : {done, failed, cancelled}) {
    const auto outcome = to_terminal_outcome(state);
    REQUIRE(outcome.has_value());
    CHECK(to_execution_state(*outcome) == state);
  }
  CHECK(std::get<failed_state>(*to_terminal_outcome(failed)).message == "boom");
}

TEST_CASE("pause kinds have names and parse back", "[execution_state]") {
  CHECK(to_string(pause_kind::single) == "single");
  CHECK(to_string(pause_kind::batch) == "batch");
  CHECK(pause_kind_names.parse("single") == pause_kind::single);
  CHECK(pause_kind_names.parse("batch") == pause_kind::batch);
  CHECK_FALSE(pause_kind_names.parse("Batch").has_value());
  CHECK_FALSE(pause_kind_names.parse("").has_value());
}

}  // namespace
}  // namespace alc
