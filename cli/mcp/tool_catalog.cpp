#include "cli/mcp/tool_catalog.hpp"

#include <utility>

#include "cli/mcp/protocol.hpp"

namespace alc::cli::mcp {
namespace {

json string_prop(const char* description) {
  return {{"type", "string"}, {"description", description}};
}
json bool_prop(const char* description) {
  return {{"type", "boolean"}, {"description", description}};
}
json uint_prop(const char* description) {
  return {{"type", "integer"}, {"minimum", 0}, {"description", description}};
}
json any_prop(const char* description) {
  return {{"description", description}};
}

json object_schema(json properties, std::vector<std::string> required = {}) {
  json schema = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

enum hint : unsigned {
  none = 0,
  read_only = 1,
  destructive = 2,
  not_destructive = 4,
  idempotent = 8,
  open_world = 16
};

json hints(unsigned flags) {
  json out = {{"openWorldHint", (flags & open_world) != 0}};
  if (flags & read_only) out["readOnlyHint"] = true;
  if (flags & destructive) out["destructiveHint"] = true;
  if (flags & not_destructive) out["destructiveHint"] = false;
  if (flags & idempotent) out["idempotentHint"] = true;
  return out;
}

json usage_schema() {
  return {{"type", "object"},
          {"description", "token counts the host measured; they replace alc's estimates"},
          {"properties",
           {{"prompt_tokens", {{"type", "integer"}, {"minimum", 0}}},
            {"completion_tokens", {{"type", "integer"}, {"minimum", 0}}}}}};
}

const json answer_with_client = bool_prop(
    "alc extension: answer the session's prompts through sampling/createMessage to this client "
    "(needs its sampling capability), so the tool returns at the end; default: the server's "
    "--answer-with-client");

json order_by_schema() {
  return {{"description", "dotted key or keys to sort by, '-' first for descending"},
          {"anyOf", json::array({{{"type", "string"}},
                                 {{"type", "array"}, {"items", {{"type", "string"}}}}})}};
}

std::vector<tool_definition> build_catalog() {
  std::vector<tool_definition> tools;
  const auto add = [&tools](std::string name, std::string description, json schema, unsigned flags,
                            bool task = false) {
    tools.push_back(
        {std::move(name), std::move(description), std::move(schema), hints(flags), task});
  };

  add("alc_run",
      "Run Lua code as an alc session until its first LLM prompt or its end.\n"
      "Returns needs_response (answer with alc_continue), completed (result and stats) or error.",
      object_schema({{"code", string_prop("Lua chunk body; `return v` ends the run")},
                     {"code_file", string_prop("path of a Lua file to run instead of `code`")},
                     {"ctx", any_prop("the script's `ctx` (a JSON object)")},
                     {"project_root", string_prop("project folder (accepted; see docs/mcp.md)")},
                     {"answer_with_client", answer_with_client}}),
      none, true);
  add("alc_advice",
      "Run an installed strategy package: require(strategy).run(ctx).\n"
      "ctx is opts' keys plus task. Same results as alc_run.",
      object_schema({{"strategy", string_prop("package name, e.g. cot")},
                     {"task", string_prop("the task, placed in ctx.task")},
                     {"opts", any_prop("options; an object's keys are merged into ctx")},
                     {"project_root", string_prop("project folder (accepted; see docs/mcp.md)")},
                     {"answer_with_client", answer_with_client}},
                    {"strategy"}),
      none, true);
  add("alc_continue",
      "Answer the pending prompt(s) of a paused session and run it to its next pause or its end.",
      object_schema(
          {{"session_id", string_prop("the session")},
           {"response", string_prop("the answer to the one pending query")},
           {"query_id", string_prop("which query `response` answers (default: the only one)")},
           {"responses",
            {{"type", "array"},
             {"description", "answers to several queries; wins over `response`"},
             {"items", object_schema({{"query_id", {{"type", "string"}}},
                                      {"response", {{"type", "string"}}},
                                      {"usage", usage_schema()}},
                                     {"query_id", "response"})}}},
           {"usage", usage_schema()}},
          {"session_id"}),
      none);
  add("alc_status",
      "Snapshot of the live sessions, or of one; pending_filter shows their pending prompts.",
      object_schema(
          {{"session_id", string_prop("one session; all live ones when absent")},
           {"pending_filter",
            {{"description",
              "\"meta\", \"preview\", \"full\", or an object {query_id, max_tokens, system, "
              "grounded, underspecified: bool, prompt: {mode: off|preview|full, chars}}"},
             {"anyOf", json::array({{{"type", "string"}, {"enum", {"meta", "preview", "full"}}},
                                    {{"type", "object"}}})}}},
           {"include_history", bool_prop("add the last prompts and answers")}}),
      read_only);
  add("alc_v2_run", "Start a session in the background and return its id at once.",
      object_schema({{"code", string_prop("Lua chunk body")},
                     {"ctx", any_prop("the script's ctx (an object, or a string holding one)")},
                     {"project_root", string_prop("project folder (accepted; see docs/mcp.md)")},
                     {"answer_with_client", answer_with_client}},
                    {"code"}),
      none, true);
  add("alc_v2_state",
      "The execution state of a session (running, paused, done, failed, cancelled).",
      object_schema({{"session_id", string_prop("the session")}}, {"session_id"}),
      read_only | idempotent);
  add("alc_v2_resume", "Answer a paused session's queries with a resume payload.",
      object_schema({{"session_id", string_prop("the session")},
                     {"payload",
                      {{"description",
                        "{payload_kind: single, query_id, response, usage?} or {payload_kind: "
                        "batch, responses: [...]}, or a string holding it"}}}},
                    {"session_id", "payload"}),
      none);
  add("alc_v2_cancel", "Cancel a session; a session that already ended stays as it was.",
      object_schema({{"session_id", string_prop("the session")},
                     {"reason", any_prop("{code: user|timeout|parent_dropped|system_shutdown|"
                                         "internal, detail?}, or a string holding it")}},
                    {"session_id"}),
      idempotent);
  add("alc_pkg_list", "List the packages in alc's package roots.",
      object_schema(
          {{"project_root", string_prop("accepted; see docs/mcp.md")},
           {"limit", {{"type", "integer"}, {"description", "rows (default 50; 0 or less: all)"}}},
           {"sort",
            string_prop(
                "comma-separated keys, '-' for descending (default -active,-installed_at)")},
           {"filter", {{"type", "object"}, {"description", "exact match per key"}}},
           {"fields", {{"type", "array"}, {"items", {{"type", "string"}}}}},
           {"verbose", {{"type", "string"}, {"enum", {"summary", "full"}}}}}),
      read_only);
  add("alc_pkg_link",
      "Link a local package folder (or a collection of them) into the packages folder.",
      object_schema(
          {{"path", string_prop("folder with init.lua, or with packages as subfolders")},
           {"name", string_prop("package name (single package only; default: folder name)")},
           {"force", bool_prop("replace a real folder at the destination")},
           {"scope", {{"type", "string"}, {"enum", {"global"}}}},
           {"project_root", string_prop("accepted; see docs/mcp.md")}},
          {"path"}),
      not_destructive | idempotent);
  add("alc_pkg_unlink", "Remove a package link from the packages folder.",
      object_schema({{"name", string_prop("package name")}}, {"name"}), destructive);
  add("alc_pkg_install", "Install packages from a local folder (copied into the packages folder).",
      object_schema(
          {{"url", string_prop("absolute path of the folder (git URLs: see docs/mcp.md)")},
           {"name", string_prop("package name (single package only)")}},
          {"url"}),
      destructive);
  add("alc_info", "Version and configuration of this server.", object_schema(json::object()),
      read_only);
  add("alc_stats", "Aggregate the logged sessions by strategy.",
      object_schema({{"strategy", string_prop("only this strategy")},
                     {"days", uint_prop("only logs of the last N days")}}),
      read_only);
  add("alc_log_view", "List the session logs, or show one.",
      object_schema(
          {{"session_id", string_prop("the session whose log to show")},
           {"limit", uint_prop("rows in list mode (default 50)")},
           {"max_chars", uint_prop("size limit in detail mode (default 100000; 0: none)")}}),
      read_only);
  add("alc_card_list", "Card summaries, newest first.",
      object_schema({{"pkg", string_prop("only this package")}}), read_only);
  add("alc_card_get", "One card.",
      object_schema({{"card_id", string_prop("the card")}}, {"card_id"}), read_only);
  add("alc_card_find", "Query cards: where → order_by → offset → limit.",
      object_schema(
          {{"pkg", string_prop("only this package")},
           {"where", {{"type", "object"}, {"description", "the where DSL (docs/lua-api.md)"}}},
           {"order_by", order_by_schema()},
           {"limit", uint_prop("rows")},
           {"offset", uint_prop("rows to skip")}}),
      read_only);
  add("alc_card_samples", "A card's sample rows.",
      object_schema({{"card_id", string_prop("the card")},
                     {"offset", uint_prop("rows to skip")},
                     {"limit", uint_prop("rows")},
                     {"where", {{"type", "object"}}}},
                    {"card_id"}),
      read_only);
  add("alc_card_lineage", "A card's ancestors and/or descendants along metadata.prior_card_id.",
      object_schema({{"card_id", string_prop("the root card")},
                     {"direction", {{"type", "string"}, {"enum", {"up", "down", "both"}}}},
                     {"depth", uint_prop("levels (default 10)")},
                     {"include_stats", bool_prop("add each card's stats (default true)")},
                     {"relation_filter", {{"type", "array"}, {"items", {{"type", "string"}}}}}},
                    {"card_id"}),
      read_only);
  add("alc_card_alias_list", "Card aliases.",
      object_schema({{"pkg", string_prop("only aliases tagged with this package")}}), read_only);
  add("alc_card_get_by_alias", "The card an alias points at.",
      object_schema({{"name", string_prop("the alias")}}, {"name"}), read_only);
  return tools;
}

}  // namespace

const std::vector<tool_definition>& tool_catalog() {
  static const std::vector<tool_definition> catalog = build_catalog();
  return catalog;
}

const tool_definition* find_tool(std::string_view name) {
  for (const auto& tool : tool_catalog()) {
    if (tool.name == name) return &tool;
  }
  return nullptr;
}

json tools_list_result(std::string_view version) {
  json tools = json::array();
  for (const auto& tool : tool_catalog()) {
    json entry = {{"name", tool.name},
                  {"description", tool.description},
                  {"inputSchema", tool.input_schema},
                  {"annotations", tool.annotations}};
    if (has_tasks(version)) {
      entry["execution"] = {{"taskSupport", tool.task_support ? "optional" : "forbidden"}};
    }
    tools.push_back(std::move(entry));
  }
  return {{"tools", std::move(tools)}};
}

}  // namespace alc::cli::mcp
