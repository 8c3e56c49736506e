#pragma once
// `alc mcp`: the MCP server over stdio (default) or Streamable HTTP.

#include <string>

#include "cli/cli_runtime.hpp"
#include "cli/responders/model_responder.hpp"

namespace alc::cli {

struct mcp_options {
  bool answer_with_client = false;           ///< --answer-with-client
  std::string log_dir;                       ///< --log-dir
  std::string wait_limit;                    ///< --wait-limit, e.g. 10min
  std::string responder;                     ///< --responder: the server answers prompts itself
  model_flags model;                         ///< --model, --base-url ... for a model responder
  bool http = false;                         ///< --http: Streamable HTTP instead of stdio
  std::string host = "127.0.0.1";            ///< --host
  int port = 8765;                           ///< --port (0: any free port, printed on stderr)
  std::vector<std::string> allowed_origins;  ///< --allow-origin
};

/// Runs the server until stdin ends (stdio) or SIGINT/SIGTERM (HTTP).
/// Returns the exit status.
int run_mcp(const runtime_flags& flags, const mcp_options& options);

}  // namespace alc::cli
