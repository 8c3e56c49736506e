// The MCP layer without a runtime: revisions, initialize, logging levels,
// progress tokens, task metadata, cancellation notices.
#include <catch2/catch.hpp>

#include "cli/mcp/protocol.hpp"

using namespace alc::cli::mcp;

TEST_CASE("each revision the SDK offers is spoken back; others get the latest", "[mcp][protocol]") {
  for (const auto version : protocol_versions) CHECK(negotiate_version(version) == version);
  CHECK(negotiate_version("2099-01-01") == "2025-11-25");
  CHECK(negotiate_version("") == "2025-11-25");
  CHECK(has_tasks("2025-11-25"));
  CHECK_FALSE(has_tasks("2025-06-18"));
}

TEST_CASE("initialize reads the revision and the sampling capability", "[mcp][protocol]") {
  auto hello = read_initialize({{"protocolVersion", "2025-06-18"},
                                {"capabilities", {{"sampling", json::object()}}},
                                {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
  REQUIRE(std::holds_alternative<client_hello>(hello));
  CHECK(std::get<client_hello>(hello).requested_version == "2025-06-18");
  CHECK(std::get<client_hello>(hello).sampling);

  auto plain =
      read_initialize({{"protocolVersion", "2025-06-18"}, {"capabilities", json::object()}});
  CHECK_FALSE(std::get<client_hello>(plain).sampling);

  CHECK(std::holds_alternative<std::string>(read_initialize(json::object())));
  CHECK(std::holds_alternative<std::string>(read_initialize({{"protocolVersion", 3}})));
  CHECK(std::holds_alternative<std::string>(
      read_initialize({{"protocolVersion", "2025-06-18"}, {"capabilities", 1}})));
}

TEST_CASE("the initialize result offers tasks only where the revision has them",
          "[mcp][protocol]") {
  const server_identity server{"alc", "1.2.3", "guide"};
  const auto latest = initialize_result("2025-11-25", server);
  CHECK(latest["protocolVersion"] == "2025-11-25");
  CHECK(latest["serverInfo"] == json{{"name", "alc"}, {"version", "1.2.3"}});
  CHECK(latest["capabilities"].contains("tools"));
  CHECK(latest["capabilities"].contains("logging"));
  CHECK(latest["capabilities"]["tasks"]["requests"]["tools"].contains("call"));
  CHECK(latest["instructions"] == "guide");
  CHECK_FALSE(initialize_result("2025-03-26", server)["capabilities"].contains("tasks"));
}

TEST_CASE("log severities are RFC 5424's and session levels map onto them", "[mcp][protocol]") {
  for (const auto* name :
       {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"}) {
    const auto severity = parse_log_severity(name);
    REQUIRE(severity);
    CHECK(to_string(*severity) == name);
  }
  CHECK_FALSE(parse_log_severity("warn"));
  CHECK_FALSE(parse_log_severity("INFO"));
  CHECK(severity_of_session_level("warn") == log_severity::warning);
  CHECK(severity_of_session_level("error") == log_severity::error);
  CHECK(severity_of_session_level("debug") == log_severity::debug);
  CHECK(severity_of_session_level("chatty") == log_severity::info);
  CHECK(log_severity::debug < log_severity::error);
}

TEST_CASE("a progress token is a string or an integer under _meta", "[mcp][protocol]") {
  CHECK(progress_token({{"_meta", {{"progressToken", "t1"}}}}) == "t1");
  CHECK(progress_token({{"_meta", {{"progressToken", 4}}}}) == 4);
  CHECK(progress_token({{"_meta", {{"progressToken", 1.5}}}}).is_null());
  CHECK(progress_token({{"_meta", 3}}).is_null());
  CHECK(progress_token(json::object()).is_null());
}

TEST_CASE("task metadata is read and checked", "[mcp][protocol]") {
  CHECK_FALSE(read_task_request(json::object()));
  auto with_ttl = read_task_request({{"task", {{"ttl", 60000}}}});
  REQUIRE(with_ttl);
  REQUIRE(std::holds_alternative<task_request>(*with_ttl));
  CHECK(std::get<task_request>(*with_ttl).ttl == 60000);
  auto bare = read_task_request({{"task", json::object()}});
  CHECK_FALSE(std::get<task_request>(*bare).ttl);
  CHECK(std::holds_alternative<std::string>(*read_task_request({{"task", 1}})));
  CHECK(std::holds_alternative<std::string>(*read_task_request({{"task", {{"ttl", -1}}}})));
  CHECK(std::holds_alternative<std::string>(*read_task_request({{"task", {{"ttl", "1"}}}})));
}

TEST_CASE("a cancellation names the request and maybe a reason", "[mcp][protocol]") {
  auto notice = read_cancel_notice({{"requestId", 5}, {"reason", "user left"}});
  REQUIRE(notice);
  CHECK(notice->request_id == 5);
  CHECK(notice->reason == "user left");
  CHECK_FALSE(read_cancel_notice({{"reason", "x"}}));
  CHECK_FALSE(read_cancel_notice({{"requestId", json::array()}}));
}

TEST_CASE("progress params leave out an unknown total and an empty message", "[mcp][protocol]") {
  CHECK(progress_params("t", 2, 0, "") == json{{"progressToken", "t"}, {"progress", 2.0}});
  CHECK(progress_params(1, 1, 4, "m") ==
        json{{"progressToken", 1}, {"progress", 1.0}, {"total", 4.0}, {"message", "m"}});
}

TEST_CASE("a tool result is one text block with isError", "[mcp][protocol]") {
  CHECK(tool_result("x", true) ==
        json{{"content", json::array({{{"type", "text"}, {"text", "x"}}})}, {"isError", true}});
}
