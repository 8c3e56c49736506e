// plan_session: a spec validated once and taken apart for a session.

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/session_plan.hpp"

namespace alc {
namespace {

using nlohmann::json;

session_spec run(std::string code, json ctx = json::object()) {
  return session_spec{run_spec{std::move(code)}, std::move(ctx), {}};
}

session_spec advice(std::string strategy, std::optional<std::string> task, json opts,
                    json ctx = json::object()) {
  return session_spec{
      advice_spec{std::move(strategy), std::move(task), std::move(opts)}, std::move(ctx), {}};
}

session_plan plan_ok(const session_spec& spec) {
  decoded<session_plan> plan = plan_session(spec);
  INFO("error: " << (plan.ok() ? std::string{} : plan.error().message));
  REQUIRE(plan.ok());
  return std::move(plan).value();
}

TEST_CASE("a run spec runs its code with its ctx", "[session_plan]") {
  const session_plan plan = plan_ok(run("return ctx.n", json{{"n", 5}}));
  CHECK(plan.code == "return ctx.n");
  CHECK(plan.ctx == json{{"n", 5}});
  CHECK(plan.state_namespace == "default");
  CHECK(plan.budget.empty());
}

TEST_CASE("an advice spec merges opts into the top of ctx, then task, as the original",
          "[session_plan]") {
  const session_plan plan =
      plan_ok(advice("pkg.cot", "2+2?", json{{"depth", 3}, {"k", 2}, {"task", "from opts"}},
                     json{{"task", "old"}, {"k", 1}, {"n", 4}}));
  CHECK(plan.code == R"(return require("pkg.cot").run(ctx))");
  CHECK(plan.ctx == json{{"task", "2+2?"}, {"depth", 3}, {"k", 2}, {"n", 4}});
  // Without a task of its own, opts.task is the task.
  CHECK(plan_ok(advice("cot", std::nullopt, json{{"task", "t"}})).ctx == json{{"task", "t"}});
  // opts that is not an object is ignored.
  CHECK(plan_ok(advice("cot", "t", json::array({1}))).ctx == json{{"task", "t"}});
}

TEST_CASE("advice opts may carry the budget and the state namespace", "[session_plan]") {
  const session_plan plan =
      plan_ok(advice("cot", "t", json{{"budget", {{"max_llm_calls", 2}}}, {"_ns", "team"}}));
  CHECK(plan.budget.max_llm_calls == 2);
  CHECK(plan.state_namespace == "team");
}

TEST_CASE("an advice spec without task or opts keeps ctx as given", "[session_plan]") {
  const session_plan plan = plan_ok(advice("cot", std::nullopt, nullptr, json{{"task", "t"}}));
  CHECK(plan.ctx == json{{"task", "t"}});
}

TEST_CASE("ctx._ns names the state namespace when it is a string", "[session_plan]") {
  CHECK(plan_ok(run("return 1", json{{"_ns", "team"}})).state_namespace == "team");
  CHECK(plan_ok(run("return 1", json{{"_ns", 7}})).state_namespace == "default");
}

TEST_CASE("ctx.budget becomes the plan's limits", "[session_plan]") {
  const session_plan plan =
      plan_ok(run("return 1", json{{"budget", {{"max_llm_calls", 3}, {"max_tokens", 100}}}}));
  CHECK(plan.budget.max_llm_calls == 3);
  CHECK(plan.budget.max_tokens == 100);
  CHECK_FALSE(plan.budget.max_elapsed_ms.has_value());
}

TEST_CASE("a ctx.budget the runtime cannot use is left to the package, as the original",
          "[session_plan]") {
  // aco and ab_mcts use ctx.budget as a number of their own.
  CHECK(plan_ok(run("return 1", json{{"budget", 5}})).budget.empty());
  CHECK(plan_ok(run("return 1", json{{"budget", "high"}})).budget.empty());
  const session_plan plan = plan_ok(
      run("return 1",
          json{{"budget", {{"max_tokens", -1}, {"max_llm_calls", 10.0}, {"max_elapsed_ms", 50}}}}));
  CHECK_FALSE(plan.budget.max_tokens);
  CHECK_FALSE(plan.budget.max_llm_calls);
  CHECK(plan.budget.max_elapsed_ms == 50);
}

TEST_CASE("an invalid spec has no plan", "[session_plan]") {
  CHECK(plan_session(run(" ")).error().message == "run spec: code is empty");
  CHECK(plan_session(run("return 1", json::array())).error().message ==
        "ctx must be a JSON object");
  CHECK(plan_session(advice("../x", std::nullopt, nullptr))
            .error()
            .message.find("is not a module name") != std::string::npos);
}

}  // namespace
}  // namespace alc
