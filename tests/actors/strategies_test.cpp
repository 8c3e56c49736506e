#include "alc/answer_all.hpp"
#include "tests/actors/runtime_test_support.hpp"
#include "tests/actors/scripted_responder.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

/// Plausible canned replies: judges get a score, critics approve on the
/// second round, everything else gets an answer naming its query.
std::string canned(const llm_query& q) {
  if (q.prompt.find("Score it from 1 to 10") != std::string::npos) {
    return q.prompt.find("Candidate: reply to q-1\n") != std::string::npos ? "Score: 9" : "6";
  }
  if (q.prompt.find("Critique the draft") != std::string::npos) {
    return q.prompt.find("revised") != std::string::npos ? "Fine now. APPROVED" : "Too vague.";
  }
  if (q.prompt.find("Rewrite the draft") != std::string::npos) return "revised draft";
  if (q.prompt.find("Answer in a few words") != std::string::npos) {
    return q.prompt.find("sample 2") != std::string::npos ? " blue " : "Rayleigh scattering";
  }
  return "reply to " + q.query_id;
}

runtime_options with_examples(const temp_dir& state) {
  auto opts = fast_options();
  opts.package_paths = {ALC_EXAMPLE_PACKAGES};
  opts.state_dir = (state.path() / "state").string();
  return opts;
}

/// Spawns `spec`, lets a scripted responder answer it, returns the outcome.
terminal_outcome run_with_responder(test_runtime& rt, session_spec spec) {
  auto spawned = rt.client().spawn(std::move(spec));
  REQUIRE(spawned);
  caf::scoped_actor observer{rt.system()};
  rt.system().spawn(scripted_responder, rt.runtime().registry(), spawned->id, answer_fn{canned},
                    caf::actor{observer});
  observer->receive([](const std::string&, std::size_t) {},
                    caf::after(std::chrono::seconds{30}) >> [] { FAIL("no close within 30 s"); });
  auto outcome = rt.client().await(spawned->id, 10s);
  REQUIRE(outcome);
  return *outcome;
}

json done_value(const terminal_outcome& outcome) {
  if (const auto* failed = std::get_if<failed_state>(&outcome)) FAIL(failed->message);
  REQUIRE(std::holds_alternative<done_state>(outcome));
  return std::get<done_state>(outcome).value;
}

session_spec advice(const std::string& strategy, const std::string& task,
                    json ctx = json::object()) {
  session_spec spec;
  spec.kind = advice_spec{strategy, task, nullptr};
  spec.ctx = std::move(ctx);
  return spec;
}

}  // namespace

TEST_CASE("the example strategies run to done through the registry", "[strategies]") {
  temp_dir state;
  test_runtime rt(with_examples(state));
  SECTION("cot: three steps, then an answer") {
    const auto value = done_value(run_with_responder(rt, advice("cot", "why is the sky blue?")));
    CHECK(value["steps"].size() == 3);
    CHECK(value["answer"] == json("reply to q-3"));
  }
  SECTION("sc_vote: the majority of five samples") {
    const auto value = done_value(run_with_responder(rt, advice("sc_vote", "why blue?")));
    CHECK(value["answer"] == json("Rayleigh scattering"));
    CHECK(value["votes"] == json(4));
    CHECK(value["total"] == json(5));
  }
  SECTION("reflect: revised once, approved on the second critique") {
    const auto value = done_value(run_with_responder(rt, advice("reflect", "a haiku")));
    CHECK(value["answer"] == json("revised draft"));
    CHECK(value["approved"] == json(true));
    CHECK(value["rounds"] == json(2));
  }
  SECTION("panel: three positions and a moderator") {
    const auto value = done_value(run_with_responder(rt, advice("panel", "tabs or spaces?")));
    CHECK(value["positions"].size() == 3);
    CHECK(value["answer"].is_string());
  }
  SECTION("rank: generated candidates scored and sorted") {
    const auto value = done_value(run_with_responder(rt, advice("rank", "name a colour")));
    REQUIRE(value["ranking"].size() == 4);
    CHECK(value["ranking"][0]["score"] == json(9));
    CHECK(value["best"] == json("reply to q-1"));
    CHECK(value["ranking"][1]["candidate"] == json("reply to q-0"));  // ties keep input order
  }
}

TEST_CASE("alc.fork runs children whose queries merge into the parent's pauses", "[fork]") {
  temp_dir state;
  test_runtime rt(with_examples(state));
  const auto value = done_value(run_with_responder(
      rt, run_spec_of("return alc.fork({'cot', 'sc_vote'}, {task = 'why blue?', steps = 1})")));
  REQUIRE(value.size() == 2);
  CHECK(value[0]["strategy"] == json("cot"));
  CHECK(value[0]["ok"] == json(true));
  CHECK(value[0]["result"]["steps"].size() == 1);
  CHECK(value[1]["strategy"] == json("sc_vote"));
  CHECK(value[1]["result"]["answer"] == json("Rayleigh scattering"));
}

TEST_CASE("fork children holding more than alc.fork-memory-limit together fail memory_limit",
          "[fork]") {
  temp_dir state;
  temp_dir packages;
  // Each child holds 2.5 MB while it waits for its answer: six of them
  // cannot all fit in 8 MiB, whatever order they run in.
  packages.write("hog/init.lua",
                 "return {run = function() local s = string.rep('x', 2500000) "
                 "return #alc.llm('hold') + #s end}");
  auto opts = fast_options();
  opts.package_paths = {packages.path().string()};
  opts.state_dir = (state.path() / "state").string();
  opts.fork_memory_limit = 8 << 20;
  test_runtime rt(opts);
  const auto id = spawn_ok(rt.client(),
                           "local r = alc.fork({'hog', 'hog', 'hog', 'hog', 'hog', 'hog'}) "
                           "local out = {} for i, x in ipairs(r) do "
                           "out[i] = x.ok and 'ok' or x.error end return out");
  // The children that fit pause; a pause of the parent merges theirs.
  const execution_state settled = wait_until_settled(rt.client(), id);
  if (const auto* paused = std::get_if<paused_state>(&settled)) {
    std::vector<query_response> answers;
    for (const auto& query : paused->info.prompts) answers.push_back({query.query_id, "a", {}});
    REQUIRE(rt.client().resume(id, resume_payload_for(paused->info.kind, std::move(answers))));
  }
  auto outcome = rt.client().await(id, 10s);
  REQUIRE(outcome);
  const json results = done_value(*outcome);
  REQUIRE(results.size() == 6);
  int over = 0;
  for (const auto& result : results) {
    if (result != json("ok")) {
      CHECK_THAT(result.get<std::string>(),
                 Catch::Contains("the session and its fork children together exceeded"));
      ++over;
    }
  }
  CHECK(over >= 1);
}

TEST_CASE("fork query ids are unique in the parent and errors follow on_error", "[fork]") {
  temp_dir state;
  temp_dir packages;
  packages.write("ask/init.lua",
                 "return {run = function(ctx) return alc.llm('ask ' .. ctx.n) end}");
  packages.write("boom/init.lua", "return {run = function() error('exploded') end}");
  packages.write("ns/init.lua",
                 "return {run = function() local before = alc.state.get('k') "
                 "alc.state.set('k', 1) return before or 0 end}");
  auto opts = fast_options();
  opts.package_paths = {packages.path().string()};
  opts.state_dir = (state.path() / "state").string();
  test_runtime rt(opts);

  SECTION("ids never repeat between the parent's own queries and the children's") {
    const auto id = spawn_ok(rt.client(),
                             "local mine = alc.llm('mine') "
                             "local r = alc.fork({'ask', 'ask'}, {n = 1}) "
                             "return {mine, r[1].result, r[2].result}");
    auto first = wait_until_paused(rt.client(), id);
    CHECK(first.info.prompts[0].query_id == "q-0");
    REQUIRE(rt.client().resume(id, single_answer("q-0", "own")));
    auto merged = wait_until_paused(rt.client(), id);
    REQUIRE(merged.info.kind == pause_kind::batch);
    REQUIRE(merged.info.prompts.size() == 2);
    CHECK(merged.info.prompts[0].query_id == "q-1");
    CHECK(merged.info.prompts[1].query_id == "q-2");
    REQUIRE(rt.client().resume(
        id, batch_payload{{{"q-2", "second", std::nullopt}, {"q-1", "first", std::nullopt}}}));
    auto outcome = rt.client().await(id, 10s);
    REQUIRE(outcome);
    CHECK(done_value(*outcome) == json::array({"own", "first", "second"}));
  }
  SECTION("skip reports a failed child; abort raises in the parent") {
    const auto skipped = done_value(
        *rt.client().await(spawn_ok(rt.client(),
                                    "local r = alc.fork({'boom', 'ns'}) "
                                    "return {r[1].ok, r[1].error, r[2].ok, r[2].result}"),
                           10s));
    CHECK(skipped[0] == json(false));
    CHECK_THAT(skipped[1].get<std::string>(), Catch::Contains("exploded"));
    CHECK(skipped[2] == json(true));
    CHECK(skipped[3] == json(0));
    const auto aborted = done_value(
        *rt.client().await(spawn_ok(rt.client(),
                                    "local ok, err = pcall(alc.fork, {'ns', 'boom'}, {}, "
                                    "{on_error = 'abort'}) return {ok, err}"),
                           10s));
    CHECK(aborted[0] == json(false));
    CHECK_THAT(aborted[1].get<std::string>(), Catch::Contains("strategy 'boom' failed"));
  }
  SECTION("strategy names follow require's rule: dotted names reach the package loader") {
    packages.write("nested/deep.lua", "return {run = function() return 'deep' end}");
    const auto results = done_value(
        *rt.client().await(spawn_ok(rt.client(),
                                    "local r = alc.fork({'nested.deep', 'no.such'}) "
                                    "return {r[1].ok, r[1].result, r[2].ok, r[2].error}"),
                           10s));
    CHECK(results[0] == json(true));
    CHECK(results[1] == json("deep"));
    CHECK(results[2] == json(false));
    CHECK_THAT(results[3].get<std::string>(), Catch::Contains("not found"));
  }
  SECTION("children use namespaces fork-<i> and share the parent's budget") {
    // Each child sees only its own namespace: empty the first time, its own
    // earlier write the second time; the parent's namespace stays untouched.
    const char* twice =
        "local first = alc.fork({'ns', 'ns'}) "
        "local second = alc.fork({'ns', 'ns'}) "
        "return {first[1].result, first[2].result, second[1].result, second[2].result, "
        "        alc.state.get('k', 'untouched')}";
    CHECK(done_value(*rt.client().await(spawn_ok(rt.client(), twice), 10s)) ==
          json::array({0, 0, 1, 1, "untouched"}));
    // Three children, two calls allowed: whichever child asks last is refused.
    const auto budget =
        spawn_ok(rt.client(),
                 "local r = alc.fork({'ask', 'ask', 'ask'}, {n = 1}) "
                 "local ok, errors = 0, {} "
                 "for _, c in ipairs(r) do "
                 "  if c.ok then ok = ok + 1 else errors[#errors + 1] = c.error end "
                 "end "
                 "return {ok, errors}",
                 {{"budget", {{"max_llm_calls", 2}}}});
    auto merged = wait_until_paused(rt.client(), budget);
    CHECK(merged.info.prompts.size() == 2);  // the third child was refused by the budget
    batch_payload answers;
    for (const auto& q : merged.info.prompts)
      answers.responses.push_back({q.query_id, "a", std::nullopt});
    REQUIRE(rt.client().resume(budget, answers));
    auto outcome = rt.client().await(budget, 10s);
    REQUIRE(outcome);
    const auto results = done_value(*outcome);
    CHECK(results[0] == json(2));
    REQUIRE(results[1].size() == 1);
    CHECK_THAT(results[1][0].get<std::string>(),
               Catch::Contains("budget_exceeded: max_llm_calls (2) reached (2 used)"));
  }
  SECTION("cancelling the parent ends its spinning children") {
    // Each child asks first, so the test knows when they spin: right after
    // their answers, which the parent sends them before our cancel.
    packages.write("spin/init.lua",
                   "return {run = function() alc.llm('ready?') while true do end end}");
    const auto id = spawn_ok(rt.client(), "return alc.fork({'spin', 'spin'})");
    const auto ready = wait_until_paused(rt.client(), id);
    REQUIRE(ready.info.prompts.size() == 2);
    batch_payload go;
    for (const auto& q : ready.info.prompts)
      go.responses.push_back({q.query_id, "go", std::nullopt});
    REQUIRE(rt.client().resume(id, go));
    REQUIRE_FALSE(rt.client().cancel(id, cancel_reason{cancel_code::user, "stop", 0}));
    auto outcome = rt.client().await(id, 10s);
    REQUIRE(outcome);
    CHECK(std::holds_alternative<cancelled_state>(*outcome));
    // If a child kept spinning, the actor system would never shut down here.
  }
}
