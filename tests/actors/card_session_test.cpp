// alc.card from scripts, through a real runtime: the calls reach the store
// actor and come back, cards outlive the runtime, and the bundled packages
// that emit cards (conformal_vote, smc_sample) do so unchanged.
#include <fstream>

#include "tests/actors/runtime_test_support.hpp"
#include "tests/actors/scripted_responder.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

runtime_options with_state_in(const temp_dir& dir) {
  auto opts = fast_options();
  opts.state_dir = (dir.path() / "state").string();
  return opts;
}

json run_to_done(const client& c, std::string code, json ctx = json::object()) {
  const auto id = spawn_ok(c, std::move(code), std::move(ctx));
  auto outcome = c.await(id, 10s);
  REQUIRE(outcome);
  if (const auto* failed = std::get_if<failed_state>(&*outcome)) FAIL(failed->message);
  REQUIRE(std::holds_alternative<done_state>(*outcome));
  return std::get<done_state>(*outcome).value;
}

/// Runs `code` with a responder answering every prompt `answer`.
json run_answered(test_runtime& rt, std::string code, json ctx, std::string answer) {
  auto spawned = rt.client().spawn(run_spec_of(std::move(code), std::move(ctx)));
  REQUIRE(spawned);
  caf::scoped_actor observer{rt.system()};
  rt.system().spawn(scripted_responder, rt.runtime().registry(), spawned->id,
                    answer_fn{[answer](const llm_query&) { return answer; }}, caf::actor{observer});
  observer->receive([](const std::string&, std::size_t) {},
                    caf::after(std::chrono::seconds{30}) >> [] { FAIL("no close within 30 s"); });
  auto outcome = rt.client().await(spawned->id, 10s);
  REQUIRE(outcome);
  if (const auto* failed = std::get_if<failed_state>(&*outcome)) FAIL(failed->message);
  REQUIRE(std::holds_alternative<done_state>(*outcome));
  return std::get<done_state>(*outcome).value;
}

/// The bundled packages (test data beside the project), or empty when
/// this checkout has none.
std::string bundled_packages() {
  const fs::path dir = ALC_BUNDLED_PACKAGES;
  std::error_code ec;
  return fs::is_directory(dir / "conformal_vote", ec) ? dir.string() : std::string();
}

}  // namespace

TEST_CASE("a script creates a card, writes its samples and reads both back", "[card][session]") {
  temp_dir dir;
  std::string id;
  {
    test_runtime rt(with_state_in(dir));
    const json made = run_to_done(rt.client(), R"(
      local card = alc.card.create({
        pkg = {name = "demo"}, model = {id = "claude-opus-4-6"},
        params = {k = 3}, stats = {pass_rate = 0.75, n = 4}})
      local samples = alc.card.write_samples(card.card_id,
                                             {{case = 1, ok = true}, {case = 2, ok = false}})
      local back = alc.card.get(card.card_id)
      local failed = alc.card.read_samples(card.card_id, {where = {ok = false}})
      local listed = alc.card.list({pkg = "demo"})
      return {id = card.card_id, count = samples.count, back = back, failed = failed,
              listed = listed, absent = alc.card.get("no_such_card") == nil})");
    id = made["id"];
    CHECK_THAT(id, Catch::StartsWith("demo_opus46_"));
    CHECK(made["count"] == 2);
    CHECK(made["back"]["stats"] == json({{"pass_rate", 0.75}, {"n", 4}}));
    CHECK(made["back"]["schema_version"] == "card/v0");
    CHECK(made["back"]["param_fingerprint"].get<std::string>().size() == 16);
    CHECK(made["failed"] == json({{{"case", 2}, {"ok", false}}}));
    CHECK(made["listed"].size() == 1);
    CHECK(made["listed"][0]["pass_rate"] == 0.75);
    CHECK(made["absent"] == true);
  }
  // By default the cards live beside the state folder, and outlive the runtime.
  CHECK(fs::is_regular_file(dir.path() / "alc-cards" / "demo" / (id + ".toml")));
  CHECK(fs::is_regular_file(dir.path() / "alc-cards" / "demo" / (id + ".samples.jsonl")));
  test_runtime rt(with_state_in(dir));
  CHECK(run_to_done(rt.client(), "return alc.card.read_samples(ctx.id, {offset = 1})",
                    {{"id", id}}) == json({{{"case", 2}, {"ok", false}}}));
}

TEST_CASE("card errors are Lua errors with the original's messages", "[card][session]") {
  temp_dir dir;
  test_runtime rt(with_state_in(dir));
  const json errors = run_to_done(rt.client(), R"(
    local function err(f, ...)
      local ok, e = pcall(f, ...)
      return ok and "no error" or tostring(e)
    end
    local made = alc.card.create({pkg = {name = "p"}, card_id = "fixed"})
    return {
      err(alc.card.create, {stats = {}}),
      err(alc.card.create, {pkg = {name = "p"}, card_id = "fixed"}),
      err(alc.card.write_samples, "fixed", {}),
      err(alc.card.write_samples, "nope", {1}),
      err(alc.card.append, "fixed", {pkg = 1}),
      err(alc.card.get, "../x"),
      err(alc.card.find, {where = {_and = 1}}),
      err(alc.card.sink_backfill, {sink = "file:///tmp/m"}),
      made.card_id,
    })");
  const std::vector<std::string> expected = {
      "alc.card.create: pkg.name is required",
      "alc.card.create: card 'fixed' already exists (immutable)",
      "alc.card.write_samples: samples must be an array",
      "card 'nope' not found",
      "alc.card.append: key 'pkg' already set on card 'fixed' (immutable)",
      "Invalid card_id name: '../x'",
      "_and must be an array of sub-predicates",
      "unknown sink: file:///tmp/m",
  };
  REQUIRE(errors.size() == expected.size() + 1);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO(i);
    CHECK(errors[i] == expected[i]);
  }
  CHECK(errors.back() == "fixed");
}

TEST_CASE("alc.cards-dir puts the card store where it says", "[card][session]") {
  temp_dir dir;
  auto options = with_state_in(dir);
  options.cards_dir = (dir.path() / "elsewhere").string();
  test_runtime rt(options);
  run_to_done(rt.client(), "alc.card.create({pkg = {name = 'p'}, card_id = 'c'}) return 1");
  CHECK(fs::is_regular_file(dir.path() / "elsewhere" / "p" / "c.toml"));
  CHECK_FALSE(fs::exists(dir.path() / "alc-cards"));
}

TEST_CASE("cards_directory defaults to alc-cards beside the state folder", "[card][options]") {
  runtime_options options;
  CHECK(cards_directory(options) == "alc-cards");
  options.state_dir = "/var/lib/alc/state";
  CHECK(cards_directory(options) == "/var/lib/alc/alc-cards");
  options.state_dir = "/var/lib/alc/state/";
  CHECK(cards_directory(options) == "/var/lib/alc/alc-cards");
  options.cards_dir = "/srv/cards";
  CHECK(cards_directory(options) == "/srv/cards");
}

TEST_CASE("conformal_vote emits a card and its per-agent samples with auto_card",
          "[card][session][bundled]") {
  const std::string packages = bundled_packages();
  if (packages.empty()) {
    WARN("skipped: no bundled packages at " ALC_BUNDLED_PACKAGES);
    return;
  }
  temp_dir dir;
  auto options = with_state_in(dir);
  options.package_paths = {packages};
  test_runtime rt(options);
  const json ctx = {
      {"task", "Which is right?"},
      {"options", json::array({"A", "B"})},
      {"agents", json::array({"Agent one", "Agent two"})},
      {"calibration",
       {{"tau", 0.5}, {"alpha", 0.1}, {"q_hat", 0.5}, {"n", 20}, {"weights", {0.5, 0.5}}}},
      {"auto_card", true},
      {"card_pkg", "cv_test"},
      {"scenario_name", "unit"}};
  const json out = run_answered(rt, R"(
    local result = require("conformal_vote").run(ctx).result
    local card = alc.card.get(result.card_id)
    return {card_id = result.card_id, card = card,
            samples = alc.card.read_samples(result.card_id)})",
                                ctx, R"({"A": 0.9, "B": 0.1})");
  INFO(out.dump());
  REQUIRE(out["card_id"].is_string());
  CHECK_THAT(out["card_id"].get<std::string>(), Catch::StartsWith("cv_test_model_"));
  CHECK(out["card"]["pkg"]["name"] == "cv_test");
  CHECK(out["card"]["scenario"]["name"] == "unit");
  CHECK(out["card"]["params"]["alpha"] == 0.1);
  CHECK(out["card"]["conformal_vote"]["n_agents"] == 2);
  REQUIRE(out["samples"].size() == 2);
  CHECK(out["samples"][0]["agent_idx"] == 1);
  CHECK(out["samples"][1]["raw_response"] == R"({"A": 0.9, "B": 0.1})");
}

TEST_CASE("smc_sample emits a card and its per-particle samples with auto_card",
          "[card][session][bundled]") {
  const std::string packages = bundled_packages();
  if (packages.empty()) {
    WARN("skipped: no bundled packages at " ALC_BUNDLED_PACKAGES);
    return;
  }
  temp_dir dir;
  auto options = with_state_in(dir);
  options.package_paths = {packages};
  test_runtime rt(options);
  const json out = run_answered(rt, R"(
    ctx.reward_fn = function(answer) return #answer / 10 end
    local result = require("smc_sample").run(ctx).result
    return {card_id = result.card_id, card = alc.card.get(result.card_id),
            samples = alc.card.read_samples(result.card_id)})",
                                {{"task", "Name a colour."},
                                 {"n_particles", 3},
                                 {"n_iterations", 0},
                                 {"auto_card", true},
                                 {"card_pkg", "smc_test"}},
                                "blue");
  INFO(out.dump());
  REQUIRE(out["card_id"].is_string());
  CHECK(out["card"]["pkg"]["name"] == "smc_test");
  CHECK(out["card"]["smc_sample"]["n_particles"] == 3);
  CHECK(out["card"]["stats"]["mean_reward"].get<double>() == Approx(0.4));
  REQUIRE(out["samples"].size() == 3);
  CHECK(out["samples"][2]["particle_idx"] == 3);
  CHECK(out["samples"][0]["answer"] == "blue");
}
