// alc.card in the VM: each function stages a typed card_call with the
// script's arguments, and the host's answer becomes its return value. Also
// alc.eval, which needs evalframe (alc-card.md §8).
#include "tests/lua_bridge/vm_test_support.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

card_call require_card_call(const step_result& result) {
  if (const auto* failed = std::get_if<step_failed>(&result)) {
    FAIL("expected a card call, the script failed: " << failed->message);
  }
  REQUIRE(std::holds_alternative<step_host_call>(result));
  const host_call* request = std::get<step_host_call>(result).request;
  REQUIRE(request != nullptr);
  REQUIRE(std::holds_alternative<card_call>(*request));
  return std::get<card_call>(*request);
}

}  // namespace

TEST_CASE("alc.card has the twelve functions of the original", "[vm][card]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local names = {}
    for name, f in pairs(alc.card) do
      if type(f) == "function" then names[#names + 1] = name end
    end
    table.sort(names)
    return names)lua");
  CHECK(require_done(run_until_blocked(*vm)) ==
        json({"alias_list", "alias_set", "append", "create", "find", "get", "get_by_alias",
              "lineage", "list", "read_samples", "sink_backfill", "write_samples"}));
}

TEST_CASE("alc.card calls reach the host typed, with the script's arguments", "[vm][card]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local made = alc.card.create({pkg = {name = "cot"}, stats = {pass_rate = 0.5, n = 2}})
    local missing = alc.card.get(made.card_id)
    local rows = alc.card.write_samples(made.card_id, {{ok = true}, {ok = false}})
    local found = alc.card.find()
    local alias = alc.card.alias_set("best", 42, {note = "n"})
    return {made = made, missing = missing == nil, rows = rows, found = found, alias = alias})lua");

  CHECK(require_card_call(run_until_blocked(*vm)) ==
        card_call{card_op::create,
                  {{{"pkg", {{"name", "cot"}}}, {"stats", {{"pass_rate", 0.5}, {"n", 2}}}}}});
  vm->answer_value({{"card_id", "cot_1"}, {"path", "/cards/cot/cot_1.toml"}});
  CHECK(require_card_call(run_until_blocked(*vm)) == card_call{card_op::get, {"cot_1"}});
  vm->answer_value(nullptr);  // absent: nil
  CHECK(require_card_call(run_until_blocked(*vm)) ==
        card_call{card_op::write_samples, {"cot_1", {{{"ok", true}}, {{"ok", false}}}}});
  vm->answer_value({{"path", "p"}, {"count", 2}});
  CHECK(require_card_call(run_until_blocked(*vm)) == card_call{card_op::find, {nullptr}});
  vm->answer_value(json::array());
  // A number where a string is expected is taken as its text.
  CHECK(require_card_call(run_until_blocked(*vm)) ==
        card_call{card_op::alias_set, {"best", "42", {{"note", "n"}}}});
  vm->answer_value({{"name", "best"}});
  CHECK(require_done(run_until_blocked(*vm)) ==
        json({{"made", {{"card_id", "cot_1"}, {"path", "/cards/cot/cot_1.toml"}}},
              {"missing", true},
              {"rows", {{"path", "p"}, {"count", 2}}},
              {"found", json::array()},
              {"alias", {{"name", "best"}}}}));
}

TEST_CASE("a store error is a Lua error the script can catch", "[vm][card]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local ok, err = pcall(alc.card.create, {pkg = {name = "p"}})
    return {ok = ok, err = err})lua");
  require_card_call(run_until_blocked(*vm));
  vm->answer_error("alc.card.create: card 'x' already exists (immutable)");
  const json result = require_done(run_until_blocked(*vm));
  CHECK(result["ok"] == false);
  CHECK_THAT(result["err"].get<std::string>(),
             Catch::EndsWith("alc.card.create: card 'x' already exists (immutable)"));
}

TEST_CASE("alc.card refuses arguments of the wrong type without asking the host", "[vm][card]") {
  vm_harness harness;
  const std::pair<const char*, const char*> cases[] = {
      {"alc.card.create('cot')", "alc.card.create: input must be a table"},
      {"alc.card.create()", "alc.card.create: input must be a table"},
      {"alc.card.get()", "alc.card.get: card_id must be a string, got nil"},
      {"alc.card.get({})", "alc.card.get: card_id must be a string, got table"},
      {"alc.card.append('c', 5)", "alc.card.append: fields must be a table"},
      {"alc.card.write_samples('c', 'rows')", "alc.card.write_samples: samples must be an array"},
      {"alc.card.list('cot')", "alc.card.list: filter must be a table, got string"},
      {"alc.card.read_samples('c', 1)", "alc.card.read_samples: opts must be a table, got number"},
      {"alc.card.lineage('c')", "alc.card.lineage: query must be a table"},
      {"alc.card.create({pkg = {name = 'p'}, f = print})",
       "alc.card.create.card.f: cannot encode function"},
  };
  for (const auto& [code, message] : cases) {
    INFO(code);
    const auto failed = require_failed(run_until_blocked(*harness.make(code)));
    CHECK_THAT(failed.message, Catch::Contains(message));
  }
}

TEST_CASE("alc.card cannot be called where the session cannot pause", "[vm][card]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local t = {2, 1}
    table.sort(t, function(a, b) alc.card.get("c") return a < b end)
    return t)lua");
  CHECK_THAT(require_failed(run_until_blocked(*vm)).message,
             Catch::Contains("alc.card.get: the session cannot pause here"));
}

TEST_CASE("alc.eval without evalframe fails with the original's message", "[vm][prelude][eval]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local ok, err = pcall(alc.eval, {cases = {}}, "cot")
    return {is_function = type(alc.eval) == "function", ok = ok, err = err})lua");
  CHECK(require_done(run_until_blocked(*vm)) ==
        json({{"is_function", true},
              {"ok", false},
              {"err", "alc.eval: evalframe not installed. Run alc_pkg_install to add it."}}));
}

TEST_CASE("alc.eval with evalframe installed says alc does not run it", "[vm][prelude][eval]") {
  vm_harness harness;
  temp_dir packages;
  packages.write("evalframe/init.lua", "return {}");
  auto options = harness.options();
  options.package_paths = {packages.path().string()};
  auto vm = harness.make("alc.eval('math_basic', 'cot')", json::object(), options);
  CHECK_THAT(require_failed(run_until_blocked(*vm)).message,
             Catch::Contains("script:1: alc.eval: not supported by this runtime"));
}
