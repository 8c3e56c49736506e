// The responder's pure parts, without CAF or a network: each provider's
// request and how its responses read, what statuses and transfer errors
// mean, the retry policy, the exec protocol and the endpoint's TOML form.
#include <catch2/catch.hpp>

#include "actors/llm/exec_provider.hpp"
#include "actors/llm/http_status.hpp"
#include "actors/llm/providers.hpp"
#include "actors/llm/retry_policy.hpp"

using namespace alc;
using namespace alc::llm;
using Catch::Contains;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

llm_query query_of(std::string prompt, std::optional<std::string> system = std::nullopt,
                   int64_t max_tokens = 1024) {
  llm_query q;
  q.query_id = "q-0";
  q.prompt = std::move(prompt);
  q.system = std::move(system);
  q.max_tokens = max_tokens;
  return q;
}

http_reply reply_of(long status, std::string body) {
  http_reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

answer answered(const attempt_outcome& outcome) {
  INFO("failure: " << (std::holds_alternative<failure>(outcome) ? std::get<failure>(outcome).message
                                                                : std::string()));
  REQUIRE(std::holds_alternative<answer>(outcome));
  return std::get<answer>(outcome);
}

failure failed(const attempt_outcome& outcome) {
  REQUIRE(std::holds_alternative<failure>(outcome));
  return std::get<failure>(outcome);
}

bool has_header(const http_request& r, const std::string& header) {
  return std::find(r.headers.begin(), r.headers.end(), header) != r.headers.end();
}

}  // namespace

TEST_CASE("an openai request carries system, prompt, max_tokens, model and temperature",
          "[llm][openai]") {
  llm_endpoint endpoint;
  endpoint.base_url = "http://127.0.0.1:8080/v1/";
  endpoint.model = "tiny";
  endpoint.temperature = 0.25;
  const auto request = openai_request(endpoint, "sk-test", query_of("6 x 7?", "Be brief.", 16));
  CHECK(request.url == "http://127.0.0.1:8080/v1/chat/completions");
  CHECK(has_header(request, "Authorization: Bearer sk-test"));
  CHECK(has_header(request, "Content-Type: application/json"));
  CHECK(json::parse(request.body) == json{{"model", "tiny"},
                                          {"max_tokens", 16},
                                          {"temperature", 0.25},
                                          {"messages",
                                           {{{"role", "system"}, {"content", "Be brief."}},
                                            {{"role", "user"}, {"content", "6 x 7?"}}}}});
}

TEST_CASE("an openai request without key, model, system or temperature leaves them out",
          "[llm][openai]") {
  llm_endpoint endpoint;
  const auto request = openai_request(endpoint, "", query_of("hi"));
  CHECK(request.url == "https://api.openai.com/v1/chat/completions");
  for (const auto& header : request.headers) CHECK(header.rfind("Authorization", 0) != 0);
  CHECK(json::parse(request.body) ==
        json{{"max_tokens", 1024}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}});
}

TEST_CASE("an openai answer is the first choice's content with the reported usage",
          "[llm][openai]") {
  const auto& a = answered(
      openai_answer(reply_of(200, R"({"choices":[{"message":{"role":"assistant","content":"42"}},)"
                                  R"({"message":{"content":"other"}}],"usage":{"prompt_tokens":11,)"
                                  R"("completion_tokens":2,"total_tokens":13}})"),
                    0));
  CHECK(a.text == "42");
  REQUIRE(a.usage);
  CHECK(*a.usage == reported_usage{token_usage{11, 2}});
  CHECK_FALSE(
      answered(openai_answer(reply_of(200, R"({"choices":[{"message":{"content":""}}]})"), 0))
          .usage);
}

TEST_CASE("a malformed openai body is a final failure naming what is wrong", "[llm][openai]") {
  const auto& not_json = failed(openai_answer(reply_of(200, "<html>oops"), 0));
  CHECK_THAT(not_json.message, Catch::StartsWith("malformed response body: not JSON"));
  CHECK_FALSE(not_json.retryable);
  CHECK(failed(openai_answer(reply_of(200, R"({"id":"x"})"), 0)).message ==
        "malformed response body: choices: required field is missing");
  CHECK(failed(openai_answer(reply_of(200, R"({"choices":[]})"), 0)).message ==
        "malformed response body: choices: expected at least one choice");
  CHECK(failed(openai_answer(reply_of(200, R"({"choices":[{"message":{"content":null}}]})"), 0))
            .message ==
        "malformed response body: choices[0].message.content: expected a string, got null");
}

TEST_CASE("an anthropic request carries the key, the version, system and max_tokens",
          "[llm][anthropic]") {
  llm_endpoint endpoint;
  endpoint.provider = llm_provider::anthropic;
  endpoint.model = "claude-test";
  const auto request = anthropic_request(endpoint, "ak", query_of("hello", "Be kind.", 64));
  CHECK(request.url == "https://api.anthropic.com/v1/messages");
  CHECK(has_header(request, "x-api-key: ak"));
  CHECK(has_header(request, "anthropic-version: 2023-06-01"));
  CHECK(json::parse(request.body) ==
        json{{"model", "claude-test"},
             {"max_tokens", 64},
             {"system", "Be kind."},
             {"messages", {{{"role", "user"}, {"content", "hello"}}}}});
}

TEST_CASE("an anthropic answer joins the text blocks and reads input and output tokens",
          "[llm][anthropic]") {
  const auto& a = answered(anthropic_answer(
      reply_of(200,
               R"({"content":[{"type":"text","text":"Hel"},{"type":"tool_use","id":"t"},)"
               R"({"type":"text","text":"lo"}],"usage":{"input_tokens":9,"output_tokens":3}})"),
      0));
  CHECK(a.text == "Hello");
  REQUIRE(a.usage);
  CHECK(*a.usage == reported_usage{token_usage{9, 3}});
  CHECK(failed(anthropic_answer(reply_of(200, R"({"content":[],"stop_reason":"max_tokens"})"), 0))
            .message == "malformed response body: content: no text block (stop_reason max_tokens)");
}

TEST_CASE("error statuses quote the server's message; 408, 429 and 5xx may be retried",
          "[llm][status]") {
  auto rate_limited = reply_of(429, R"({"error":{"message":"Slow down","type":"rate"}})");
  rate_limited.reason = "Too Many Requests";
  const auto& limited = failed(openai_answer(rate_limited, 0));
  CHECK(limited.message == "HTTP 429 Too Many Requests: Slow down");
  CHECK(limited.retryable);
  CHECK(limited.http_status == 429);
  CHECK(failed(openai_answer(reply_of(503, "upstream\nbusy"), 0)).message ==
        "HTTP 503: upstream busy");
  CHECK(failed(anthropic_answer(
                   reply_of(529, R"({"type":"error","error":{"message":"Overloaded"}})"), 0))
            .retryable);
  CHECK(failed(openai_answer(reply_of(408, ""), 0)).retryable);
  CHECK_FALSE(failed(openai_answer(reply_of(400, R"({"error":"bad model"})"), 0)).retryable);
  CHECK(failed(openai_answer(reply_of(400, R"({"error":"bad model"})"), 0)).message ==
        "HTTP 400: bad model");
  CHECK_FALSE(failed(openai_answer(reply_of(401, ""), 0)).retryable);
  const std::string huge(5000, 'x');
  CHECK(failed(openai_answer(reply_of(500, huge), 0)).message.size() < 400);
}

TEST_CASE("Retry-After is read as seconds, as an HTTP date, or as retry-after-ms",
          "[llm][status]") {
  http_reply r = reply_of(429, "");
  CHECK_FALSE(retry_after_of(r, 0));
  r.retry_after = "2";
  CHECK(retry_after_of(r, 0) == 2000ms);
  r.retry_after = "0.5";
  CHECK(retry_after_of(r, 0) == 500ms);
  r.retry_after = "Wed, 21 Oct 2015 07:28:00 GMT";
  CHECK(retry_after_of(r, 1445412470) == 10000ms);  // ten seconds before that date
  CHECK(retry_after_of(r, 1445412490) == 0ms);      // a date in the past: at once
  r.retry_after = "soon";
  CHECK_FALSE(retry_after_of(r, 0));
  r.retry_after_ms = "250";  // OpenAI's, more precise: it wins
  CHECK(retry_after_of(r, 0) == 250ms);
  r.retry_after = "3";
  CHECK(failed(openai_answer(r, 0)).retry_after == 250ms);
}

TEST_CASE("transfer errors: connection failures and timeouts may be retried, others not",
          "[llm][status]") {
  CHECK(failure_of({transfer_error::kind::connect, "refused"}).retryable);
  CHECK(failure_of({transfer_error::kind::connect, "refused"}).message ==
        "cannot connect: refused");
  CHECK(failure_of({transfer_error::kind::timeout, "after 5 ms"}).retryable);
  CHECK(failure_of({transfer_error::kind::broken, "reset"}).retryable);
  CHECK_FALSE(failure_of({transfer_error::kind::too_large, "big"}).retryable);
  CHECK_FALSE(failure_of({transfer_error::kind::other, "bad URL"}).retryable);
}

TEST_CASE("retries back off exponentially with jitter, up to the limit", "[llm][retry]") {
  llm_endpoint endpoint;
  endpoint.retries = 3;
  endpoint.backoff = 100ms;
  endpoint.max_backoff = 300ms;
  const failure transient{"HTTP 500", true, std::nullopt, 500};
  CHECK(decide_retry(endpoint, 1, transient, 0.0).wait == 50ms);     // half of 100 ms ...
  CHECK(decide_retry(endpoint, 1, transient, 0.999).wait == 100ms);  // ... to all of it
  CHECK(decide_retry(endpoint, 2, transient, 0.0).wait == 100ms);    // doubled
  CHECK(decide_retry(endpoint, 3, transient, 0.999).wait == 300ms);  // capped at max_backoff
  CHECK_FALSE(decide_retry(endpoint, 4, transient, 0.5).wait);       // 1 + 3 retries: done
  CHECK_FALSE(decide_retry(endpoint, 1, failure{"HTTP 400", false, std::nullopt, 400}, 0.5).wait);
}

TEST_CASE("a Retry-After replaces the backoff; one beyond max_backoff ends the retries",
          "[llm][retry]") {
  llm_endpoint endpoint;
  endpoint.max_backoff = 10s;
  CHECK(decide_retry(endpoint, 1, failure{"429", true, 7s, 429}, 0.5).wait == 7s);
  const auto verdict = decide_retry(endpoint, 1, failure{"429", true, 3600s, 429}, 0.5);
  CHECK_FALSE(verdict.wait);
  CHECK_THAT(verdict.note, Contains("3600000 ms, more than max_backoff (10000 ms)"));
}

TEST_CASE("exec: the query goes in as JSON; stdout is the answer, plain or as JSON",
          "[llm][exec]") {
  const auto input = exec_input(query_of("hi", "sys", 9));
  REQUIRE(input.back() == '\n');
  const auto sent = json::parse(input);
  CHECK(sent["prompt"] == "hi");
  CHECK(sent["system"] == "sys");
  CHECK(sent["max_tokens"] == 9);
  CHECK(sent["query_id"] == "q-0");
  CHECK(answered(exec_answer({true, 0}, "plain text\n", "")).text == "plain text");
  CHECK(answered(exec_answer({true, 0}, "two\nlines\n\n", "")).text == "two\nlines\n");
  const auto& structured = answered(exec_answer(
      {true, 0}, R"({"response":"r","usage":{"prompt_tokens":4,"completion_tokens":1}})", ""));
  CHECK(structured.text == "r");
  CHECK(structured.usage == reported_usage{token_usage{4, 1}});
  CHECK(answered(exec_answer({true, 0}, R"({"other":1})", "")).text == R"({"other":1})");
  CHECK(failed(exec_answer({true, 0}, R"({"response":3})", "")).message ==
        "malformed response body: response: expected a string, got number");
}

TEST_CASE("exec: a failing command reports its status and stderr; status 75 asks for a retry",
          "[llm][exec]") {
  const auto& crashed = failed(exec_answer({true, 2}, "", "Traceback...\nValueError: no\n"));
  CHECK(crashed.message == "exited with status 2: Traceback... ValueError: no");
  CHECK_FALSE(crashed.retryable);
  CHECK(failed(exec_answer({true, exec_retry_status}, "", "")).retryable);
  CHECK(failed(exec_answer({false, 9}, "", "")).message == "killed by signal 9");
}

TEST_CASE("endpoints get their provider's defaults and are checked", "[llm][endpoint]") {
  llm_endpoint anthropic;
  anthropic.provider = llm_provider::anthropic;
  CHECK(with_defaults(anthropic).base_url == "https://api.anthropic.com");
  CHECK(with_defaults(anthropic).api_key_env == "ANTHROPIC_API_KEY");
  CHECK_THAT(*check_endpoint(anthropic), Contains("needs a model"));
  anthropic.model = "m";
  CHECK_FALSE(check_endpoint(anthropic));
  llm_endpoint exec;
  exec.provider = llm_provider::exec;
  CHECK_THAT(*check_endpoint(exec), Contains("needs a command"));
  exec.command = "cat";
  CHECK(endpoint_label(exec) == "exec endpoint 'cat'");
  llm_endpoint bad;
  bad.base_url = "ftp://x";
  CHECK(*check_endpoint(bad) == "base URL 'ftp://x' is not an http:// or https:// URL");
  bad = llm_endpoint{};
  bad.max_concurrency = 0;
  CHECK(check_endpoint(bad));
  CHECK(endpoint_label(llm_endpoint{}) == "openai endpoint https://api.openai.com/v1");
}

TEST_CASE("an endpoint reads from TOML; unknown keys and wrong types are errors naming them",
          "[llm][endpoint]") {
  auto read = read_llm_endpoint(R"(
provider = "anthropic"
model = "claude-x"
base_url = "http://localhost:9/"
api_key_env = "MY_KEY"
temperature = 0.5
max_concurrency = 3
timeout_ms = 1500
retries = 1
)");
  REQUIRE(std::holds_alternative<llm_endpoint>(read));
  const auto& e = std::get<llm_endpoint>(read);
  CHECK(e.provider == llm_provider::anthropic);
  CHECK(e.model == "claude-x");
  CHECK(e.api_key_env == "MY_KEY");
  CHECK(e.temperature == 0.5);
  CHECK(e.max_concurrency == 3);
  CHECK(e.timeout == 1500ms);
  CHECK(e.retries == 1);
  CHECK(e.backoff == llm_endpoint{}.backoff);  // unset keys keep the base's value
  auto error = [](std::string_view text) {
    auto result = read_llm_endpoint(text);
    REQUIRE(std::holds_alternative<std::string>(result));
    return std::get<std::string>(result);
  };
  CHECK(error("modle = 'x'") == "unknown key 'modle'");
  CHECK(error("max_concurrency = 'many'") ==
        "max_concurrency: expected a positive integer, got a string");
  CHECK(error("provider = 'bard'") ==
        "provider: unknown provider 'bard' (expected one of openai, anthropic, exec)");
  // Read, not checked: a flag may still supply the model.
  auto unchecked = read_llm_endpoint("provider = 'anthropic'");
  REQUIRE(std::holds_alternative<llm_endpoint>(unchecked));
  CHECK(check_endpoint(std::get<llm_endpoint>(unchecked)) ==
        "the anthropic provider needs a model (--model, e.g. claude-sonnet-4-5)");
  CHECK_THAT(error("model = "), Catch::StartsWith("invalid TOML: "));
}
