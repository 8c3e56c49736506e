#include <caf/all.hpp>

#include "tests/actors/runtime_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

template <class T>
T through_the_wire(caf::actor_system& system, const T& value) {
  caf::binary_serializer::container_type buffer;
  caf::binary_serializer sink{system, buffer};
  T copy = value;
  REQUIRE_FALSE(sink(copy));
  T decoded{};
  caf::binary_deserializer source{system, buffer};
  const auto error = source(decoded);
  INFO(caf::to_string(error));
  REQUIRE_FALSE(error);
  return decoded;
}

template <class T>
void round_trips(caf::actor_system& system, const T& value) {
  CHECK(through_the_wire(system, value) == value);
  // As part of a message too: what the middleman actually ships.
  auto msg = caf::make_message(value);
  caf::binary_serializer::container_type buffer;
  caf::binary_serializer sink{system, buffer};
  REQUIRE_FALSE(sink(msg));
  caf::message decoded;
  caf::binary_deserializer source{system, buffer};
  REQUIRE_FALSE(source(decoded));
  REQUIRE(decoded.match_elements<T>());
  CHECK(decoded.get_as<T>(0) == value);
}

}  // namespace

TEST_CASE("every message type crosses CAF's binary wire unchanged", "[wire]") {
  test_runtime rt;
  auto& sys = rt.system();
  const llm_query query{"q-1", "prompt", std::string("sys"), 64,
                        true,  false,    std::nullopt,       std::string("critic")};
  const paused_state paused{pause_info{pause_kind::batch, {query, query}}, 12};
  const cancel_reason reason{cancel_code::parent_dropped, "parent went away", 99};

  round_trips(sys, session_spec{run_spec{"return 1"}, {{"a", 1}}, std::string("/root")});
  round_trips(sys, session_spec{advice_spec{"cot", std::string("task"), {{"k", true}}},
                                json::object(), std::nullopt});
  round_trips(sys, execution_state{running_state{}});
  round_trips(sys, execution_state{paused});
  round_trips(sys, execution_state{done_state{{{"x", {1, 2.5}}}, token_usage{10, 5}, 7}});
  round_trips(sys, execution_state{failed_state{"boom", failure_kind::cpu_limit, 8}});
  round_trips(sys, execution_state{cancelled_state{reason, 9, paused}});
  round_trips(sys, terminal_outcome{done_state{json(nullptr), std::nullopt, 1}});
  round_trips(sys, terminal_outcome{cancelled_state{reason, 9, running_state{}}});
  round_trips(sys, resume_payload{single_payload{{"q-0", "yes", token_usage{1, 2}}}});
  round_trips(
      sys, resume_payload{batch_payload{{{"q-0", "a", std::nullopt}, {"q-1", "b", std::nullopt}}}});
  round_trips(sys, resume_outcome{resume_continued{}});
  round_trips(sys, resume_outcome{resume_accepted{3}});
  round_trips(sys, reason);
  round_trips(sys, session_event{state_transition_event{"running", "paused"}, 5});
  round_trips(sys, session_event{pause_requested_event{paused.info}, 6});
  round_trips(sys, session_event{snapshot_event{execution_state{paused}}, 6});
  round_trips(sys, session_event{closed_event{}, 7});
  round_trips(sys,
              session_summary{"ses-1", "paused", 1, 2, 3, session_metrics{1, 2, 3, 4, 5, {6, 7}}});
  round_trips(sys, std::vector<session_summary>{session_summary{"ses-2", "done", 1, 2, 0, {}}});
  round_trips(sys, registry_stats{1, 2, 3, 4, 5});
  round_trips(sys, verb_error{error_code::not_paused, "is running", std::string("running")});
  round_trips(sys, state_call{state_op::incr, "team", "n", nullptr, 1, 0.5});
  round_trips(sys, state_call{state_op::set, "default", "k", {{"a", {1, 2}}}, nullptr, nullptr});
  round_trips(sys, state_call{state_op::keys, "fork-1", "", nullptr, nullptr, nullptr});
  round_trips(sys, card_call{card_op::create, {{{"pkg", {{"name", "cot"}}}, {"x", 1.5}}}});
  round_trips(sys, card_call{card_op::find, {nullptr}});
}

TEST_CASE("a malformed wire text is a deserialization error, not a crash", "[wire]") {
  test_runtime rt;
  caf::binary_serializer::container_type buffer;
  caf::binary_serializer sink{rt.system(), buffer};
  std::string garbage = "{\"state\":\"exploded\"}";
  REQUIRE_FALSE(sink(garbage));
  execution_state decoded;
  caf::binary_deserializer source{rt.system(), buffer};
  const auto error = source(decoded);
  CHECK(error);
  CHECK_THAT(caf::to_string(error), Catch::Contains("exploded"));
}

TEST_CASE("verb errors keep their code, message and actual state", "[wire]") {
  const auto error = make_verb_error(error_code::not_paused, "session x is done", "done");
  const auto verb = to_verb_error(error);
  REQUIRE(verb);
  CHECK(verb->code == error_code::not_paused);
  CHECK(verb->message == "session x is done");
  CHECK(verb->actual == std::optional<std::string>("done"));
  CHECK(describe(error) == "not_paused: session x is done");
  CHECK_FALSE(to_verb_error(caf::make_error(caf::sec::request_timeout)));
}
