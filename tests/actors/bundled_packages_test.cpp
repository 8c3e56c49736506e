// algocline's real strategy packages (../shared/bundled-packages, test data
// outside the project) run unchanged through the registry: each strategy
// as an `advice` spawn with a ctx built from its own declared input shape,
// every prompt answered in the format it asks for; each library package is
// required and must load. With ALC_SHAPE_CHECK=1 in the environment the
// packages' alc_shapes wrapper also checks every instrumented call's input
// and result against the package's declared shapes.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/actors/bundled/format_responder.hpp"
#include "tests/actors/runtime_test_support.hpp"
#include "tests/temp_dir.hpp"

#include "alc/answer_all.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Reads the package's declared input shape (an alc_shapes schema) and
// builds the smallest ctx it accepts: every required field, sample values.
// A package without `run` is a library.
constexpr const char* ctx_from_shape = R"lua(
local pkg = require(ctx.package)
if type(pkg) ~= "table" or type(pkg.run) ~= "function" then
  return {library = true, exports = type(pkg)}
end
local entries = type(pkg.spec) == "table" and pkg.spec.entries or nil
local input = type(entries) == "table" and type(entries.run) == "table" and entries.run.input

local sample
local function first_variant(variants)
  local names = {}
  for name in pairs(variants) do names[#names + 1] = name end
  table.sort(names)
  return variants[names[1]]
end
function sample(schema, field)
  if type(schema) ~= "table" then return nil end
  local kind = rawget(schema, "kind")
  if kind == "described" then return sample(schema.inner, field) end
  if kind == "optional" then return nil end
  if kind == "prim" then
    if schema.prim == "string" then
      return field == "task" and "What is 2 + 2?" or ("sample " .. tostring(field or "text"))
    end
    if schema.prim == "number" then return 3 end
    if schema.prim == "boolean" then return true end
    return {}
  end
  if kind == "any" then return "sample" end
  if kind == "shape" then
    local out = {}
    for name, f in pairs(schema.fields) do out[name] = sample(f, name) end
    return out
  end
  if kind == "array_of" then return {sample(schema.elem, field), sample(schema.elem, field)} end
  if kind == "one_of" then return schema.values[1] end
  if kind == "discriminated" then return sample(first_variant(schema.variants), field) end
  return {}
end
local c = input and sample(input) or {}
if type(c) ~= "table" then c = {} end
if c.task == nil then c.task = "What is 2 + 2?" end
return {library = false, ctx = c}
)lua";

// Test data: ctx fields whose declared shape (T.any, T.table) is looser
// than the package's own checks, with values from the package's own spec
// files (or, for the simulations, smaller optional sizes). Each is merged
// over the ctx built from the shape. auto_card runs the alc.card path of
// the two packages that write cards.
json ctx_supplement(const std::string& name) {
  static const json supplements = {
      {"conformal_vote",
       {{"agents", {"agent1", "agent2", "agent3"}},
        {"calibration",
         {{"q_hat", 0.3},
          {"tau", 0.7},
          {"alpha", 0.05},
          {"n", 100},
          {"weights", {1.0 / 3, 1.0 / 3, 1.0 / 3}}}},
        {"auto_card", true}}},
      {"orch_fixpipe",
       {{"phases",
         {{{"name", "plan"}, {"prompt", "Plan: {task}"}, {"gate", "Good plan?"}},
          {{"name", "impl"}, {"prompt", "Implement: {prev_output}"}, {"gate", "Correct?"}}}}}},
      {"orch_gatephase",
       {{"phases",
         {{{"name", "plan"}, {"prompt", "Plan: {task}"}, {"gate", "OK?"}},
          {{"name", "impl"}, {"prompt", "Implement: {prev_output}"}, {"gate", "OK?"}}}}}},
      // The simulations' defaults (100 Monte Carlo runs of 100 steps) take a
      // minute of CPU each; a few short runs exercise the same code.
      {"boids_abm", {{"runs", 3}, {"steps", 10}}},
      {"sugarscape_abm", {{"runs", 3}, {"steps", 10}}},
      {"recipe_deep_panel", {{"task_id", "bundled-test-1"}, {"p_estimate", 0.7}}},
      {"smc_sample", {{"auto_card", true}}},
  };
  const auto it = supplements.find(name);
  return it == supplements.end() ? json::object() : *it;
}

// Lua-valued ctx fields (functions cannot travel as JSON): such a package
// runs through a run spec that builds its ctx in Lua, still via the registry.
std::string lua_ctx_fields(const std::string& name) {
  if (name == "smc_sample") return "reward_fn = function(answer, task) return 0.5 end";
  return {};
}

fs::path bundled_packages() {
  return fs::path(ALC_PROJECT_DIR).parent_path() / "shared" / "bundled-packages";
}

std::vector<std::string> package_names(const fs::path& root) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory() && fs::is_regular_file(entry.path() / "init.lua")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Drives one session to its end, answering every pause; the end state.
execution_state drive(const client& c, const std::string& id, const format_responder& responder,
                      std::size_t& queries) {
  for (int round = 0; round < 5'000; ++round) {
    execution_state state = wait_until_settled(c, id, 60s);
    const auto* paused = std::get_if<paused_state>(&state);
    if (paused == nullptr) return state;
    queries += paused->info.prompts.size();
    auto payload = answer_all(paused->info, [&](const llm_query& query) {
      return query_response{query.query_id, responder.answer(query), std::nullopt};
    });
    auto outcome = c.resume(id, std::move(payload));
    INFO("resume: " << (outcome ? std::string("ok") : describe(outcome.error())));
    REQUIRE(outcome);
  }
  FAIL("session " << id << " paused more than 5000 times");
  return running_state{};
}

std::string describe_end(const execution_state& state) {
  if (const auto* failed = std::get_if<failed_state>(&state)) return "failed: " + failed->message;
  if (const auto* cancelled = std::get_if<cancelled_state>(&state)) {
    return "cancelled: " + cancelled->reason.detail.value_or("");
  }
  return wire_text(state).substr(0, 300);
}

}  // namespace

TEST_CASE("every bundled algocline package runs unchanged to done", "[packages][bundled]") {
  const fs::path root = bundled_packages();
  if (!fs::is_directory(root)) {
    WARN("skipped: " << root.string()
                     << " is absent (the packages are test data beside the project)");
    return;
  }
  ::setenv("ALC_SHAPE_CHECK", "1", 1);  // read once, when the runtime starts
  temp_dir state;
  runtime_options options = fast_options();
  options.package_paths = {root.string()};
  options.state_dir = state.path().string();
  test_runtime rt(options);
  ::unsetenv("ALC_SHAPE_CHECK");
  const format_responder responder;

  const auto names = package_names(root);
  CHECK(names.size() >= 48);  // the 49th, scenarios/, holds evalframe scenarios, no package
  std::vector<std::string> failures;
  for (const auto& name : names) {
    INFO("package " << name);
    const auto probe_id = spawn_ok(rt.client(), ctx_from_shape, {{"package", name}});
    std::size_t queries = 0;
    const execution_state probe = drive(rt.client(), probe_id, responder, queries);
    const auto* probed = std::get_if<done_state>(&probe);
    if (probed == nullptr) {
      failures.push_back(name + " (load): " + describe_end(probe));
      continue;
    }
    if (probed->value.at("library").get<bool>()) {
      if (probed->value.at("exports") != "table") failures.push_back(name + ": exports no table");
      continue;
    }
    session_spec spec;
    spec.ctx = probed->value.at("ctx");
    spec.ctx.update(ctx_supplement(name));
    if (const std::string lua = lua_ctx_fields(name); lua.empty()) {
      spec.kind = advice_spec{name, std::nullopt, nullptr};
    } else {
      spec.kind = run_spec{"local c = {" + lua + "} " +
                           "for k, v in pairs(ctx) do if c[k] == nil then c[k] = v end end " +
                           "return require('" + name + "').run(c)"};
    }
    auto spawned = rt.client().spawn(spec);
    REQUIRE(spawned);
    const execution_state end = drive(rt.client(), spawned->id, responder, queries);
    if (!std::holds_alternative<done_state>(end)) {
      failures.push_back(name + " (ctx " + spec.ctx.dump() + ", " + std::to_string(queries) +
                         " queries): " + describe_end(end));
    }
  }
  for (const auto& failure : failures) UNSCOPED_INFO(failure);
  CHECK(failures.empty());
}
