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

TEST_CASE("an advice spec runs its strategy with task and opts in ctx", "[session_plan]") {
  const session_plan plan =
      plan_ok(advice("pkg.cot", "2+2?", json{{"depth", 3}}, json{{"task", "old"}, {"k", 1}}));
  CHECK(plan.code == R"(return require("pkg.cot").run(ctx))");
  CHECK(plan.ctx == json{{"task", "2+2?"}, {"opts", {{"depth", 3}}}, {"k", 1}});
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

TEST_CASE("an invalid spec or budget has no plan", "[session_plan]") {
  CHECK(plan_session(run(" ")).error().message == "run spec: code is empty");
  CHECK(plan_session(run("return 1", json::array())).error().message ==
        "ctx must be a JSON object");
  CHECK(plan_session(advice("../x", std::nullopt, nullptr))
            .error()
            .message.find("is not a module name") != std::string::npos);
  CHECK(plan_session(run("return 1", json{{"budget", 5}})).error().message ==
        "ctx.budget must be an object");
  CHECK(plan_session(run("return 1", json{{"budget", {{"max_tokens", -1}}}})).error().message ==
        "ctx.budget.max_tokens must be a non-negative integer");
}

}  // namespace
}  // namespace alc
