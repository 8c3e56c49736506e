// The LLM responder against a fake server started by each test on
// 127.0.0.1: what it sends, what it makes of the answers (text, usage,
// failures), its concurrency, retries, timeouts and cancels, and a whole
// package run through it.
#include <cstdlib>
#include <string>

#include <caf/scoped_actor.hpp>

#include "alc/llm_responder.hpp"
#include "tests/actors/fake_http_server.hpp"
#include "tests/actors/runtime_test_support.hpp"

using namespace alc;
using namespace alc::test;
using Catch::Contains;
using nlohmann::json;
using server = fake_http_server;

namespace {

json openai_reply(const std::string& text, int64_t prompt_tokens = 7,
                  int64_t completion_tokens = 3) {
  return {{"id", "chatcmpl-1"},
          {"object", "chat.completion"},
          {"choices",
           {{{"index", 0},
             {"message", {{"role", "assistant"}, {"content", text}}},
             {"finish_reason", "stop"}}}},
          {"usage",
           {{"prompt_tokens", prompt_tokens},
            {"completion_tokens", completion_tokens},
            {"total_tokens", prompt_tokens + completion_tokens}}}};
}

/// The last user message of an openai request.
std::string prompt_of(const server::request& request) {
  return request.json()["messages"].back()["content"].get<std::string>();
}

llm_endpoint openai_at(const server& fake) {
  llm_endpoint endpoint;
  endpoint.base_url = fake.url() + "/v1";
  endpoint.model = "test-model";
  endpoint.api_key_env = "ALC_TEST_NO_SUCH_KEY";
  endpoint.backoff = std::chrono::milliseconds{1};
  endpoint.timeout = std::chrono::seconds{10};
  return endpoint;
}

llm_responder start(test_runtime& rt, llm_endpoint endpoint) {
  auto responder = llm_responder::start(rt.system(), rt.runtime().registry(), std::move(endpoint));
  INFO("start failed: " << (responder ? "" : describe(responder.error())));
  REQUIRE(responder);
  return std::move(*responder);
}

/// Spawns `code`, has `responder` watch it and waits for the end.
terminal_outcome run_through(test_runtime& rt, const llm_responder& responder, std::string code,
                             json ctx = json::object()) {
  const auto id = spawn_ok(rt.client(), std::move(code), std::move(ctx));
  REQUIRE_FALSE(responder.watch(id));
  auto outcome = rt.client().await(id, std::chrono::seconds{20});
  if (!outcome) {
    auto stats = responder.stats();
    if (stats) WARN("no outcome; the responder: " << describe(*stats));
  }
  REQUIRE(outcome);
  return *outcome;
}

json done_value(const terminal_outcome& outcome) {
  INFO("outcome: " << wire_text(outcome));
  REQUIRE(std::holds_alternative<done_state>(outcome));
  return std::get<done_state>(outcome).value;
}

llm_responder_stats stats_of(const llm_responder& responder) {
  auto stats = responder.stats();
  REQUIRE(stats);
  return *stats;
}

}  // namespace

TEST_CASE("openai: the request carries model, system, prompt, max_tokens, temperature and key",
          "[llm_responder][openai]") {
  server fake([](const server::request&, server::exchange&) {
    return server::json_response(openai_reply("forty-two", 12, 5));
  });
  ::setenv("ALC_TEST_OPENAI_KEY", "sk-local-test", 1);
  test_runtime rt;
  auto endpoint = openai_at(fake);
  endpoint.api_key_env = "ALC_TEST_OPENAI_KEY";
  endpoint.temperature = 0.5;
  auto responder = start(rt, endpoint);
  ::unsetenv("ALC_TEST_OPENAI_KEY");  // read once, at start

  const auto outcome = run_through(
      rt, responder, "return alc.llm('What is 6 x 7?', {system = 'Be brief.', max_tokens = 20})");
  CHECK(done_value(outcome) == json("forty-two"));
  const auto requests = fake.requests();
  REQUIRE(requests.size() == 1);
  const auto& r = requests[0];
  CHECK(r.method == "POST");
  CHECK(r.target == "/v1/chat/completions");
  CHECK(r.header("authorization") == "Bearer sk-local-test");
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.json() == json{{"model", "test-model"},
                         {"max_tokens", 20},
                         {"temperature", 0.5},
                         {"messages",
                          {{{"role", "system"}, {"content", "Be brief."}},
                           {{"role", "user"}, {"content", "What is 6 x 7?"}}}}});
  // The usage the server reported, not an estimate.
  CHECK(std::get<done_state>(outcome).usage == token_usage{12, 5});
}

TEST_CASE("anthropic: the request carries x-api-key, anthropic-version, system and max_tokens",
          "[llm_responder][anthropic]") {
  server fake([](const server::request&, server::exchange&) {
    return server::json_response({{"id", "msg_1"},
                                  {"type", "message"},
                                  {"role", "assistant"},
                                  {"content", {{{"type", "text"}, {"text", "Bonjour"}}}},
                                  {"stop_reason", "end_turn"},
                                  {"usage", {{"input_tokens", 21}, {"output_tokens", 4}}}});
  });
  ::setenv("ALC_TEST_ANTHROPIC_KEY", "ak-test", 1);
  test_runtime rt;
  llm_endpoint endpoint;
  endpoint.provider = llm_provider::anthropic;
  endpoint.base_url = fake.url();
  endpoint.model = "claude-test";
  endpoint.api_key_env = "ALC_TEST_ANTHROPIC_KEY";
  auto responder = start(rt, endpoint);
  ::unsetenv("ALC_TEST_ANTHROPIC_KEY");

  const auto outcome =
      run_through(rt, responder, "return alc.llm('Say hello', {system = 'French only.'})");
  CHECK(done_value(outcome) == json("Bonjour"));
  const auto requests = fake.requests();
  REQUIRE(requests.size() == 1);
  const auto& r = requests[0];
  CHECK(r.method == "POST");
  CHECK(r.target == "/v1/messages");
  CHECK(r.header("x-api-key") == "ak-test");
  CHECK(r.header("anthropic-version") == "2023-06-01");
  CHECK(r.header("authorization").empty());
  CHECK(r.json() == json{{"model", "claude-test"},
                         {"max_tokens", 1024},
                         {"system", "French only."},
                         {"messages", {{{"role", "user"}, {"content", "Say hello"}}}}});
  CHECK(std::get<done_state>(outcome).usage == token_usage{21, 4});
}

TEST_CASE("reported usage reaches the budget: a large answer exhausts max_tokens",
          "[llm_responder][usage]") {
  server fake([](const server::request&, server::exchange&) {
    return server::json_response(openai_reply("long", 600, 500));
  });
  test_runtime rt;
  auto responder = start(rt, openai_at(fake));
  const auto value =
      done_value(run_through(rt, responder,
                             "local first = alc.llm('one') local ok, err = pcall(alc.llm, 'two') "
                             "return {first = first, ok = ok, err = err}",
                             {{"budget", {{"max_tokens", 1000}}}}));
  CHECK(value["first"] == json("long"));
  CHECK(value["ok"] == json(false));
  CHECK_THAT(value["err"].get<std::string>(), Contains("max_tokens (1000) reached (1100 used)"));
  CHECK(fake.requests().size() == 1);
}

TEST_CASE("every prompt of an llm_batch is sent at once: the server sees them all open",
          "[llm_responder][concurrency]") {
  // Each request waits until four are open: they only all get answers if
  // the responder sent all four before any came back.
  server fake([](const server::request& request, server::exchange& ex) {
    ex.wait_open(4);
    return server::json_response(openai_reply("re: " + prompt_of(request)));
  });
  test_runtime rt;
  auto endpoint = openai_at(fake);
  endpoint.max_concurrency = 8;
  auto responder = start(rt, endpoint);
  const auto value = done_value(run_through(
      rt, responder,
      "return alc.llm_batch({{prompt = 'a'}, {prompt = 'b'}, {prompt = 'c'}, {prompt = 'd'}})"));
  CHECK(value == json::array({"re: a", "re: b", "re: c", "re: d"}));
  CHECK(fake.max_open() == 4);
}

TEST_CASE("no more than max_concurrency requests are open at once",
          "[llm_responder][concurrency]") {
  // Requests are answered in pairs (each waits for a second one), so six
  // prompts need three rounds; a responder over its limit would open more.
  server fake([](const server::request& request, server::exchange& ex) {
    ex.wait_open(2);
    return server::json_response(openai_reply(prompt_of(request)));
  });
  test_runtime rt;
  auto endpoint = openai_at(fake);
  endpoint.max_concurrency = 2;
  auto responder = start(rt, endpoint);
  const auto value =
      done_value(run_through(rt, responder,
                             "local items = {} for i = 1, 6 do items[i] = {prompt = 'p' .. i} end "
                             "return alc.llm_batch(items)"));
  CHECK(value == json::array({"p1", "p2", "p3", "p4", "p5", "p6"}));
  CHECK(fake.requests().size() == 6);
  CHECK(fake.max_open() == 2);
}

TEST_CASE("a 429 is retried after the server's Retry-After", "[llm_responder][retry]") {
  server fake([](const server::request&, server::exchange& ex) {
    if (ex.index() == 0) {
      auto busy = server::json_response({{"error", {{"message", "rate limited"}}}}, 429,
                                        "Too Many Requests");
      busy.headers.emplace_back("Retry-After", "1");
      return busy;
    }
    return server::json_response(openai_reply("after the wait"));
  });
  test_runtime rt;
  auto responder = start(rt, openai_at(fake));  // backoff 1 ms: only Retry-After explains a wait
  CHECK(done_value(run_through(rt, responder, "return alc.llm('q')")) == json("after the wait"));
  const auto requests = fake.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].arrived - requests[0].arrived >= std::chrono::seconds{1});
  const auto stats = stats_of(responder);
  CHECK(stats.retried == 1);
  CHECK(stats.done == 1);
  CHECK(stats.failed == 0);
}

TEST_CASE("a 429 with retry-after-ms waits that many milliseconds", "[llm_responder][retry]") {
  server fake([](const server::request&, server::exchange& ex) {
    if (ex.index() == 0) {
      auto busy =
          server::json_response({{"error", {{"message", "slow"}}}}, 429, "Too Many Requests");
      busy.headers.emplace_back("retry-after-ms", "300");
      return busy;
    }
    return server::json_response(openai_reply("ok"));
  });
  test_runtime rt;
  auto responder = start(rt, openai_at(fake));
  CHECK(done_value(run_through(rt, responder, "return alc.llm('q')")) == json("ok"));
  const auto requests = fake.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].arrived - requests[0].arrived >= std::chrono::milliseconds{300});
}

TEST_CASE("a 500 then a success: the script sees only the answer", "[llm_responder][retry]") {
  server fake([](const server::request&, server::exchange& ex) {
    if (ex.index() == 0) {
      return server::json_response({{"error", {{"message", "boom"}}}}, 500,
                                   "Internal Server Error");
    }
    return server::json_response(openai_reply("second time lucky", 4, 2));
  });
  test_runtime rt;
  auto responder = start(rt, openai_at(fake));
  const auto outcome = run_through(rt, responder, "return alc.llm('q')");
  CHECK(done_value(outcome) == json("second time lucky"));
  CHECK(std::get<done_state>(outcome).usage == token_usage{4, 2});
  CHECK(fake.requests().size() == 2);
  CHECK(stats_of(responder).retried == 1);
}

TEST_CASE("after the last retry the script gets an error naming the endpoint and the status",
          "[llm_responder][retry]") {
  server fake([](const server::request&, server::exchange&) {
    return server::json_response({{"error", {{"message", "overloaded"}}}}, 503,
                                 "Service Unavailable");
  });
  test_runtime rt;
  auto endpoint = openai_at(fake);
  endpoint.retries = 2;
  auto responder = start(rt, endpoint);
  const std::string expected = "openai endpoint " + fake.url() +
                               "/v1: HTTP 503 Service Unavailable: overloaded (after 3 attempts)";

  SECTION("pcall catches it") {
    const auto value = done_value(
        run_through(rt, responder, "local ok, err = pcall(alc.llm, 'q') return {ok, err}"));
    CHECK(value[0] == json(false));
    CHECK(value[1] == json("alc.llm: " + expected));
    CHECK(fake.requests().size() == 3);
    const auto stats = stats_of(responder);
    CHECK(stats.failed == 1);
    CHECK(stats.retried == 2);
  }
  SECTION("uncaught, it fails the session with that message") {
    const auto outcome = run_through(rt, responder, "return alc.llm('q')");
    REQUIRE(std::holds_alternative<failed_state>(outcome));
    CHECK(std::get<failed_state>(outcome).kind == failure_kind::lua_error);
    CHECK_THAT(std::get<failed_state>(outcome).message,
               Catch::StartsWith("script:1: alc.llm: " + expected + "\nstack traceback:"));
  }
}

TEST_CASE("a request that outlives its timeout fails with a timeout", "[llm_responder][timeout]") {
  server fake([](const server::request&, server::exchange& ex) {
    ex.hold();  // never answers on its own; the client gives up
    return server::json_response(openai_reply("too late"));
  });
  test_runtime rt;
  auto endpoint = openai_at(fake);
  endpoint.timeout = std::chrono::milliseconds{200};
  endpoint.retries = 0;
  auto responder = start(rt, endpoint);
  const auto value = done_value(
      run_through(rt, responder, "local ok, err = pcall(alc.llm, 'q') return {ok, err}"));
  CHECK(value[0] == json(false));
  CHECK_THAT(value[1].get<std::string>(),
             Catch::StartsWith("alc.llm: openai endpoint " + fake.url() + "/v1: timed out: "));
  CHECK(fake.wait_abandoned(1));  // the connection was closed, not left hanging
  fake.release();
}

TEST_CASE("a refused connection is retried, then reported", "[llm_responder][connect]") {
  test_runtime rt;
  llm_endpoint endpoint;
  endpoint.base_url = "http://127.0.0.1:" + std::to_string(server::closed_port()) + "/v1";
  endpoint.retries = 1;
  endpoint.backoff = std::chrono::milliseconds{1};
  auto responder = start(rt, endpoint);
  const auto value = done_value(
      run_through(rt, responder, "local ok, err = pcall(alc.llm, 'q') return {ok, err}"));
  CHECK(value[0] == json(false));
  const auto err = value[1].get<std::string>();
  CHECK_THAT(err, Catch::StartsWith("alc.llm: openai endpoint " + endpoint.base_url +
                                    ": cannot connect: "));
  CHECK_THAT(err, Catch::EndsWith("(after 2 attempts)"));
}

TEST_CASE("a malformed response body is an error at once, with a clear message",
          "[llm_responder][malformed]") {
  server fake([](const server::request&, server::exchange& ex) {
    server::response res;
    res.body = ex.index() == 0 ? "{\"choices\": [" : R"({"choices":[{"message":{}}]})";
    return res;
  });
  test_runtime rt;
  auto responder = start(rt, openai_at(fake));
  const auto value = done_value(run_through(rt, responder,
                                            "local a, e1 = pcall(alc.llm, 'one') "
                                            "local b, e2 = pcall(alc.llm, 'two') return {e1, e2}"));
  const std::string label = "alc.llm: openai endpoint " + fake.url() + "/v1: ";
  CHECK_THAT(value[0].get<std::string>(),
             Catch::StartsWith(label + "malformed response body: not JSON ("));
  CHECK(value[1] ==
        json(label + "malformed response body: choices[0].message.content: required field "
                     "is missing"));
  CHECK(fake.requests().size() == 2);  // not retried
}

TEST_CASE("cancelling a session aborts its request in flight", "[llm_responder][cancel]") {
  server fake([](const server::request&, server::exchange& ex) {
    ex.hold();
    return server::json_response(openai_reply("never used"));
  });
  test_runtime rt;
  auto responder = start(rt, openai_at(fake));
  const auto id = spawn_ok(rt.client(), "return alc.llm('slow')");
  REQUIRE_FALSE(responder.watch(id));
  REQUIRE(fake.wait_open(1));
  REQUIRE_FALSE(rt.client().cancel(id, cancel_reason{cancel_code::user, "changed my mind", 0}));
  CHECK(fake.wait_abandoned(1));  // the responder closed the connection
  auto outcome = rt.client().await(id, std::chrono::seconds{10});
  REQUIRE(outcome);
  CHECK(std::holds_alternative<cancelled_state>(*outcome));
  const auto stats = stats_of(responder);
  CHECK(stats.aborted == 1);
  CHECK(stats.in_flight == 0);
  CHECK(stats.done == 0);
  fake.release();
}

TEST_CASE("a responder handed a session as its subscriber answers it from the start",
          "[llm_responder][subscribe]") {
  server fake([](const server::request& request, server::exchange&) {
    return server::json_response(openai_reply("echo " + prompt_of(request)));
  });
  test_runtime rt;
  auto responder = start(rt, openai_at(fake));
  caf::scoped_actor self{rt.system()};
  std::string id;
  self->request(rt.runtime().registry(), std::chrono::seconds{10}, spawn_atom_v,
                run_spec_of("return alc.llm('x') .. alc.llm('y')"),
                caf::actor_cast<caf::actor>(responder.handle()))
      .receive([&](std::string& spawned, session_handle&) { id = spawned; },
               [](caf::error& error) { FAIL(describe(error)); });
  auto outcome = rt.client().await(id, std::chrono::seconds{10});
  REQUIRE(outcome);
  CHECK(done_value(*outcome) == json("echo xecho y"));
}

TEST_CASE("watching an unknown session is the registry's not_found", "[llm_responder]") {
  server fake([](const server::request&, server::exchange&) { return server::response{}; });
  test_runtime rt;
  auto responder = start(rt, openai_at(fake));
  const auto error = responder.watch("ses-nope");
  REQUIRE(error);
  CHECK(verb_error_of(error).code == error_code::not_found);
}

TEST_CASE("an endpoint that cannot work is refused before anything starts", "[llm_responder]") {
  test_runtime rt;
  llm_endpoint endpoint;
  endpoint.provider = llm_provider::anthropic;  // no model
  auto responder = llm_responder::start(rt.system(), rt.runtime().registry(), endpoint);
  REQUIRE_FALSE(responder);
  CHECK_THAT(caf::to_string(responder.error()), Contains("needs a model"));
}

TEST_CASE("the cot package runs end to end through the responder", "[llm_responder][packages]") {
  // A model that numbers its steps and gives a final answer when asked for one.
  server fake([](const server::request& request, server::exchange&) {
    const std::string prompt = prompt_of(request);
    if (prompt.find("final answer") != std::string::npos) {
      return server::json_response(openai_reply("Rayleigh scattering", 40, 3));
    }
    const auto at = prompt.find("reasoning step ");
    return server::json_response(
        openai_reply("step " + prompt.substr(at + 15, 1) + ": light scatters", 30, 5));
  });
  auto opts = fast_options();
  opts.package_paths = {ALC_EXAMPLE_PACKAGES};
  test_runtime rt(opts);
  auto responder = start(rt, openai_at(fake));
  session_spec spec;
  spec.kind = advice_spec{"cot", std::string("Why is the sky blue?"), nullptr};
  spec.ctx = {{"steps", 2}};
  auto spawned = rt.client().spawn(spec);
  REQUIRE(spawned);
  REQUIRE_FALSE(responder.watch(spawned->id));
  auto outcome = rt.client().await(spawned->id, std::chrono::seconds{20});
  REQUIRE(outcome);
  const auto value = done_value(*outcome);
  CHECK(value["answer"] == json("Rayleigh scattering"));
  CHECK(value["steps"] == json::array({"step 1: light scatters", "step 2: light scatters"}));
  CHECK(std::get<done_state>(*outcome).usage == token_usage{30 + 30 + 40, 5 + 5 + 3});
  const auto requests = fake.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].json()["messages"][0] ==
        json{{"role", "system"}, {"content", "You reason carefully, one step at a time."}});
  CHECK(requests[0].json()["max_tokens"] == 300);
  CHECK(requests[2].json()["max_tokens"] == 200);
}
