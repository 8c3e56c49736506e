// The session state machine alone: every (phase, input) pair, the effects
// that matter, and the table in docs/architecture.md.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <vector>

#include "actors/session_machine.hpp"

using namespace alc;
using phase = session_phase;
using input = session_input;
using effect = session_effect;

namespace {

constexpr phase all_phases[] = {phase::running,
                                phase::awaiting_store,
                                phase::awaiting_children,
                                phase::paused,
                                phase::paused_for_children,
                                phase::done,
                                phase::failed,
                                phase::cancelled};
constexpr input all_inputs[] = {
    input::slice_preempted, input::called_llm,     input::called_store,    input::called_fork,
    input::script_returned, input::script_failed,  input::store_answered,  input::answers_completed,
    input::children_paused, input::children_ended, input::cancel_requested};

// A way to reach each phase from a new session.
std::vector<input> path_to(phase target) {
  switch (target) {
    case phase::running:
      return {};
    case phase::awaiting_store:
      return {input::called_store};
    case phase::awaiting_children:
      return {input::called_fork};
    case phase::paused:
      return {input::called_llm};
    case phase::paused_for_children:
      return {input::called_fork, input::children_paused};
    case phase::done:
      return {input::script_returned};
    case phase::failed:
      return {input::script_failed};
    case phase::cancelled:
      return {input::cancel_requested};
  }
  return {};
}

session_machine machine_in(phase target) {
  session_machine m;
  for (const input i : path_to(target)) REQUIRE(m.fire(i).has_value());
  REQUIRE(m.phase() == target);
  return m;
}

// The lifecycle as docs/architecture.md tells it, written independently of
// the table: (from, input) -> to.
const std::map<std::pair<phase, input>, phase> expected_moves = {
    {{phase::running, input::slice_preempted}, phase::running},
    {{phase::running, input::called_llm}, phase::paused},
    {{phase::running, input::called_store}, phase::awaiting_store},
    {{phase::running, input::called_fork}, phase::awaiting_children},
    {{phase::running, input::script_returned}, phase::done},
    {{phase::running, input::script_failed}, phase::failed},
    {{phase::running, input::cancel_requested}, phase::cancelled},
    {{phase::running, input::engine_failed}, phase::failed},
    {{phase::awaiting_store, input::store_answered}, phase::running},
    {{phase::awaiting_store, input::cancel_requested}, phase::cancelled},
    {{phase::awaiting_store, input::engine_failed}, phase::failed},
    {{phase::awaiting_children, input::children_paused}, phase::paused_for_children},
    {{phase::awaiting_children, input::children_ended}, phase::running},
    {{phase::awaiting_children, input::cancel_requested}, phase::cancelled},
    {{phase::awaiting_children, input::engine_failed}, phase::failed},
    {{phase::paused, input::answers_completed}, phase::running},
    {{phase::paused, input::cancel_requested}, phase::cancelled},
    {{phase::paused, input::engine_failed}, phase::failed},
    {{phase::paused_for_children, input::answers_completed}, phase::awaiting_children},
    {{phase::paused_for_children, input::children_ended}, phase::running},
    {{phase::paused_for_children, input::cancel_requested}, phase::cancelled},
    {{phase::paused_for_children, input::engine_failed}, phase::failed},
    {{phase::done, input::cancel_requested}, phase::done},
    {{phase::failed, input::cancel_requested}, phase::failed},
    {{phase::cancelled, input::cancel_requested}, phase::cancelled},
};

std::string effects_text(effect set) {
  std::string out;
  for (const effect e : all_session_effects) {
    if (!has(set, e)) continue;
    if (!out.empty()) out += ", ";
    out += to_string(e);
  }
  return out.empty() ? "—" : out;
}

}  // namespace

TEST_CASE("every input is legal exactly where the lifecycle allows it, else rejected unchanged",
          "[session_machine]") {
  for (const phase from : all_phases) {
    for (const input in : all_inputs) {
      CAPTURE(to_string(from), to_string(in));
      session_machine m = machine_in(from);
      const auto taken = m.fire(in);
      const auto expected = expected_moves.find({from, in});
      if (expected == expected_moves.end()) {
        CHECK_FALSE(taken.has_value());
        CHECK(m.phase() == from);
      } else {
        REQUIRE(taken.has_value());
        CHECK(taken->from == from);
        CHECK(taken->to == expected->second);
        CHECK(m.phase() == expected->second);
      }
    }
  }
}

TEST_CASE("the table has one row per legal pair and no duplicates", "[session_machine]") {
  std::set<std::pair<phase, input>> seen;
  for (const auto& t : session_transitions()) {
    CHECK(seen.insert({t.from, t.input}).second);
  }
  CHECK(seen.size() == expected_moves.size());
}

TEST_CASE("an ended session accepts only cancel, and that changes nothing", "[session_machine]") {
  for (const phase end : {phase::done, phase::failed, phase::cancelled}) {
    session_machine m = machine_in(end);
    const auto taken = m.fire(input::cancel_requested);
    REQUIRE(taken.has_value());
    CHECK(taken->effects == effect::none);
    CHECK(m.phase() == end);
    CHECK(m.terminal());
  }
}

TEST_CASE("every live phase can be cancelled or failed by the engine, which finishes it once",
          "[session_machine]") {
  for (const phase from : all_phases) {
    for (const auto& [end, to] : {std::pair{input::cancel_requested, phase::cancelled},
                                  std::pair{input::engine_failed, phase::failed}}) {
      if (is_terminal(from)) continue;
      CAPTURE(to_string(from), to_string(end));
      session_machine m = machine_in(from);
      const auto taken = m.fire(end);
      REQUIRE(taken.has_value());
      CHECK(taken->to == to);
      CHECK(has(taken->effects, effect::finish));
      CHECK_FALSE(has(taken->effects, effect::run_slice));
      const bool has_children =
          from == phase::awaiting_children || from == phase::paused_for_children;
      CHECK(has(taken->effects, effect::stop_children) == has_children);
    }
  }
}

TEST_CASE("reaching an end always finishes; nothing else does", "[session_machine]") {
  for (const auto& t : session_transitions()) {
    CAPTURE(to_string(t.from), to_string(t.input));
    const bool ends_now = is_terminal(t.to) && !is_terminal(t.from);
    CHECK(has(t.effects, effect::finish) == ends_now);
  }
}

TEST_CASE("the script runs on after every reply it waited for", "[session_machine]") {
  for (const auto& t : session_transitions()) {
    CAPTURE(to_string(t.from), to_string(t.input));
    if (t.to == phase::running && t.from != phase::running) {
      CHECK(has(t.effects, effect::answer_script));
      CHECK(has(t.effects, effect::run_slice));
    }
    if (has(t.effects, effect::answer_script)) CHECK(t.to == phase::running);
  }
}

TEST_CASE("public state names collapse the sub-states", "[session_machine]") {
  CHECK(public_state_name(phase::awaiting_store) == "running");
  CHECK(public_state_name(phase::awaiting_children) == "running");
  CHECK(public_state_name(phase::paused_for_children) == "paused");
  session_machine m;
  const auto to_store = m.fire(input::called_store);
  CHECK_FALSE(session_machine::changes_public_state(*to_store));
  const auto back = m.fire(input::store_answered);
  CHECK_FALSE(session_machine::changes_public_state(*back));
  const auto pause = m.fire(input::called_llm);
  CHECK(session_machine::changes_public_state(*pause));
}

TEST_CASE("docs/architecture.md shows exactly the transition table", "[session_machine][docs]") {
  std::ostringstream rendered;
  rendered << "| phase | input | next phase | effects |\n|---|---|---|---|\n";
  for (const auto& t : session_transitions()) {
    rendered << "| " << to_string(t.from) << " | " << to_string(t.input) << " | " << to_string(t.to)
             << " | " << effects_text(t.effects) << " |\n";
  }
  std::ifstream file(std::string(ALC_DOCS_DIR) + "/architecture.md");
  REQUIRE(file);
  std::ostringstream doc;
  doc << file.rdbuf();
  const std::string text = doc.str();
  const std::string begin = "<!-- session-machine:begin -->\n";
  const std::string end = "<!-- session-machine:end -->";
  const auto from = text.find(begin);
  const auto to = text.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  const std::string shown = text.substr(from + begin.size(), to - from - begin.size());
  INFO("expected in docs/architecture.md:\n" << rendered.str());
  CHECK(shown == rendered.str());
}
