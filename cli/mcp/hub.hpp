#pragma once
// The MCP server proper: one actor over one alc runtime that serves every
// connection (the stdio one, or each Streamable HTTP session). Transports
// hand it messages and receive its messages through a connection_table;
// nothing in here blocks, so a long wait (a legacy run until its pause)
// never holds up the reading of the next message.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <alc/alc.hpp>
#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "cli/mcp/outbound.hpp"
#include "cli/mcp/packages.hpp"
#include "cli/mcp/protocol.hpp"
#include "cli/mcp/transcripts.hpp"

namespace alc::cli::mcp {

/// (message_atom, connection, text): one JSON-RPC message from a client.
using message_atom = caf::atom_constant<caf::atom("mcpmsg")>;
/// (hangup_atom, connection) → ok: the connection is gone; its calls end
/// and the sessions they were following are cancelled.
using hangup_atom = caf::atom_constant<caf::atom("mcphangup")>;

struct hub_settings {
  server_identity identity;
  /// Answer prompts through sampling/createMessage when the client can.
  bool answer_with_client = false;
  /// Longest a legacy call waits for its session's pause or end.
  std::chrono::milliseconds wait_limit = std::chrono::minutes{10};
  /// Longest a card or package query session may run.
  std::chrono::milliseconds query_limit = std::chrono::seconds{30};
  /// Least time between two progress notifications of one request.
  std::chrono::milliseconds progress_interval{100};
  std::chrono::milliseconds session_ttl = std::chrono::hours{3};  ///< a task's ttl
  std::size_t preview_chars = 200;                                ///< N of pending_filter "preview"
  package_settings packages;
  log_settings logs;
  std::string state_dir;
  std::string cards_dir;
  /// The server's own answerer (`--responder`): subscribed to every session
  /// a tool starts that the client does not sample, it answers the pauses,
  /// and the legacy tools then answer at the end. Null: none.
  caf::actor answerer;
};

caf::actor spawn_hub(caf::actor_system& system, registry_handle registry,
                     std::shared_ptr<connection_table> connections, hub_settings settings);

}  // namespace alc::cli::mcp
