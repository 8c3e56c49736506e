// Runs every ```lua block of docs/lua-api.md as a session, so the API page
// never shows an example that does not work.
#include <fstream>
#include <sstream>

#include "tests/actors/runtime_test_support.hpp"
#include "tests/actors/scripted_responder.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

std::vector<std::string> lua_blocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  std::istringstream lines(markdown);
  std::string line;
  std::string current;
  bool inside = false;
  while (std::getline(lines, line)) {
    if (!inside && line == "```lua") {
      inside = true;
      current.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(current);
    } else if (inside) {
      current += line + "\n";
    }
  }
  return blocks;
}

std::string stand_in_llm(const llm_query& query) {
  return query.prompt.find("JSON") != std::string::npos ? R"({"answer": 42})" : "42";
}

}  // namespace

TEST_CASE("every Lua example in docs/lua-api.md runs to done", "[docs]") {
  std::ifstream file(std::string(ALC_DOCS_DIR) + "/lua-api.md");
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  const auto blocks = lua_blocks(text.str());
  REQUIRE(blocks.size() >= 10);

  temp_dir state;
  auto options = fast_options();
  options.package_paths = {ALC_EXAMPLE_PACKAGES};
  options.state_dir = (state.path() / "state").string();
  test_runtime rt(options);
  for (const auto& code : blocks) {
    INFO(code);
    json ctx = json::object();
    if (code.find("ctx.budget allows one call") != std::string::npos) {
      ctx["budget"] = {{"max_llm_calls", 1}};
    }
    auto spawned = rt.client().spawn(run_spec_of(code, ctx));
    REQUIRE(spawned);
    caf::scoped_actor observer{rt.system()};
    rt.system().spawn(scripted_responder, rt.runtime().registry(), spawned->id,
                      answer_fn{stand_in_llm}, caf::actor{observer});
    observer->receive([](const std::string&, std::size_t) {},
                      caf::after(std::chrono::seconds{30}) >> [] { FAIL("no close in 30 s"); });
    auto outcome = rt.client().await(spawned->id, 10s);
    REQUIRE(outcome);
    if (const auto* failed = std::get_if<failed_state>(&*outcome)) FAIL(failed->message);
    REQUIRE(std::holds_alternative<done_state>(*outcome));
    INFO("result: " << std::get<done_state>(*outcome).value.dump());
    CHECK_FALSE(std::get<done_state>(*outcome).value.is_null());
  }
}
