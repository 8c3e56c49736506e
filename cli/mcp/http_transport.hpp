#pragma once
// MCP's Streamable HTTP transport (revision 2025-11-25, and the
// 2025-03-26/2025-06-18 forms the SDK uses) in front of the hub: one
// endpoint, `/mcp`. POST carries one client message; a request is answered
// on an SSE stream (or as JSON when the client accepts only that) that
// also carries the notifications and requests belonging to it. GET opens
// the standalone stream; DELETE ends a session (Mcp-Session-Id).

#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "cli/mcp/outbound.hpp"

namespace alc::cli::mcp {

struct http_options {
  std::string host = "127.0.0.1";
  int port = 8765;  ///< 0: any free port
  /// Origins accepted besides http(s)://localhost and 127.0.0.1 (DNS rebinding guard).
  std::vector<std::string> allowed_origins;
};

/// Serves until SIGINT or SIGTERM; prints `alc mcp: listening on URL` on
/// stderr once it accepts connections. Returns the exit status.
int serve_http(caf::actor_system& system, const caf::actor& hub,
               const std::shared_ptr<connection_table>& table, const http_options& options);

}  // namespace alc::cli::mcp
