// JSON-RPC 2.0 as alc mcp reads and writes it: each kind of message, each
// refusal with its code, and encoders that round-trip.
#include <catch2/catch.hpp>

#include "cli/mcp/jsonrpc.hpp"

namespace {

using namespace alc::cli::mcp;

rpc_rejection rejected(const std::string& text) {
  auto message = read_rpc_message(text);
  REQUIRE(std::holds_alternative<rpc_rejection>(message));
  return std::get<rpc_rejection>(message);
}

}  // namespace

TEST_CASE("a request keeps its id, method and params", "[mcp][jsonrpc]") {
  auto message =
      read_rpc_message(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":"x"}})");
  REQUIRE(std::holds_alternative<rpc_request>(message));
  const auto& request = std::get<rpc_request>(message);
  CHECK(request.id == 7);
  CHECK(request.method == "tools/list");
  CHECK(request.params == json{{"cursor", "x"}});
}

TEST_CASE("a string id stays a string and absent params read as an empty object",
          "[mcp][jsonrpc]") {
  auto message = read_rpc_message(R"({"jsonrpc":"2.0","id":"a-1","method":"ping"})");
  const auto& request = std::get<rpc_request>(message);
  CHECK(request.id == "a-1");
  CHECK(request.params == json::object());
}

TEST_CASE("a message without an id is a notification", "[mcp][jsonrpc]") {
  auto message = read_rpc_message(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  REQUIRE(std::holds_alternative<rpc_notification>(message));
  CHECK(std::get<rpc_notification>(message).method == "notifications/initialized");
}

TEST_CASE("a response carries either its result or its error", "[mcp][jsonrpc]") {
  auto ok = read_rpc_message(R"({"jsonrpc":"2.0","id":3,"result":{"x":1}})");
  REQUIRE(std::holds_alternative<rpc_response>(ok));
  CHECK(std::get<rpc_response>(ok).result == json{{"x", 1}});
  CHECK_FALSE(std::get<rpc_response>(ok).error);

  auto failed =
      read_rpc_message(R"({"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"no","data":[1]}})");
  const auto& response = std::get<rpc_response>(failed);
  REQUIRE(response.error);
  CHECK(response.error->code == -1);
  CHECK(response.error->message == "no");
  CHECK(response.error->data == json::array({1}));
}

TEST_CASE("text that is not JSON is a parse error without id", "[mcp][jsonrpc]") {
  const auto problem = rejected(R"({"jsonrpc":"2.0","id":1,)");
  CHECK(problem.error.code == rpc_code::parse_error);
  CHECK(problem.id.is_null());
  CHECK_THAT(problem.error.message, Catch::Contains("invalid JSON"));
}

TEST_CASE("malformed envelopes are invalid requests that name the problem and keep a usable id",
          "[mcp][jsonrpc]") {
  CHECK(rejected("[]").error.code == rpc_code::invalid_request);
  CHECK_THAT(rejected("[]").error.message, Catch::Contains("batches"));
  CHECK(rejected("42").error.code == rpc_code::invalid_request);

  const auto no_version = rejected(R"({"id":5,"method":"ping"})");
  CHECK(no_version.error.code == rpc_code::invalid_request);
  CHECK(no_version.id == 5);
  CHECK_THAT(no_version.error.message, Catch::Contains("jsonrpc"));

  const auto wrong_version = rejected(R"({"jsonrpc":"1.0","id":"x","method":"ping"})");
  CHECK(wrong_version.id == "x");

  const auto null_id = rejected(R"({"jsonrpc":"2.0","id":null,"method":"ping"})");
  CHECK(null_id.error.code == rpc_code::invalid_request);
  CHECK(null_id.id.is_null());

  CHECK(rejected(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})").error.code ==
        rpc_code::invalid_request);
  CHECK(rejected(R"({"jsonrpc":"2.0","id":1,"method":5})").id == 1);
  CHECK(rejected(R"({"jsonrpc":"2.0"})").error.code == rpc_code::invalid_request);
  CHECK(rejected(R"({"jsonrpc":"2.0","id":1,"result":1,"error":{}})").error.code ==
        rpc_code::invalid_request);
  CHECK(rejected(R"({"jsonrpc":"2.0","id":1,"error":{"code":"x","message":"m"}})").error.code ==
        rpc_code::invalid_request);
}

TEST_CASE("params that are not an object are invalid params", "[mcp][jsonrpc]") {
  const auto problem = rejected(R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":[1,2]})");
  CHECK(problem.error.code == rpc_code::invalid_params);
  CHECK(problem.id == 9);
}

TEST_CASE("a message nesting too deep is refused by id without recursing", "[mcp][jsonrpc]") {
  std::string deep = R"({"jsonrpc":"2.0","id":4,"method":"x","params":{"a":)";
  for (int i = 0; i < 300; ++i) deep += "[";
  for (int i = 0; i < 300; ++i) deep += "]";
  deep += "}}";
  const auto problem = rejected(deep);
  CHECK(problem.id == 4);
  CHECK_THAT(problem.error.message, Catch::Contains("nests deeper"));
}

TEST_CASE("encoded messages are one line of JSON-RPC 2.0 that reads back", "[mcp][jsonrpc]") {
  const std::string result = result_message(1, {{"a", "line\nbreak"}});
  CHECK(result.find('\n') == std::string::npos);
  CHECK(result.rfind(R"({"jsonrpc":"2.0","id":1,)", 0) == 0);
  const auto back = std::get<rpc_response>(read_rpc_message(result));
  CHECK(back.result == json{{"a", "line\nbreak"}});

  const std::string error = error_message("q", rpc_error{rpc_code::method_not_found, "nope", {}});
  const auto parsed = json::parse(error);
  CHECK(parsed["error"] == json{{"code", -32601}, {"message", "nope"}});
  CHECK(parsed["id"] == "q");

  const auto note = json::parse(notification_message("notifications/progress", {{"p", 1}}));
  CHECK(note["method"] == "notifications/progress");
  CHECK_FALSE(note.contains("id"));

  const auto request = std::get<rpc_request>(
      read_rpc_message(request_message(2, "sampling/createMessage", {{"m", 1}})));
  CHECK(request.method == "sampling/createMessage");
  CHECK(request.params == json{{"m", 1}});
}

TEST_CASE("blank lines are recognised", "[mcp][jsonrpc]") {
  CHECK(is_blank(""));
  CHECK(is_blank(" \t\r"));
  CHECK_FALSE(is_blank(" {}"));
}
