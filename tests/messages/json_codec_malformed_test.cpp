// Decoders reject malformed documents with a decode_error naming the
// offending path, and never throw.

#include <cstdint>
#include <limits>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "codec_test_support.hpp"
#include "messages/json_codec.hpp"

namespace alc {
namespace {

using Catch::Matchers::StartsWith;
using nlohmann::json;
using test::decode_failure;
using test::decode_ok;

const std::string one_prompt = R"([{"query_id":"q","prompt":"p"}])";

// --- syntax ----------------------------------------------------------------------

TEST_CASE("syntax errors report nlohmann's position", "[json_codec][malformed]") {
  CHECK_THAT(decode_failure<execution_state>(R"({"state":x})"),
             StartsWith("invalid JSON at line 1, column 10: syntax error while parsing value"));
  CHECK_THAT(decode_failure<execution_state>("{\n  \"state\": \"running\",\n}"),
             StartsWith("invalid JSON at line 3, column 1: "));
}

TEST_CASE("empty, truncated and trailing-garbage texts are syntax errors",
          "[json_codec][malformed]") {
  CHECK_THAT(decode_failure<execution_state>(""), StartsWith("invalid JSON at line 1, column 1:"));
  CHECK_THAT(decode_failure<execution_state>(R"({"state":"run)"), StartsWith("invalid JSON at "));
  CHECK_THAT(decode_failure<execution_state>(R"({"state":"running"} x)"),
             StartsWith("invalid JSON at "));
}

TEST_CASE("parse_json_text reports errors as values", "[json_codec][malformed]") {
  const auto parsed = parse_json_text("[1,]");
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(parsed.error().message, StartsWith("invalid JSON at line 1, column 4:"));
  REQUIRE(parse_json_text("[1]").ok());
}

TEST_CASE("a number too large for a double is an error, not an exception",
          "[json_codec][malformed]") {
  CHECK(decode_failure<session_event>(R"({"kind":"closed","at":1e400})") ==
        "invalid JSON: number overflow parsing '1e400'");
}

// --- roots -------------------------------------------------------------------------

TEST_CASE("non-object roots are rejected for every type", "[json_codec][malformed]") {
  for (const char* root : {"[]", "null", "1", "\"running\"", "true"}) {
    INFO("root: " << root);
    CHECK_THAT(decode_failure<execution_state>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<terminal_outcome>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<session_spec>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<resume_payload>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<resume_outcome>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<session_event>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<verb_error>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<llm_query>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<pause_info>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<cancel_reason>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<token_usage>(root), StartsWith("expected an object, got "));
    CHECK_THAT(decode_failure<query_response>(root), StartsWith("expected an object, got "));
  }
  CHECK(decode_failure<execution_state>("[]") == "expected an object, got an array");
  CHECK(decode_failure<execution_state>("null") == "expected an object, got null");
}

// --- execution_state ----------------------------------------------------------------

TEST_CASE("state tag must be present, a string and known", "[json_codec][malformed]") {
  CHECK(decode_failure<execution_state>("{}") == "state: required field is missing");
  CHECK(decode_failure<execution_state>(R"({"state":5})") ==
        "state: expected a string, got an integer");
  CHECK(decode_failure<execution_state>(R"({"state":"sleeping"})") ==
        "state: unknown state 'sleeping' (expected one of running, paused, done, failed, "
        "cancelled)");
  CHECK(decode_failure<execution_state>(R"({"state":"Running"})") ==
        "state: unknown state 'Running' (expected one of running, paused, done, failed, "
        "cancelled)");
}

TEST_CASE("long unknown tags are shortened in messages", "[json_codec][malformed]") {
  const std::string tag(500, 'x');
  CHECK(decode_failure<execution_state>(R"({"state":")" + tag + R"("})") ==
        "state: unknown state '" + std::string(64, 'x') +
            "...' (expected one of running, paused, done, failed, cancelled)");
}

TEST_CASE("shortened tags are cut on a UTF-8 character boundary", "[json_codec][malformed]") {
  // 'é' occupies bytes 63 and 64, so cutting at 64 bytes would split it.
  const std::string tag = std::string(63, 'x') + "\xc3\xa9" + std::string(10, 'y');
  const std::string message = decode_failure<execution_state>(R"({"state":")" + tag + R"("})");
  CHECK(message == "state: unknown state '" + std::string(63, 'x') +
                       "...' (expected one of running, paused, done, failed, cancelled)");
  CHECK_NOTHROW(json(message).dump());
}

TEST_CASE("syntax error messages escape the raw bytes they quote", "[json_codec][malformed]") {
  const std::string message = decode_failure<execution_state>("{\"state\":\"\xff\"}");
  CHECK_THAT(message, Catch::Matchers::Contains("\\xff"));
  CHECK_NOTHROW(json(message).dump());
}

TEST_CASE("paused state errors name the prompt path", "[json_codec][malformed]") {
  CHECK(decode_failure<execution_state>(
            R"({"state":"paused","kind":"batch","paused_at":1,"prompts":[)"
            R"({"query_id":"a","prompt":"p"},{"query_id":"b","prompt":"p"},)"
            R"({"query_id":"c","prompt":7}]})") ==
        "prompts[2].prompt: expected a string, got an integer");
  CHECK(decode_failure<execution_state>(
            R"({"state":"paused","kind":"single","paused_at":1,"prompts":[{"prompt":"p"}]})") ==
        "prompts[0].query_id: required field is missing");
  CHECK(decode_failure<execution_state>(
            R"({"state":"paused","kind":"single","paused_at":1,"prompts":{}})") ==
        "prompts: expected an array, got an object");
  CHECK(decode_failure<execution_state>(
            R"({"state":"paused","kind":"single","paused_at":1,"prompts":["p"]})") ==
        "prompts[0]: expected an object, got a string");
  CHECK(decode_failure<execution_state>(R"({"state":"paused","kind":"single","paused_at":1})") ==
        "prompts: required field is missing");
}

TEST_CASE("paused state rejects an unknown pause kind", "[json_codec][malformed]") {
  CHECK(decode_failure<execution_state>(R"({"state":"paused","kind":"many","paused_at":1,)"
                                        R"("prompts":)" +
                                        one_prompt + "}") ==
        "kind: unknown pause kind 'many' (expected one of single, batch)");
}

TEST_CASE("pause prompt counts must match the pause kind", "[json_codec][malformed]") {
  CHECK(decode_failure<execution_state>(
            R"({"state":"paused","kind":"single","paused_at":1,"prompts":[)"
            R"({"query_id":"a","prompt":"p"},{"query_id":"b","prompt":"p"}]})") ==
        "prompts: a single pause has exactly one prompt, got 2");
  CHECK(decode_failure<execution_state>(
            R"({"state":"paused","kind":"single","paused_at":1,"prompts":[]})") ==
        "prompts: a single pause has exactly one prompt, got 0");
  CHECK(decode_failure<pause_info>(R"({"kind":"batch","prompts":[]})") ==
        "prompts: a batch pause has at least one prompt, got none");
}

TEST_CASE("llm_query option types are checked", "[json_codec][malformed]") {
  CHECK(decode_failure<llm_query>(R"({"query_id":"q","prompt":"p","max_tokens":0})") ==
        "max_tokens: expected a positive integer, got 0");
  CHECK(decode_failure<llm_query>(R"({"query_id":"q","prompt":"p","max_tokens":-5})") ==
        "max_tokens: expected a positive integer, got -5");
  CHECK(decode_failure<llm_query>(R"({"query_id":"q","prompt":"p","max_tokens":"9"})") ==
        "max_tokens: expected a positive integer, got a string");
  CHECK(decode_failure<llm_query>(R"({"query_id":"q","prompt":"p","max_tokens":10.5})") ==
        "max_tokens: expected a positive integer, got a floating-point number");
  CHECK(decode_failure<llm_query>(R"({"query_id":"q","prompt":"p","grounded":"yes"})") ==
        "grounded: expected a boolean, got a string");
  CHECK(decode_failure<llm_query>(R"({"query_id":"q","prompt":"p","system":["s"]})") ==
        "system: expected a string, got an array");
  CHECK(decode_failure<llm_query>(R"({"query_id":1,"prompt":"p"})") ==
        "query_id: expected a string, got an integer");
  CHECK(decode_failure<llm_query>(R"({"query_id":"q","prompt":null})") ==
        "prompt: expected a string, got null");
}

TEST_CASE("ms fields must be JSON integers that fit int64", "[json_codec][malformed]") {
  const std::string prefix = R"({"state":"paused","kind":"single","prompts":)" + one_prompt;
  CHECK(decode_failure<execution_state>(prefix + R"(,"paused_at":1.5})") ==
        "paused_at: expected an integer, got a floating-point number");
  CHECK(decode_failure<execution_state>(prefix + R"(,"paused_at":2.0})") ==
        "paused_at: expected an integer, got a floating-point number");
  CHECK(decode_failure<execution_state>(prefix + R"(,"paused_at":"1"})") ==
        "paused_at: expected an integer, got a string");
  CHECK(decode_failure<execution_state>(prefix + R"(,"paused_at":9223372036854775808})") ==
        "paused_at: expected an integer, got 9223372036854775808 (out of range, at most "
        "9223372036854775807)");
  CHECK(decode_failure<execution_state>(prefix + R"(,"paused_at":18446744073709551615})") ==
        "paused_at: expected an integer, got 18446744073709551615 (out of range, at most "
        "9223372036854775807)");
  // Beyond uint64 the parser yields a double, which is not an integer.
  CHECK(decode_failure<execution_state>(prefix + R"(,"paused_at":99999999999999999999})") ==
        "paused_at: expected an integer, got a floating-point number");
  CHECK(decode_failure<execution_state>(prefix + "}") == "paused_at: required field is missing");
}

TEST_CASE("unsigned integers that fit int64 are accepted", "[json_codec]") {
  json document = json::parse(R"({"kind":"closed"})");
  document["at"] = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  REQUIRE(document["at"].is_number_unsigned());
  const auto event = from_json_value<session_event>(document);
  REQUIRE(event.ok());
  CHECK(event.value().at == std::numeric_limits<int64_t>::max());
}

TEST_CASE("done state usage counts must be non-negative integers", "[json_codec][malformed]") {
  CHECK(decode_failure<execution_state>(R"({"state":"done","value":1,"finished_at":1,)"
                                        R"("usage":{"prompt_tokens":-1,"completion_tokens":0}})") ==
        "usage.prompt_tokens: expected a non-negative integer, got -1");
  CHECK(decode_failure<execution_state>(
            R"({"state":"done","value":1,"finished_at":1,"usage":{"prompt_tokens":1}})") ==
        "usage.completion_tokens: required field is missing");
  CHECK(decode_failure<execution_state>(
            R"({"state":"done","value":1,"finished_at":1,"usage":[1,2]})") ==
        "usage: expected an object, got an array");
}

TEST_CASE("failed state checks message and kind", "[json_codec][malformed]") {
  CHECK(decode_failure<execution_state>(
            R"({"state":"failed","message":"m","kind":"oops","occurred_at":1})") ==
        "kind: unknown failure kind 'oops' (expected one of lua_error, memory_limit, cpu_limit, "
        "timeout, engine_error)");
  CHECK(
      decode_failure<execution_state>(R"({"state":"failed","kind":"lua_error","occurred_at":1})") ==
      "message: required field is missing");
}

TEST_CASE("cancelled state errors name the nested path", "[json_codec][malformed]") {
  const std::string before = R"("observed_at":2,"state_before":{"state":"running"})";
  CHECK(decode_failure<execution_state>(
            R"({"state":"cancelled","reason":{"code":"foo","detail":"","requested_at":1},)" +
            before + "}") ==
        "reason.code: unknown cancel code 'foo' (expected one of user, timeout, parent_dropped, "
        "system_shutdown, internal)");
  CHECK(decode_failure<execution_state>(
            R"({"state":"cancelled","reason":{"code":"user","requested_at":1.5},)" + before +
            "}") == "reason.requested_at: expected an integer, got a floating-point number");
  CHECK(decode_failure<execution_state>(R"({"state":"cancelled","reason":"user",)" + before +
                                        "}") == "reason: expected an object, got a string");
  CHECK(decode_failure<execution_state>(
            R"({"state":"cancelled","reason":{"code":"user","requested_at":1},"observed_at":2})") ==
        "state_before: required field is missing");
}

TEST_CASE("cancelled state_before must be running or paused", "[json_codec][malformed]") {
  const std::string prefix =
      R"({"state":"cancelled","reason":{"code":"user","requested_at":1},"observed_at":2,)";
  CHECK(decode_failure<execution_state>(
            prefix + R"("state_before":{"state":"done","value":1,"finished_at":1}})") ==
        "state_before.state: expected 'running' or 'paused' (a cancelled session was live), got "
        "'done'");
  CHECK(decode_failure<execution_state>(prefix + R"("state_before":{"state":"zombie"}})") ==
        "state_before.state: unknown state 'zombie' (expected one of running, paused, done, "
        "failed, cancelled)");
  CHECK(decode_failure<execution_state>(
            prefix + R"("state_before":{"state":"paused","kind":"single","paused_at":1,)"
                     R"("prompts":[{"prompt":"p"}]}})") ==
        "state_before.prompts[0].query_id: required field is missing");
}

TEST_CASE("terminal outcome rejects live states", "[json_codec][malformed]") {
  CHECK(decode_failure<terminal_outcome>(R"({"state":"running"})") ==
        "state: expected a terminal state (done, failed or cancelled), got 'running'");
  CHECK(decode_failure<terminal_outcome>(R"({"state":"paused","kind":"single","paused_at":1,)"
                                         R"("prompts":)" +
                                         one_prompt + "}") ==
        "state: expected a terminal state (done, failed or cancelled), got 'paused'");
}

TEST_CASE("deeply nested documents are rejected without crashing", "[json_codec][malformed]") {
  const std::size_t depth = 100000;
  const std::string value = std::string(depth, '[') + std::string(depth, ']');
  CHECK(decode_failure<execution_state>(R"({"state":"done","finished_at":1,"value":)" + value +
                                        "}") == "document nests deeper than 256 levels");
  CHECK(decode_failure<session_spec>(R"({"kind":{"kind":"run","code":"x"},"ctx":{"a":)" + value +
                                     "}}") == "document nests deeper than 256 levels");
}

TEST_CASE("values nested up to the depth limit are accepted", "[json_codec]") {
  // The state object is level 1, so the value may nest max_json_depth - 1 levels.
  const std::size_t depth = max_json_depth - 1;
  const std::string value = std::string(depth, '[') + std::string(depth, ']');
  decode_ok<execution_state>(R"({"state":"done","finished_at":1,"value":)" + value + "}");
  CHECK(decode_failure<execution_state>(R"({"state":"done","finished_at":1,"value":[)" + value +
                                        "]}") == "document nests deeper than 256 levels");
}

// --- session_spec --------------------------------------------------------------------

TEST_CASE("spec kind must be an object with a kind name", "[json_codec][malformed]") {
  CHECK(decode_failure<session_spec>(R"({"ctx":{}})") == "kind: required field is missing");
  CHECK(decode_failure<session_spec>(R"({"kind":"run"})") ==
        "kind: expected an object, got a string");
  CHECK(decode_failure<session_spec>(R"({"kind":{"code":"x"}})") ==
        "kind.kind: required field is missing");
}

TEST_CASE("a spec of an unknown kind or with a ctx that is no object decodes, and is invalid",
          "[json_codec][session_spec]") {
  // Every front end then answers invalid_spec (from the registry), never bad_request.
  const auto exec = decode_ok<session_spec>(R"({"kind":{"kind":"exec","code":"x"}})");
  CHECK(exec.kind == spec_kind{unsupported_spec{"exec"}});
  CHECK(validate(exec) ==
        std::optional<std::string>("unknown spec kind 'exec' (expected one of run, advice)"));
  const auto eval = decode_ok<session_spec>(R"({"kind":{"kind":"eval","scenario":"s"}})");
  CHECK_THAT(validate(eval).value_or(""), Catch::StartsWith("eval spec: not available"));
  for (const char* ctx : {"[1]", R"("{}")", "5"}) {
    const auto spec = decode_ok<session_spec>(
        std::string(R"({"kind":{"kind":"run","code":"x"},"ctx":)") + ctx + "}");
    CHECK(validate(spec) == std::optional<std::string>("ctx must be a JSON object"));
  }
}

TEST_CASE("spec fields have the right types", "[json_codec][malformed]") {
  CHECK(decode_failure<session_spec>(R"({"kind":{"kind":"run"}})") ==
        "kind.code: required field is missing");
  CHECK(decode_failure<session_spec>(R"({"kind":{"kind":"run","code":["x"]}})") ==
        "kind.code: expected a string, got an array");
  CHECK(decode_failure<session_spec>(R"({"kind":{"kind":"advice","task":"t"}})") ==
        "kind.strategy: required field is missing");
  CHECK(decode_failure<session_spec>(R"({"kind":{"kind":"advice","strategy":"cot","task":1}})") ==
        "kind.task: expected a string, got an integer");
  CHECK(decode_failure<session_spec>(R"({"kind":{"kind":"run","code":"x"},"project_root":5})") ==
        "project_root: expected a string, got an integer");
}

// --- resume payloads and outcomes ----------------------------------------------------

TEST_CASE("resume payload kind must be known", "[json_codec][malformed]") {
  CHECK(decode_failure<resume_payload>(R"({"query_id":"q","response":"r"})") ==
        "payload_kind: required field is missing");
  CHECK(decode_failure<resume_payload>(R"({"payload_kind":"multi"})") ==
        "payload_kind: unknown payload kind 'multi' (expected one of single, batch)");
}

TEST_CASE("single resume payload errors name the field", "[json_codec][malformed]") {
  CHECK(decode_failure<resume_payload>(R"({"payload_kind":"single","query_id":"q"})") ==
        "response: required field is missing");
  CHECK(decode_failure<resume_payload>(
            R"({"payload_kind":"single","query_id":"q","response":"r","usage":"lots"})") ==
        "usage: expected an object, got a string");
}

TEST_CASE("an answer's error must be text", "[json_codec][malformed]") {
  CHECK(decode_failure<resume_payload>(
            R"({"payload_kind":"single","query_id":"q","response":"r","error":7})") ==
        "error: expected a string, got an integer");
  CHECK(decode_failure<resume_payload>(
            R"({"payload_kind":"single","query_id":"q","error":"x","response":3})") ==
        "response: expected a string, got an integer");
}

TEST_CASE("batch resume payload errors name the response index", "[json_codec][malformed]") {
  CHECK(decode_failure<resume_payload>(R"({"payload_kind":"batch"})") ==
        "responses: required field is missing");
  CHECK(decode_failure<resume_payload>(R"({"payload_kind":"batch","responses":{}})") ==
        "responses: expected an array, got an object");
  CHECK(decode_failure<resume_payload>(
            R"({"payload_kind":"batch","responses":[{"query_id":"a","response":"r"},)"
            R"({"query_id":"b"}]})") == "responses[1].response: required field is missing");
  CHECK(decode_failure<resume_payload>(
            R"({"payload_kind":"batch","responses":[{"query_id":"a","response":"r",)"
            R"("usage":{"prompt_tokens":1,"completion_tokens":0.5}}]})") ==
        "responses[0].usage.completion_tokens: expected a non-negative integer, got a "
        "floating-point number");
}

TEST_CASE("resume outcome errors name the field", "[json_codec][malformed]") {
  CHECK(decode_failure<resume_outcome>(R"({"status":"accepted","remaining":-1})") ==
        "remaining: expected a non-negative integer, got -1");
  CHECK(decode_failure<resume_outcome>(R"({"status":"accepted"})") ==
        "remaining: required field is missing");
  CHECK(decode_failure<resume_outcome>(R"({"status":"done"})") ==
        "status: unknown resume status 'done' (expected one of continued, accepted)");
}

// --- session events -------------------------------------------------------------------

TEST_CASE("event kind and at are required", "[json_codec][malformed]") {
  CHECK(decode_failure<session_event>(R"({"at":1})") == "kind: required field is missing");
  CHECK(decode_failure<session_event>(R"({"kind":"closed"})") == "at: required field is missing");
  CHECK(decode_failure<session_event>(R"({"kind":"closed","at":1.5})") ==
        "at: expected an integer, got a floating-point number");
  CHECK(decode_failure<session_event>(R"({"kind":"tick","at":1})") ==
        "kind: unknown event kind 'tick' (expected one of snapshot, state_transition, "
        "pause_requested, resume_accepted, progress, log, llm_call_begin, llm_call_end, "
        "closed)");
}

TEST_CASE("event fields are checked per kind", "[json_codec][malformed]") {
  CHECK(decode_failure<session_event>(R"({"kind":"snapshot","at":1,"state":{"state":"x"}})") ==
        "state.state: unknown state 'x' (expected one of running, paused, done, failed, "
        "cancelled)");
  CHECK(decode_failure<session_event>(
            R"({"kind":"state_transition","at":1,"from":"running","to":"sleeping"})") ==
        "to: unknown state 'sleeping' (expected one of running, paused, done, failed, "
        "cancelled)");
  CHECK(decode_failure<session_event>(R"({"kind":"state_transition","at":1,"to":"done"})") ==
        "from: required field is missing");
  CHECK(decode_failure<session_event>(
            R"({"kind":"pause_requested","at":1,"info":{"kind":"single","prompts":[{}]}})") ==
        "info.prompts[0].query_id: required field is missing");
  CHECK(decode_failure<session_event>(R"({"kind":"resume_accepted","at":1,"payload_kind":3})") ==
        "payload_kind: expected a string, got an integer");
  CHECK(decode_failure<session_event>(R"({"kind":"progress","at":1,"step":"1","total":2})") ==
        "step: expected an integer, got a string");
  CHECK(decode_failure<session_event>(
            R"({"kind":"progress","at":1,"step":1,"total":2,"message":false})") ==
        "message: expected a string, got a boolean");
  CHECK(decode_failure<session_event>(R"({"kind":"log","at":1,"level":3,"message":"m"})") ==
        "level: expected a string, got an integer");
  CHECK(decode_failure<session_event>(R"({"kind":"llm_call_begin","at":1})") ==
        "query_id: required field is missing");
  CHECK(decode_failure<session_event>(
            R"({"kind":"llm_call_end","at":1,"query_id":"q","usage":{"prompt_tokens":-3,)"
            R"("completion_tokens":1}})") ==
        "usage.prompt_tokens: expected a non-negative integer, got -3");
}

// --- verb_error -------------------------------------------------------------------------

TEST_CASE("verb_error code and actual are checked", "[json_codec][malformed]") {
  CHECK(decode_failure<verb_error>(R"({"code":"nope","message":"m"})") ==
        "code: unknown error code 'nope' (expected one of not_found, not_paused, "
        "already_cancelled, unknown_query, duplicate_response, payload_kind_mismatch, "
        "invalid_spec, capacity)");
  CHECK(decode_failure<verb_error>(R"({"code":"not_paused","message":"m","actual":5})") ==
        "actual: expected a string, got an integer");
  CHECK(decode_ok<verb_error>(R"({"code":"not_paused","message":"m","actual":null})") ==
        verb_error{error_code::not_paused, "m", std::nullopt});
}

// --- robustness sweep ---------------------------------------------------------------------

// Every decoder, applied to `document`; none may throw, and every failure
// must carry a message.
void decode_with_every_decoder(const json& document) {
  const auto check = [](const auto& result) {
    if (!result.ok()) CHECK_FALSE(result.error().message.empty());
  };
  REQUIRE_NOTHROW(check(from_json_value<token_usage>(document)));
  REQUIRE_NOTHROW(check(from_json_value<llm_query>(document)));
  REQUIRE_NOTHROW(check(from_json_value<pause_info>(document)));
  REQUIRE_NOTHROW(check(from_json_value<cancel_reason>(document)));
  REQUIRE_NOTHROW(check(from_json_value<execution_state>(document)));
  REQUIRE_NOTHROW(check(from_json_value<terminal_outcome>(document)));
  REQUIRE_NOTHROW(check(from_json_value<session_spec>(document)));
  REQUIRE_NOTHROW(check(from_json_value<query_response>(document)));
  REQUIRE_NOTHROW(check(from_json_value<resume_payload>(document)));
  REQUIRE_NOTHROW(check(from_json_value<resume_outcome>(document)));
  REQUIRE_NOTHROW(check(from_json_value<session_event>(document)));
  REQUIRE_NOTHROW(check(from_json_value<verb_error>(document)));
}

// Calls `visit(document)` once per mutation: each value replaced by each
// odd value, and each object member removed.
template <class Visit>
void for_each_mutation(json& node, json& document, const Visit& visit) {
  const json odd_values[] = {json(nullptr),
                             json(true),
                             json(1.5),
                             json(-1),
                             json(0),
                             json("x"),
                             json::array(),
                             json::object(),
                             json(std::numeric_limits<uint64_t>::max()),
                             json(std::numeric_limits<int64_t>::min())};
  const json original = node;
  for (const auto& odd : odd_values) {
    node = odd;
    visit(document);
  }
  node = original;
  if (node.is_object()) {
    const json members = node;  // erasing while iterating `node` would invalidate it
    for (const auto& member : members.items()) {
      node.erase(member.key());
      visit(document);
      node[member.key()] = member.value();
    }
  }
  if (node.is_structured()) {
    for (auto& child : node) for_each_mutation(child, document, visit);
  }
}

TEST_CASE("no decoder throws on any mutation of valid documents", "[json_codec][malformed]") {
  const char* documents[] = {
      R"({"state":"cancelled","reason":{"code":"user","detail":"d","requested_at":1},)"
      R"("observed_at":2,"state_before":{"state":"paused","kind":"batch","paused_at":3,)"
      R"("prompts":[{"query_id":"a","prompt":"p","system":"s","max_tokens":5},)"
      R"({"query_id":"b","prompt":"p"}]}})",
      R"({"state":"done","value":{"a":[1]},"usage":{"prompt_tokens":1,"completion_tokens":2},)"
      R"("finished_at":3})",
      R"({"state":"failed","message":"m","kind":"timeout","occurred_at":1})",
      R"({"kind":{"kind":"advice","strategy":"cot","task":"t","opts":{}},"ctx":{"a":1},)"
      R"("project_root":"/x"})",
      R"({"payload_kind":"batch","responses":[{"query_id":"a","response":"r",)"
      R"("usage":{"prompt_tokens":1,"completion_tokens":2}}]})",
      R"({"payload_kind":"single","query_id":"a","response":"r","usage":null})",
      R"({"status":"accepted","remaining":2})",
      R"({"kind":"progress","at":1,"step":1,"total":2,"message":"m"})",
      R"({"kind":"snapshot","at":1,"state":{"state":"running"}})",
      R"({"kind":"llm_call_end","at":1,"query_id":"q","usage":null})",
      R"({"code":"not_paused","message":"m","actual":"done"})",
  };
  for (const char* text : documents) {
    INFO("document: " << text);
    json document = json::parse(text);
    decode_with_every_decoder(document);
    for_each_mutation(document, document, decode_with_every_decoder);
  }
}

TEST_CASE("no decoder throws on any truncation of a valid text", "[json_codec][malformed]") {
  const std::string text = R"({"kind":"pause_requested","at":1,"info":{"kind":"single","prompts":[)"
                           R"({"query_id":"q","prompt":"p\u00e9","max_tokens":10}]}})";
  for (std::size_t length = 0; length < text.size(); ++length) {
    const auto result = from_json_text<session_event>(std::string_view{text}.substr(0, length));
    CHECK_FALSE(result.ok());
  }
  CHECK(from_json_text<session_event>(text).ok());
}

}  // namespace
}  // namespace alc
