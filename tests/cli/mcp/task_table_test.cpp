// MCP Tasks bookkeeping: statuses follow the session until a terminal one,
// results carry their related-task _meta, ended tasks go after their ttl.
#include <catch2/catch.hpp>

#include "cli/mcp/task_table.hpp"

using namespace alc::cli::mcp;

TEST_CASE("a new task is working and described with MCP's Task fields", "[mcp][tasks]") {
  task_table tasks(250);
  const auto& task = tasks.create("ses-1", 7, 1'796'191'412'637, 10'800'000);
  const auto described = tasks.describe(task);
  CHECK(described["taskId"] == "ses-1");
  CHECK(described["status"] == "working");
  CHECK(described["createdAt"] == "2026-12-02T06:03:32.637Z");
  CHECK(described["lastUpdatedAt"] == described["createdAt"]);
  CHECK(described["ttl"] == 10'800'000);
  CHECK(described["pollInterval"] == 250);
  CHECK_FALSE(described.contains("statusMessage"));
  CHECK(tasks.live("ses-1"));
  CHECK(tasks.find("ses-1", 7) != nullptr);
  CHECK(tasks.find("ses-1", 8) == nullptr);  // another connection's
}

TEST_CASE("a status change is reported once; a terminal status is final", "[mcp][tasks]") {
  task_table tasks(1000);
  tasks.create("t", 1, 0, 100);
  const auto* changed = tasks.set_status("t", "input_required", std::string{"waiting"}, 5);
  REQUIRE(changed != nullptr);
  CHECK(tasks.describe(*changed)["statusMessage"] == "waiting");
  CHECK(tasks.set_status("t", "input_required", std::string{"waiting"}, 6) == nullptr);
  CHECK(tasks.set_status("t", "cancelled", std::nullopt, 7) != nullptr);
  CHECK_FALSE(tasks.live("t"));
  CHECK(tasks.set_status("t", "working", std::nullopt, 8) == nullptr);
  // The session's end still records the result, and the status stays cancelled.
  auto* done = tasks.complete("t", {{"content", json::array()}}, "completed", 9);
  REQUIRE(done != nullptr);
  CHECK(done->status == "cancelled");
  CHECK((*done->result)["_meta"]["io.modelcontextprotocol/related-task"]["taskId"] == "t");
  CHECK(tasks.complete("none", json::object(), "completed", 9) == nullptr);
}

TEST_CASE("ended tasks are forgotten once their ttl passed; live ones never", "[mcp][tasks]") {
  task_table tasks(1000);
  tasks.create("ended", 1, 0, 100);
  tasks.create("running", 1, 0, 100);
  tasks.complete("ended", json::object(), "completed", 10);
  tasks.purge(110);
  CHECK(tasks.find("ended", 1) != nullptr);
  tasks.purge(111);
  CHECK(tasks.find("ended", 1) == nullptr);
  CHECK(tasks.find("running", 1) != nullptr);
  CHECK(tasks.live_of(1) == std::vector<std::string>{"running"});
  CHECK(tasks.of_connection(1).size() == 1);
  CHECK(tasks.of_connection(2).empty());
}

TEST_CASE("is_terminal_task_status names the three terminal statuses", "[mcp][tasks]") {
  for (const auto* status : {"completed", "failed", "cancelled"})
    CHECK(is_terminal_task_status(status));
  for (const auto* status : {"working", "input_required", ""})
    CHECK_FALSE(is_terminal_task_status(status));
}
