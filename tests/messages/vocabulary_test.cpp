// Names of the enumerations on the wire, event kind tags and the clock.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "messages/cancel_reason.hpp"
#include "messages/execution_state.hpp"
#include "messages/failure_kind.hpp"
#include "messages/session_event.hpp"
#include "messages/timestamp.hpp"
#include "messages/verb_error.hpp"

namespace alc {
namespace {

template <class E, class Parse>
void check_names(const std::vector<std::pair<E, const char*>>& names, Parse parse) {
  for (const auto& [value, name] : names) {
    INFO("name: " << name);
    CHECK(to_string(value) == name);
    CHECK(parse(name) == value);
  }
}

template <class E, std::size_t N>
auto parser(const name_table<E, N>& names) {
  return [&names](std::string_view text) { return names.parse(text); };
}

TEST_CASE("cancel codes have stable names that parse back", "[vocabulary]") {
  check_names<cancel_code>({{cancel_code::user, "user"},
                            {cancel_code::timeout, "timeout"},
                            {cancel_code::parent_dropped, "parent_dropped"},
                            {cancel_code::system_shutdown, "system_shutdown"},
                            {cancel_code::internal, "internal"}},
                           parser(cancel_code_names));
  CHECK_FALSE(cancel_code_names.parse("User").has_value());
  CHECK_FALSE(cancel_code_names.parse("").has_value());
}

TEST_CASE("failure kinds have stable names that parse back", "[vocabulary]") {
  check_names<failure_kind>({{failure_kind::lua_error, "lua_error"},
                             {failure_kind::memory_limit, "memory_limit"},
                             {failure_kind::cpu_limit, "cpu_limit"},
                             {failure_kind::timeout, "timeout"},
                             {failure_kind::engine_error, "engine_error"}},
                            parser(failure_kind_names));
  CHECK_FALSE(failure_kind_names.parse("oom").has_value());
}

TEST_CASE("error codes have stable names that parse back", "[vocabulary]") {
  check_names<error_code>({{error_code::not_found, "not_found"},
                           {error_code::not_paused, "not_paused"},
                           {error_code::already_cancelled, "already_cancelled"},
                           {error_code::unknown_query, "unknown_query"},
                           {error_code::duplicate_response, "duplicate_response"},
                           {error_code::payload_kind_mismatch, "payload_kind_mismatch"},
                           {error_code::invalid_spec, "invalid_spec"},
                           {error_code::capacity, "capacity"}},
                          parser(error_code_names));
  CHECK_FALSE(error_code_names.parse("unknown").has_value());
}

TEST_CASE("an out-of-range error code from the wire is named, not undefined", "[vocabulary]") {
  CHECK(to_string(static_cast<error_code>(200)) == "unknown");
}

TEST_CASE("log levels have names; unknown names parse as info", "[vocabulary]") {
  check_names<log_level>({{log_level::error, "error"},
                          {log_level::warn, "warn"},
                          {log_level::info, "info"},
                          {log_level::debug, "debug"}},
                         [](std::string_view text) { return parse_log_level(text); });
  CHECK(parse_log_level("verbose") == log_level::info);
  CHECK(parse_log_level("WARN") == log_level::info);
  CHECK(parse_log_level("") == log_level::info);
}

TEST_CASE("event_kind_name gives the JSON tag of every event", "[vocabulary]") {
  CHECK(event_kind_name(snapshot_event{execution_state{running_state{}}}) == "snapshot");
  CHECK(event_kind_name(state_transition_event{"running", "done"}) == "state_transition");
  CHECK(event_kind_name(pause_requested_event{}) == "pause_requested");
  CHECK(event_kind_name(resume_accepted_event{}) == "resume_accepted");
  CHECK(event_kind_name(progress_event{}) == "progress");
  CHECK(event_kind_name(log_event{}) == "log");
  CHECK(event_kind_name(llm_call_begin_event{}) == "llm_call_begin");
  CHECK(event_kind_name(llm_call_end_event{}) == "llm_call_end");
  CHECK(event_kind_name(closed_event{}) == "closed");
}

template <class E, std::size_t N>
void check_table(const name_table<E, N>& names) {
  for (const auto& [value, name] : names.entries()) {
    INFO("name: " << name);
    CHECK(names.name(value) == name);
    CHECK(names.parse(name) == value);
  }
}

TEST_CASE("every name table maps each value to one name and back", "[vocabulary]") {
  check_table(cancel_code_names);
  check_table(failure_kind_names);
  check_table(error_code_names);
  check_table(pause_kind_names);
  check_table(log_level_names);
  check_table(state_kind_names);
  check_table(event_kind_names);
  CHECK(state_kind_names.joined() == "running, paused, done, failed, cancelled");
}

TEST_CASE("unix_millis_now reads the wall clock in milliseconds", "[vocabulary]") {
  using namespace std::chrono;
  const auto before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  const int64_t now = unix_millis_now();
  const auto after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  CHECK(before <= now);
  CHECK(now <= after);
  CHECK(now > 1'600'000'000'000);  // after September 2020: milliseconds, not seconds
}

}  // namespace
}  // namespace alc
