#pragma once
// Where the server's messages go. The hub writes each message to its
// connection's channel with the route it belongs to: stdio has one channel
// and ignores routes; Streamable HTTP puts a message on the stream of the
// request it belongs to (or of the task), else on the standalone stream.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "cli/mcp/jsonrpc.hpp"

namespace alc::cli::mcp {

struct route {
  json request_id;      ///< the client request this message belongs to (null: none)
  std::string task_id;  ///< the task it belongs to (empty: none)
  bool final = false;   ///< the response to `request_id`: its stream ends after it
};

class outbound_channel {
 public:
  virtual ~outbound_channel() = default;
  /// One JSON-RPC message. Called from CAF threads; must not block for long.
  virtual void send(std::string message, const route& where) = 0;
};

/// The live connections by id, shared by the hub and the transports.
class connection_table {
 public:
  void add(uint64_t id, std::shared_ptr<outbound_channel> channel) {
    std::lock_guard<std::mutex> lock(mutex_);
    channels_[id] = std::move(channel);
  }
  void remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    channels_.erase(id);
  }
  /// Drops the message when the connection is gone.
  void send(uint64_t id, std::string message, const route& where) const {
    std::shared_ptr<outbound_channel> channel;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto it = channels_.find(id);
      if (it == channels_.end()) return;
      channel = it->second;
    }
    channel->send(std::move(message), where);
  }

 private:
  mutable std::mutex mutex_;
  std::map<uint64_t, std::shared_ptr<outbound_channel>> channels_;
};

}  // namespace alc::cli::mcp
