// The tool catalogue, argument reading, and the result shapes of the
// legacy tools and alc_status: pure functions over alc's values.
#include <set>

#include <catch2/catch.hpp>

#include "cli/mcp/feed_result.hpp"
#include "cli/mcp/packages.hpp"
#include "cli/mcp/status_view.hpp"
#include "cli/mcp/tool_arguments.hpp"
#include "cli/mcp/tool_catalog.hpp"
#include "cli/mcp/transcripts.hpp"

using namespace alc;
using namespace alc::cli::mcp;

namespace {

llm_query query(const std::string& id, const std::string& prompt) {
  llm_query q;
  q.query_id = id;
  q.prompt = prompt;
  return q;
}

}  // namespace

TEST_CASE(
    "the catalogue has algocline's session, package, log and card tools, each with an object "
    "schema",
    "[mcp][tools]") {
  std::set<std::string> names;
  for (const auto& tool : tool_catalog()) {
    CHECK(tool.input_schema["type"] == "object");
    CHECK(tool.input_schema["properties"].is_object());
    CHECK(tool.annotations.contains("openWorldHint"));
    CHECK_FALSE(tool.description.empty());
    names.insert(tool.name);
  }
  CHECK(names.size() == tool_catalog().size());
  for (const char* name : {"alc_run",
                           "alc_advice",
                           "alc_continue",
                           "alc_status",
                           "alc_v2_run",
                           "alc_v2_state",
                           "alc_v2_resume",
                           "alc_v2_cancel",
                           "alc_pkg_list",
                           "alc_pkg_link",
                           "alc_pkg_unlink",
                           "alc_pkg_install",
                           "alc_info",
                           "alc_stats",
                           "alc_log_view",
                           "alc_card_list",
                           "alc_card_get",
                           "alc_card_find",
                           "alc_card_samples",
                           "alc_card_lineage",
                           "alc_card_alias_list",
                           "alc_card_get_by_alias"}) {
    CHECK(names.count(name) == 1);
  }
  CHECK(find_tool("alc_advice")->input_schema["required"] == json::array({"strategy"}));
  CHECK(find_tool("nope") == nullptr);
}

TEST_CASE("tools/list names task support only from 2025-11-25 on", "[mcp][tools]") {
  const auto latest = tools_list_result("2025-11-25");
  bool run_optional = false;
  for (const auto& tool : latest["tools"]) {
    REQUIRE(tool.contains("execution"));
    if (tool["name"] == "alc_run") run_optional = tool["execution"]["taskSupport"] == "optional";
    if (tool["name"] == "alc_status") CHECK(tool["execution"]["taskSupport"] == "forbidden");
  }
  CHECK(run_optional);
  const auto older =
      tools_list_result("2025-06-18");  // a temporary's member would dangle in the loop
  for (const auto& tool : older["tools"]) CHECK_FALSE(tool.contains("execution"));
}

TEST_CASE("tool arguments read absent and null alike and name the first wrong type",
          "[mcp][tools]") {
  tool_arguments args({{"a", "x"}, {"b", nullptr}, {"n", 3}, {"flag", true}, {"obj", "{\"k\":1}"}});
  CHECK(args.required_string("a") == "x");
  CHECK_FALSE(args.optional_string("b"));
  CHECK(args.optional_unsigned("n") == 3u);
  CHECK(args.optional_bool("flag") == true);
  CHECK(args.optional_object_or_text("obj") == json{{"k", 1}});
  CHECK(args.ok());

  tool_arguments wrong({{"session_id", 5}, {"limit", -1}});
  (void)wrong.required_string("session_id");
  (void)wrong.optional_unsigned("limit");
  CHECK_FALSE(wrong.ok());
  CHECK(
      wrong.error() ==
      "failed to deserialize parameters: session_id: invalid type: an integer, expected a string");

  tool_arguments missing(nullptr);
  (void)missing.required_string("session_id");
  CHECK(missing.error() == "failed to deserialize parameters: missing field `session_id`");

  tool_arguments not_object(json::array());
  CHECK_FALSE(not_object.ok());
}

TEST_CASE("needs_response is flat for one query and a list for several", "[mcp][feed]") {
  pause_info one{pause_kind::single, {query("q-0", "hi")}};
  one.prompts[0].system = "sys";
  one.prompts[0].grounded = true;
  CHECK(needs_response("s", one) == json{{"status", "needs_response"},
                                         {"session_id", "s"},
                                         {"query_id", "q-0"},
                                         {"prompt", "hi"},
                                         {"system", "sys"},
                                         {"max_tokens", 1024},
                                         {"grounded", true}});
  pause_info two{pause_kind::batch, {query("q-0", "a"), query("q-1", "b")}};
  const auto batch = needs_response("s", two);
  REQUIRE(batch["queries"].size() == 2);
  CHECK(batch["queries"][1] ==
        json{{"id", "q-1"}, {"prompt", "b"}, {"system", nullptr}, {"max_tokens", 1024}});
  CHECK_FALSE(batch.contains("query_id"));
}

TEST_CASE("ended results: completed with stats, error worded as the original, cancelled",
          "[mcp][feed]") {
  session_metrics metrics;
  metrics.llm_calls = 2;
  metrics.pauses = 2;
  metrics.rounds = 2;
  metrics.prompt_chars = 10;
  metrics.response_chars = 4;
  metrics.usage = {3, 1};
  const auto stats =
      auto_stats(metrics, 12, token_source::provided, {{"max_llm_calls", 5}, {"max_tokens", 1.5}});
  CHECK(stats["prompt_tokens"] == json{{"tokens", 3}, {"source", "provided"}});
  CHECK(stats["total_tokens"]["tokens"] == 4);
  CHECK(stats["budget"] == json{{"max_llm_calls", 5}});
  CHECK(auto_stats(session_metrics{}, 0, token_source::estimated,
                   nullptr)["total_tokens"]["source"] == "definite");

  const auto done = ended_result(done_state{{{"x", 1}}, std::nullopt, 5}, stats);
  CHECK(done["status"] == "completed");
  CHECK(done["result"] == json{{"x", 1}});
  CHECK(done["stats"]["auto"] == stats);
  CHECK(done["stats"]["custom"] == json::object());

  const auto failed =
      ended_result(failed_state{"script:1: boom", failure_kind::lua_error, 1}, stats);
  CHECK(failed == json{{"status", "error"}, {"error", "lua error: script:1: boom"}});
  CHECK(error_text(failed_state{"out", failure_kind::memory_limit, 1}) == "memory_limit: out");

  cancelled_state cancelled;
  cancelled.reason.detail = "bye";
  const auto gone = ended_result(cancelled, stats);
  CHECK(gone["status"] == "cancelled");
  CHECK(gone["reason"] == json{{"code", "user"}, {"detail", "bye"}});
  CHECK(accepted_result(2) == json{{"status", "accepted"}, {"remaining", 2}});
}

TEST_CASE("pending_filter presets and custom objects project the pending queries",
          "[mcp][status]") {
  auto q = query("q-0", "héllo world");
  q.system = "s";
  auto meta = std::get<std::optional<pending_filter>>(read_pending_filter(json("meta"), 3));
  REQUIRE(meta);
  CHECK(project_pending(q, *meta) == json{{"query_id", "q-0"}, {"max_tokens", 1024}});
  auto preview = std::get<std::optional<pending_filter>>(read_pending_filter(json("preview"), 3));
  CHECK(project_pending(q, *preview)["prompt_preview"] == "hél");
  auto full = std::get<std::optional<pending_filter>>(read_pending_filter(json("full"), 3));
  const auto projected = project_pending(q, *full);
  CHECK(projected["prompt"] == "héllo world");
  CHECK(projected["grounded"] == false);
  CHECK(projected["system"] == "s");

  auto custom = std::get<std::optional<pending_filter>>(read_pending_filter(
      json{{"system", true}, {"prompt", {{"mode", "preview"}, {"chars", 2}}}}, 0));
  CHECK(project_pending(q, *custom) == json{{"system", "s"}, {"prompt_preview", "hé"}});

  CHECK_FALSE(std::get<std::optional<pending_filter>>(read_pending_filter(std::nullopt, 3)));
  CHECK(std::get<std::string>(read_pending_filter(json("x"), 3)) ==
        "unknown pending_filter preset 'x' (valid: \"meta\" | \"preview\" | \"full\")");
  CHECK(std::get<std::string>(read_pending_filter(json(true), 3)) ==
        "pending_filter must be a preset name (string) or filter object, got bool");
  CHECK_THAT(std::get<std::string>(read_pending_filter(json{{"prompt", {{"mode", "preview"}}}}, 3)),
             Catch::Contains("missing field `chars`"));
  CHECK_THAT(std::get<std::string>(read_pending_filter(json{{"prompt", {{"mode", "x"}}}}, 3)),
             Catch::Contains("unknown variant `x`"));
}

TEST_CASE("a status snapshot of a paused session counts its pending queries", "[mcp][status]") {
  session_view view;
  view.summary.created_at = 100;
  view.summary.last_activity_at = 150;
  view.summary.metrics.llm_calls = 1;
  view.state = paused_state{{pause_kind::single, {query("q-0", "abcd")}}, 120};
  view.strategy = "cot";
  const auto snapshot = status_snapshot(view, std::nullopt, false, 200);
  CHECK(snapshot["state"] == "paused");
  CHECK(snapshot["phase"] == "paused");
  CHECK(snapshot["pending_queries"] == 1);
  CHECK_FALSE(snapshot.contains("pending"));
  CHECK(snapshot["metrics"]["elapsed_ms"] == 100);
  CHECK(snapshot["metrics"]["tokens"]["current_query"] ==
        json{{"query_id", "q-0"}, {"prompt_tokens", 1}, {"started_waiting_at", 120}});
  CHECK(snapshot["strategy"] == "cot");
  CHECK_FALSE(snapshot["metrics"].contains("conversation_history"));

  view.state = done_state{};
  const auto ended = status_snapshot(view, std::nullopt, true, 200);
  CHECK(ended["state"] == "terminal");
  CHECK(ended["phase"] == "completed");
  CHECK(ended["metrics"]["tokens"]["current_query"].is_null());
  CHECK(ended["metrics"]["conversation_history"] == json::array());
}

TEST_CASE("utf8_prefix counts Unicode scalars, not bytes", "[mcp][status]") {
  CHECK(utf8_prefix("あいう", 2) == "あい");
  CHECK(utf8_prefix("ab", 5) == "ab");
  CHECK(utf8_prefix("ab", 0).empty());
}

TEST_CASE("package names follow the original's rule", "[mcp][packages]") {
  CHECK_FALSE(check_package_name("cot_2-x"));
  CHECK(check_package_name("") == "package name must not be empty");
  CHECK(check_package_name("2x") == "package name must start with a letter, got '2'");
  CHECK(check_package_name("a/b") ==
        "package name contains invalid character '/': only [a-zA-Z0-9_-] allowed");
}

TEST_CASE("a log's task hint is the first prompt cut to 100 bytes at a character boundary",
          "[mcp][transcripts]") {
  CHECK_FALSE(task_hint(json::array()));
  CHECK(task_hint(json::array({{{"prompt", "short"}}})) == "short");
  const std::string long_prompt = std::string(99, 'a') + "あいう";
  CHECK(task_hint(json::array({{{"prompt", long_prompt}}})) == std::string(99, 'a') + "...");
}
