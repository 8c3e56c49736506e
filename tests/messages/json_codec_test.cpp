// Golden shapes (docs/protocol.md: the values of every op and event) and round trips for every
// variant of every message type.

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "codec_test_support.hpp"
#include "messages/json_codec.hpp"

namespace alc {
namespace {

using nlohmann::json;
using test::check_golden;
using test::decode_ok;

llm_query full_query() {
  llm_query query;
  query.query_id = "q-1";
  query.prompt = "Summarise the text";
  query.system = "Be brief";
  query.max_tokens = 256;
  query.grounded = true;
  query.underspecified = true;
  query.cache_breakpoint = "after-system";
  query.role = "critic";
  return query;
}

constexpr const char* full_query_json = R"({
  "query_id": "q-1", "prompt": "Summarise the text", "system": "Be brief",
  "max_tokens": 256, "grounded": true, "underspecified": true,
  "cache_breakpoint": "after-system", "role": "critic"})";

llm_query plain_query(const std::string& id, const std::string& prompt) {
  llm_query query;
  query.query_id = id;
  query.prompt = prompt;
  return query;
}

std::string plain_query_json(const std::string& id, const std::string& prompt) {
  return R"({"query_id":")" + id + R"(","prompt":")" + prompt +
         R"(","system":null,"max_tokens":1024,"grounded":false,"underspecified":false,)"
         R"("cache_breakpoint":null,"role":null})";
}

paused_state paused_single() {
  return paused_state{pause_info{pause_kind::single, {full_query()}}, 1700000000123};
}

std::string paused_single_json() {
  return R"({"state":"paused","kind":"single","prompts":[)" + std::string{full_query_json} +
         R"(],"paused_at":1700000000123})";
}

paused_state paused_batch() {
  return paused_state{
      pause_info{pause_kind::batch, {plain_query("b-1", "first"), plain_query("b-2", "second")}},
      42};
}

std::string paused_batch_json() {
  return R"({"state":"paused","kind":"batch","prompts":[)" + plain_query_json("b-1", "first") +
         "," + plain_query_json("b-2", "second") + R"(],"paused_at":42})";
}

// ---------------------------------------------------------------------------

TEST_CASE("token_usage encodes both counts", "[json_codec][golden]") {
  check_golden(token_usage{12, 34}, R"({"prompt_tokens":12,"completion_tokens":34})");
}

TEST_CASE("llm_query encodes every option", "[json_codec][golden]") {
  check_golden(full_query(), full_query_json);
}

TEST_CASE("llm_query encodes absent options as null and defaults explicitly",
          "[json_codec][golden]") {
  check_golden(plain_query("q-2", "hi"), plain_query_json("q-2", "hi"));
}

TEST_CASE("llm_query decoding fills defaults for omitted options", "[json_codec]") {
  const auto query = decode_ok<llm_query>(R"({"query_id":"q","prompt":"p"})");
  CHECK(query == plain_query("q", "p"));
  CHECK(query.max_tokens == 1024);
  const auto with_nulls = decode_ok<llm_query>(
      R"({"query_id":"q","prompt":"p","system":null,"max_tokens":null,"grounded":null,)"
      R"("underspecified":null,"cache_breakpoint":null,"role":null})");
  CHECK(with_nulls == plain_query("q", "p"));
}

TEST_CASE("llm_query decoding ignores unknown keys", "[json_codec]") {
  CHECK(decode_ok<llm_query>(R"({"query_id":"q","prompt":"p","temperature":0.2})") ==
        plain_query("q", "p"));
}

TEST_CASE("pause_info encodes kind and prompts", "[json_codec][golden]") {
  check_golden(pause_info{pause_kind::single, {full_query()}},
               R"({"kind":"single","prompts":[)" + std::string{full_query_json} + "]}");
  check_golden(paused_batch().info, R"({"kind":"batch","prompts":[)" +
                                        plain_query_json("b-1", "first") + "," +
                                        plain_query_json("b-2", "second") + "]}");
}

TEST_CASE("cancel_reason encodes code, detail and requested_at", "[json_codec][golden]") {
  check_golden(cancel_reason{cancel_code::parent_dropped, "parent went away", 7},
               R"({"code":"parent_dropped","detail":"parent went away","requested_at":7})");
}

TEST_CASE("cancel_reason encodes every cancel code by name", "[json_codec][golden]") {
  // The names themselves are pinned in vocabulary_test.cpp.
  for (const auto& [code, name] : cancel_code_names.entries()) {
    check_golden(cancel_reason{code, "", 1}, std::string{R"({"code":")"} + std::string{name} +
                                                 R"(","detail":"","requested_at":1})");
  }
}

TEST_CASE("cancel_reason records a missing or null detail as null, not empty", "[json_codec]") {
  const cancel_reason none{cancel_code::user, std::nullopt, 5};
  CHECK(decode_ok<cancel_reason>(R"({"code":"user","requested_at":5})") == none);
  CHECK(decode_ok<cancel_reason>(R"({"code":"user","detail":null,"requested_at":5})") == none);
  check_golden(none, R"({"code":"user","detail":null,"requested_at":5})");
}

// --- execution_state --------------------------------------------------------

TEST_CASE("running state is just its tag", "[json_codec][golden]") {
  check_golden(execution_state{running_state{}}, R"({"state":"running"})");
}

TEST_CASE("paused state flattens pause info next to the tag", "[json_codec][golden]") {
  check_golden(execution_state{paused_single()}, paused_single_json());
  check_golden(execution_state{paused_batch()}, paused_batch_json());
}

TEST_CASE("done state carries value, usage and finished_at", "[json_codec][golden]") {
  check_golden(execution_state{done_state{json{{"answer", 42}, {"list", {1, "two", nullptr}}},
                                          token_usage{10, 20}, 99}},
               R"({"state":"done","value":{"answer":42,"list":[1,"two",null]},)"
               R"("usage":{"prompt_tokens":10,"completion_tokens":20},"finished_at":99})");
}

TEST_CASE("done state without value or usage encodes both as null", "[json_codec][golden]") {
  check_golden(execution_state{done_state{json(nullptr), std::nullopt, 5}},
               R"({"state":"done","value":null,"usage":null,"finished_at":5})");
}

TEST_CASE("done state keeps scalar values verbatim", "[json_codec][golden]") {
  check_golden(execution_state{done_state{json("text"), std::nullopt, 1}},
               R"({"state":"done","value":"text","usage":null,"finished_at":1})");
  check_golden(execution_state{done_state{json(2.5), std::nullopt, 1}},
               R"({"state":"done","value":2.5,"usage":null,"finished_at":1})");
  check_golden(execution_state{done_state{json::array(), std::nullopt, 1}},
               R"({"state":"done","value":[],"usage":null,"finished_at":1})");
}

TEST_CASE("done state decoding reads a missing value as null", "[json_codec]") {
  CHECK(decode_ok<execution_state>(R"({"state":"done","finished_at":3})") ==
        execution_state{done_state{json(nullptr), std::nullopt, 3}});
}

TEST_CASE("failed state encodes every failure kind by name", "[json_codec][golden]") {
  // The names themselves are pinned in vocabulary_test.cpp.
  for (const auto& [kind, name] : failure_kind_names.entries()) {
    check_golden(execution_state{failed_state{"boom at line 3", kind, 77}},
                 std::string{R"({"state":"failed","message":"boom at line 3","kind":")"} +
                     std::string{name} + R"(","occurred_at":77})");
  }
}

TEST_CASE("cancelled state nests the reason and a running state_before", "[json_codec][golden]") {
  check_golden(execution_state{cancelled_state{cancel_reason{cancel_code::user, "stop", 10}, 11,
                                               running_state{}}},
               R"({"state":"cancelled","reason":{"code":"user","detail":"stop","requested_at":10},)"
               R"("observed_at":11,"state_before":{"state":"running"}})");
}

TEST_CASE("cancelled state nests a full paused state_before", "[json_codec][golden]") {
  check_golden(execution_state{cancelled_state{cancel_reason{cancel_code::system_shutdown, "", 10},
                                               12, paused_single()}},
               R"({"state":"cancelled","reason":{"code":"system_shutdown","detail":"",)"
               R"("requested_at":10},"observed_at":12,"state_before":)" +
                   paused_single_json() + "}");
}

TEST_CASE("terminal outcomes encode like the matching execution state", "[json_codec][golden]") {
  check_golden(terminal_outcome{done_state{json(1), token_usage{1, 2}, 3}},
               R"({"state":"done","value":1,"usage":{"prompt_tokens":1,"completion_tokens":2},)"
               R"("finished_at":3})");
  check_golden(terminal_outcome{failed_state{"oom", failure_kind::memory_limit, 4}},
               R"({"state":"failed","message":"oom","kind":"memory_limit","occurred_at":4})");
  check_golden(
      terminal_outcome{
          cancelled_state{cancel_reason{cancel_code::timeout, "ttl", 5}, 6, paused_batch()}},
      R"({"state":"cancelled","reason":{"code":"timeout","detail":"ttl","requested_at":5},)"
      R"("observed_at":6,"state_before":)" +
          paused_batch_json() + "}");
}

TEST_CASE("terminal outcome JSON equals the execution state JSON", "[json_codec]") {
  const terminal_outcome outcome{failed_state{"x", failure_kind::cpu_limit, 9}};
  CHECK(to_json_value(outcome) == to_json_value(to_execution_state(outcome)));
}

// --- session_spec ------------------------------------------------------------

TEST_CASE("run spec encodes code, ctx and a null project_root", "[json_codec][golden]") {
  check_golden(session_spec{run_spec{"return ctx.x"}, json{{"x", 1}}, std::nullopt},
               R"({"kind":{"kind":"run","code":"return ctx.x"},"ctx":{"x":1},)"
               R"("project_root":null})");
}

TEST_CASE("run spec encodes a project_root when set", "[json_codec][golden]") {
  check_golden(session_spec{run_spec{"return 1"}, json::object(), std::string{"/srv/alc"}},
               R"({"kind":{"kind":"run","code":"return 1"},"ctx":{},"project_root":"/srv/alc"})");
}

TEST_CASE("run spec encodes the chunk's name when set", "[json_codec][golden]") {
  check_golden(
      session_spec{run_spec{"return 1", std::string{"hello.lua"}}, json::object(), std::nullopt},
      R"({"kind":{"kind":"run","code":"return 1","name":"hello.lua"},"ctx":{},)"
      R"("project_root":null})");
}

TEST_CASE("advice spec encodes strategy, task and opts", "[json_codec][golden]") {
  check_golden(session_spec{advice_spec{"cot", std::string{"2+2?"}, json{{"depth", 3}}},
                            json::object(), std::nullopt},
               R"({"kind":{"kind":"advice","strategy":"cot","task":"2+2?","opts":{"depth":3}},)"
               R"("ctx":{},"project_root":null})");
}

TEST_CASE("advice spec encodes absent task and opts as null", "[json_codec][golden]") {
  check_golden(session_spec{advice_spec{"pkg.sc", std::nullopt, json(nullptr)}, json{{"n", 5}},
                            std::nullopt},
               R"({"kind":{"kind":"advice","strategy":"pkg.sc","task":null,"opts":null},)"
               R"("ctx":{"n":5},"project_root":null})");
}

TEST_CASE("session spec decoding turns an absent or null ctx into an empty object",
          "[json_codec]") {
  const session_spec expected{run_spec{"return 1"}, json::object(), std::nullopt};
  CHECK(decode_ok<session_spec>(R"({"kind":{"kind":"run","code":"return 1"}})") == expected);
  CHECK(decode_ok<session_spec>(R"({"kind":{"kind":"run","code":"return 1"},"ctx":null})") ==
        expected);
}

TEST_CASE("advice spec decoding accepts omitted task and opts", "[json_codec]") {
  CHECK(
      decode_ok<session_spec>(R"({"kind":{"kind":"advice","strategy":"cot"}})") ==
      session_spec{advice_spec{"cot", std::nullopt, json(nullptr)}, json::object(), std::nullopt});
}

// --- resume payloads and outcomes --------------------------------------------

TEST_CASE("query_response encodes usage or null", "[json_codec][golden]") {
  check_golden(query_response{"q-1", "4", token_usage{3, 1}},
               R"({"query_id":"q-1","response":"4","usage":{"prompt_tokens":3,)"
               R"("completion_tokens":1}})");
  check_golden(query_response{"q-1", "4", std::nullopt},
               R"({"query_id":"q-1","response":"4","usage":null})");
}

TEST_CASE("single resume payload is flat", "[json_codec][golden]") {
  check_golden(resume_payload{single_payload{query_response{"q-1", "yes", token_usage{5, 6}}}},
               R"({"payload_kind":"single","query_id":"q-1","response":"yes",)"
               R"("usage":{"prompt_tokens":5,"completion_tokens":6}})");
  check_golden(resume_payload{single_payload{query_response{"q-1", "yes", std::nullopt}}},
               R"({"payload_kind":"single","query_id":"q-1","response":"yes","usage":null})");
}

TEST_CASE("single resume payload decoding accepts an omitted usage", "[json_codec]") {
  CHECK(decode_ok<resume_payload>(R"({"payload_kind":"single","query_id":"q","response":"r"})") ==
        resume_payload{single_payload{query_response{"q", "r", std::nullopt}}});
}

TEST_CASE("a failed answer carries its error and needs no response text", "[json_codec][golden]") {
  query_response failed{"q-2", "", std::nullopt, std::string("openai endpoint x: HTTP 500")};
  check_golden(failed, R"({"query_id":"q-2","response":"","usage":null,)"
                       R"("error":"openai endpoint x: HTTP 500"})");
  CHECK(decode_ok<resume_payload>(
            R"({"payload_kind":"single","query_id":"q-2","error":"gave up"})") ==
        resume_payload{single_payload{query_response{"q-2", "", std::nullopt, "gave up"}}});
  CHECK(decode_ok<query_response>(R"({"query_id":"q","response":"r","error":null})") ==
        query_response{"q", "r", std::nullopt});
}

TEST_CASE("batch resume payload lists its responses", "[json_codec][golden]") {
  check_golden(resume_payload{batch_payload{{query_response{"b-1", "one", std::nullopt},
                                             query_response{"b-2", "two", token_usage{1, 1}}}}},
               R"({"payload_kind":"batch","responses":[)"
               R"({"query_id":"b-1","response":"one","usage":null},)"
               R"({"query_id":"b-2","response":"two","usage":{"prompt_tokens":1,)"
               R"("completion_tokens":1}}]})");
  check_golden(resume_payload{batch_payload{}}, R"({"payload_kind":"batch","responses":[]})");
}

TEST_CASE("resume outcomes encode their status", "[json_codec][golden]") {
  check_golden(resume_outcome{resume_continued{}}, R"({"status":"continued"})");
  check_golden(resume_outcome{resume_accepted{3}}, R"({"status":"accepted","remaining":3})");
  check_golden(resume_outcome{resume_accepted{0}}, R"({"status":"accepted","remaining":0})");
}

// --- session events ------------------------------------------------------------

TEST_CASE("snapshot event nests the state", "[json_codec][golden]") {
  check_golden(session_event{snapshot_event{execution_state{running_state{}}}, 1},
               R"({"kind":"snapshot","at":1,"state":{"state":"running"}})");
  check_golden(session_event{snapshot_event{execution_state{paused_single()}}, 2},
               R"({"kind":"snapshot","at":2,"state":)" + paused_single_json() + "}");
}

TEST_CASE("state_transition event names both states", "[json_codec][golden]") {
  check_golden(session_event{state_transition_event{"running", "paused"}, 3},
               R"({"kind":"state_transition","at":3,"from":"running","to":"paused"})");
}

TEST_CASE("pause_requested event nests pause info", "[json_codec][golden]") {
  check_golden(session_event{pause_requested_event{paused_batch().info}, 4},
               R"({"kind":"pause_requested","at":4,"info":{"kind":"batch","prompts":[)" +
                   plain_query_json("b-1", "first") + "," + plain_query_json("b-2", "second") +
                   "]}}");
}

TEST_CASE("resume_accepted event names the payload kind", "[json_codec][golden]") {
  check_golden(session_event{resume_accepted_event{pause_kind::single}, 5},
               R"({"kind":"resume_accepted","at":5,"payload_kind":"single"})");
  check_golden(session_event{resume_accepted_event{pause_kind::batch}, 5},
               R"({"kind":"resume_accepted","at":5,"payload_kind":"batch"})");
}

TEST_CASE("progress event encodes step, total and optional message", "[json_codec][golden]") {
  check_golden(session_event{progress_event{2, 5, std::string{"halfway"}}, 6},
               R"({"kind":"progress","at":6,"step":2,"total":5,"message":"halfway"})");
  check_golden(session_event{progress_event{1, 1, std::nullopt}, 6},
               R"({"kind":"progress","at":6,"step":1,"total":1,"message":null})");
}

TEST_CASE("log event encodes every level by name", "[json_codec][golden]") {
  // The names themselves are pinned in vocabulary_test.cpp.
  for (const auto& [level, name] : log_level_names.entries()) {
    check_golden(session_event{log_event{std::string{name}, "hello"}, 7},
                 std::string{R"({"kind":"log","at":7,"level":")"} + std::string{name} +
                     R"(","message":"hello"})");
  }
}

TEST_CASE("log event keeps any level verbatim; its severity reads unknown ones as info",
          "[json_codec]") {
  check_golden(session_event{log_event{"trace", "t"}, 2},
               R"({"kind":"log","at":2,"level":"trace","message":"t"})");
  const auto decoded =
      decode_ok<session_event>(R"({"kind":"log","at":1,"level":"verbose","message":"m"})");
  CHECK(decoded == session_event{log_event{"verbose", "m"}, 1});
  CHECK(std::get<log_event>(decoded.body).severity() == log_level::info);
  CHECK(log_event{"3", "m"}.severity() == log_level::info);
  CHECK(log_event{"warn", "m"}.severity() == log_level::warn);
  CHECK(log_event{}.level == "info");
}

TEST_CASE("llm call events encode the query id and optional usage", "[json_codec][golden]") {
  check_golden(session_event{llm_call_begin_event{"q-9"}, 8},
               R"({"kind":"llm_call_begin","at":8,"query_id":"q-9"})");
  check_golden(session_event{llm_call_end_event{"q-9", token_usage{4, 2}}, 9},
               R"({"kind":"llm_call_end","at":9,"query_id":"q-9",)"
               R"("usage":{"prompt_tokens":4,"completion_tokens":2}})");
  check_golden(session_event{llm_call_end_event{"q-9", std::nullopt}, 9},
               R"({"kind":"llm_call_end","at":9,"query_id":"q-9","usage":null})");
}

TEST_CASE("closed event has only kind and at", "[json_codec][golden]") {
  check_golden(session_event{closed_event{}, 10}, R"({"kind":"closed","at":10})");
}

// --- verb_error ------------------------------------------------------------------

TEST_CASE("verb_error encodes actual only when present", "[json_codec][golden]") {
  check_golden(verb_error{error_code::not_paused, "session is running", std::string{"running"}},
               R"({"code":"not_paused","message":"session is running","actual":"running"})");
  check_golden(verb_error{error_code::not_found, "no session ses-1", std::nullopt},
               R"({"code":"not_found","message":"no session ses-1"})");
}

TEST_CASE("verb_error encodes every error code by name", "[json_codec][golden]") {
  // The names themselves are pinned in vocabulary_test.cpp.
  for (const auto& [code, name] : error_code_names.entries()) {
    check_golden(verb_error{code, "m", std::nullopt},
                 std::string{R"({"code":")"} + std::string{name} + R"(","message":"m"})");
  }
}

// --- text helpers -------------------------------------------------------------------

TEST_CASE("int64 extremes survive a round trip", "[json_codec]") {
  const int64_t max = std::numeric_limits<int64_t>::max();
  const int64_t min = std::numeric_limits<int64_t>::min();
  check_golden(session_event{progress_event{min, max, std::nullopt}, max},
               R"({"kind":"progress","at":9223372036854775807,"step":-9223372036854775808,)"
               R"("total":9223372036854775807,"message":null})");
}

TEST_CASE("non-ASCII strings survive a round trip", "[json_codec]") {
  check_golden(session_event{log_event{"warn", "あいう \"q\" \\ \n"}, 1},
               R"({"kind":"log","at":1,"level":"warn","message":"あいう \"q\" \\ \n"})");
}

TEST_CASE("to_json_text replaces invalid UTF-8 instead of throwing", "[json_codec]") {
  const json value = std::string{"ok\xff"};
  std::string text;
  REQUIRE_NOTHROW(text = to_json_text(value));
  CHECK(text == "\"ok\xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace alc

TEST_CASE("a caller's cancel reason fills in the defaults of every field it leaves out",
          "[json_codec][cancel]") {
  const auto all_defaults = alc::cancel_reason_from_request(nullptr);
  REQUIRE(all_defaults.ok());
  CHECK(all_defaults.value() == alc::cancel_reason{alc::cancel_code::user, std::nullopt, 0});
  const auto given = alc::cancel_reason_from_request({{"code", "timeout"}, {"detail", "slow"}});
  REQUIRE(given.ok());
  CHECK(given.value() == alc::cancel_reason{alc::cancel_code::timeout, std::string{"slow"}, 0});
  CHECK_FALSE(alc::cancel_reason_from_request(nlohmann::json::array()).ok());
  const auto bad_code = alc::cancel_reason_from_request({{"code", "later"}});
  REQUIRE_FALSE(bad_code.ok());
  CHECK_THAT(bad_code.error().message, Catch::Contains("code"));
}
