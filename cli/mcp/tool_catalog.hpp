#pragma once
// Every tool `alc mcp` offers: name, description, JSON Schema of its
// input, hints, and whether it runs as an MCP task. The names and
// parameters are algocline's (docs/mcp.md lists what alc adds).

#include <string>
#include <string_view>
#include <vector>

#include "cli/mcp/jsonrpc.hpp"

namespace alc::cli::mcp {

struct tool_definition {
  std::string name;
  std::string description;
  json input_schema;          ///< JSON Schema 2020-12 of `arguments`
  json annotations;           ///< readOnlyHint, destructiveHint, idempotentHint, openWorldHint
  bool task_support = false;  ///< may be called task-augmented (execution.taskSupport optional)
};

/// The catalogue, in the order `tools/list` gives it.
const std::vector<tool_definition>& tool_catalog();
const tool_definition* find_tool(std::string_view name);

/// `tools/list` result for the negotiated revision (the `execution` member
/// exists from 2025-11-25 on).
json tools_list_result(std::string_view version);

}  // namespace alc::cli::mcp
