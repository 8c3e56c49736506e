// validate(): what makes a decoded spec runnable.

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/session_spec.hpp"

namespace alc {
namespace {

using Catch::Matchers::Contains;
using nlohmann::json;

session_spec run(std::string code) {
  return session_spec{run_spec{std::move(code)}, json::object(), {}};
}

session_spec advice(std::string strategy) {
  return session_spec{
      advice_spec{std::move(strategy), std::nullopt, json(nullptr)}, json::object(), {}};
}

TEST_CASE("a run spec with code is valid", "[session_spec]") {
  CHECK_FALSE(validate(run("return 42")).has_value());
  CHECK_FALSE(validate(run("  return 1  ")).has_value());
}

TEST_CASE("a run spec with empty or whitespace-only code is invalid", "[session_spec]") {
  for (const char* code : {"", " ", "\n\t  \r\n", "\f\v"}) {
    INFO("code: '" << code << "'");
    CHECK(validate(run(code)) == std::string{"run spec: code is empty"});
  }
}

TEST_CASE("a run spec's chunk name is one line of at most 1024 bytes", "[session_spec]") {
  const auto named = [](std::string name) {
    return session_spec{run_spec{"return 1", std::move(name)}, json::object(), {}};
  };
  CHECK_FALSE(validate(named("examples/hello.lua")).has_value());
  CHECK(validate(named("")) == std::string{"run spec: name is empty"});
  CHECK(validate(named("a\nb")) == std::string{"run spec: name holds a line break"});
  CHECK(validate(named(std::string(1025, 'x'))) ==
        std::string{"run spec: name is longer than 1024 bytes"});
}

TEST_CASE("advice strategies must be dotted module names", "[session_spec]") {
  for (const char* good : {"cot", "sc", "pkg.sub", "a_b.C9.d", "_private", "9lives", "a-b"}) {
    INFO("strategy: " << good);
    CHECK_FALSE(validate(advice(good)).has_value());
  }
  for (const char* bad : {"a..b", ".cot", "cot.", "../etc/passwd", "a/b", "a\\b", "cot\n", "."}) {
    INFO("strategy: " << bad);
    const auto problem = validate(advice(bad));
    REQUIRE(problem.has_value());
    CHECK_THAT(*problem,
               Contains("advice spec: strategy '" + std::string{bad} + "' is not a module name"));
  }
}

TEST_CASE("advice strategies follow the module-name length limit", "[session_spec]") {
  CHECK_FALSE(validate(advice(std::string(200, 'a'))).has_value());
  const auto problem = validate(advice(std::string(201, 'a')));
  REQUIRE(problem.has_value());
  CHECK_THAT(*problem, Contains("is not a module name"));
}

TEST_CASE("an empty advice strategy is reported as empty", "[session_spec]") {
  CHECK(validate(advice("")) == std::string{"advice spec: strategy is empty"});
}

TEST_CASE("advice task and opts do not affect validity", "[session_spec]") {
  session_spec spec = advice("cot");
  std::get<advice_spec>(spec.kind).task = "what is 2+2?";
  std::get<advice_spec>(spec.kind).opts = json{{"n", 3}};
  CHECK_FALSE(validate(spec).has_value());
}

TEST_CASE("ctx must be a JSON object", "[session_spec]") {
  for (const json& ctx : {json::array(), json(nullptr), json("x"), json(1)}) {
    INFO("ctx: " << ctx.dump());
    session_spec spec = run("return 1");
    spec.ctx = ctx;
    CHECK(validate(spec) == std::string{"ctx must be a JSON object"});
  }
  session_spec spec = run("return 1");
  spec.ctx = json{{"a", {1, 2}}};
  CHECK_FALSE(validate(spec).has_value());
}

TEST_CASE("a bad kind is reported before a bad ctx", "[session_spec]") {
  session_spec spec = run("");
  spec.ctx = json::array();
  CHECK(validate(spec) == std::string{"run spec: code is empty"});
}

}  // namespace
}  // namespace alc
