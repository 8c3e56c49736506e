#pragma once
// MCP Tasks as the server keeps them: one record per task-augmented call,
// its status as its session moves (working, input_required, completed,
// failed, cancelled), its result once it ended, and the tasks/result
// requests waiting for it. Pure bookkeeping: the hub sends what it returns.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/mcp/jsonrpc.hpp"

namespace alc::cli::mcp {

/// completed, failed, cancelled.
bool is_terminal_task_status(std::string_view status);

/// ISO 8601 in UTC with milliseconds (`2026-12-02T06:03:32.123Z`), as Task timestamps are written.
std::string iso_time(int64_t unix_ms);

struct task_record {
  std::string id;
  uint64_t connection = 0;
  std::string status = "working";
  std::optional<std::string> status_message;
  int64_t created_at = 0;  ///< unix ms
  int64_t updated_at = 0;
  int64_t ttl = 0;                   ///< ms the task is kept after its last change
  std::optional<json> result;        ///< the CallToolResult, once terminal
  std::vector<json> result_waiters;  ///< ids of tasks/result requests on `connection`
};

class task_table {
 public:
  explicit task_table(int64_t poll_interval_ms) : poll_interval_ms_(poll_interval_ms) {}

  /// The Task object of MCP (tasks/get's result, CreateTaskResult's `task`).
  json describe(const task_record& task) const;

  const task_record& create(const std::string& id, uint64_t connection, int64_t now, int64_t ttl);
  /// The task, if it exists and belongs to `connection`.
  task_record* find(const std::string& id, uint64_t connection);
  /// Whether the task exists and has not ended.
  bool live(const std::string& id) const;

  /// A live task's new status; the task when it changed (to tell the client).
  const task_record* set_status(const std::string& id, const std::string& status,
                                std::optional<std::string> message, int64_t now);
  /// Records the result (with its related-task `_meta`) and the final
  /// status, unless one was set already (a cancel); the task, or null.
  task_record* complete(const std::string& id, json result, const std::string& status, int64_t now);

  std::vector<const task_record*> of_connection(uint64_t connection) const;
  /// Ids of the live tasks of `connection`.
  std::vector<std::string> live_of(uint64_t connection) const;
  /// Forgets ended tasks whose ttl passed since their last change.
  void purge(int64_t now);

 private:
  int64_t poll_interval_ms_;
  std::map<std::string, task_record> tasks_;
};

}  // namespace alc::cli::mcp
