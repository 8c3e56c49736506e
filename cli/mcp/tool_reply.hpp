#pragma once
// What a tool answers: the text of its one content block, and whether the
// call failed (`isError`). Successful texts are JSON, errors plain words,
// as algocline's.

#include <string>
#include <utility>

#include "cli/mcp/jsonrpc.hpp"

namespace alc::cli::mcp {

struct tool_reply {
  std::string text;
  bool is_error = false;

  /// Compact JSON, or 2-space indented where the original prints pretty.
  static tool_reply ok(const json& value, bool pretty = false) {
    return {
        pretty ? value.dump(2, ' ', false, json::error_handler_t::replace) : to_json_text(value),
        false};
  }
  static tool_reply fail(std::string message) { return {std::move(message), true}; }
};

}  // namespace alc::cli::mcp
