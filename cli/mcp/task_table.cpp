#include "cli/mcp/task_table.hpp"

#include <cstdio>
#include <ctime>
#include <utility>

namespace alc::cli::mcp {

namespace {
const char* const related_task_key = "io.modelcontextprotocol/related-task";
}  // namespace

bool is_terminal_task_status(std::string_view status) {
  return status == "completed" || status == "failed" || status == "cancelled";
}

std::string iso_time(int64_t unix_ms) {
  const auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &parts);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", date, static_cast<int>(unix_ms % 1000));
  return out;
}

json task_table::describe(const task_record& task) const {
  json out = {{"taskId", task.id},
              {"status", task.status},
              {"createdAt", iso_time(task.created_at)},
              {"lastUpdatedAt", iso_time(task.updated_at)},
              {"ttl", task.ttl},
              {"pollInterval", poll_interval_ms_}};
  if (task.status_message) out["statusMessage"] = *task.status_message;
  return out;
}

const task_record& task_table::create(const std::string& id, uint64_t connection, int64_t now,
                                      int64_t ttl) {
  task_record task;
  task.id = id;
  task.connection = connection;
  task.created_at = task.updated_at = now;
  task.ttl = ttl;
  return tasks_[id] = std::move(task);
}

task_record* task_table::find(const std::string& id, uint64_t connection) {
  const auto it = tasks_.find(id);
  if (it == tasks_.end() || it->second.connection != connection) return nullptr;
  return &it->second;
}

bool task_table::live(const std::string& id) const {
  const auto it = tasks_.find(id);
  return it != tasks_.end() && !is_terminal_task_status(it->second.status);
}

const task_record* task_table::set_status(const std::string& id, const std::string& status,
                                          std::optional<std::string> message, int64_t now) {
  const auto it = tasks_.find(id);
  if (it == tasks_.end() || is_terminal_task_status(it->second.status)) return nullptr;
  auto& task = it->second;
  if (task.status == status && task.status_message == message) return nullptr;
  task.status = status;
  task.status_message = std::move(message);
  task.updated_at = now;
  return &task;
}

task_record* task_table::complete(const std::string& id, json result, const std::string& status,
                                  int64_t now) {
  const auto it = tasks_.find(id);
  if (it == tasks_.end()) return nullptr;
  auto& task = it->second;
  if (!is_terminal_task_status(task.status)) {
    task.status = status;
    task.status_message.reset();
  }
  task.updated_at = now;
  result["_meta"] = {{related_task_key, {{"taskId", id}}}};
  task.result = std::move(result);
  return &task;
}

std::vector<const task_record*> task_table::of_connection(uint64_t connection) const {
  std::vector<const task_record*> out;
  for (const auto& [id, task] : tasks_) {
    if (task.connection == connection) out.push_back(&task);
  }
  return out;
}

std::vector<std::string> task_table::live_of(uint64_t connection) const {
  std::vector<std::string> out;
  for (const auto& [id, task] : tasks_) {
    if (task.connection == connection && !is_terminal_task_status(task.status)) out.push_back(id);
  }
  return out;
}

void task_table::purge(int64_t now) {
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    const auto& task = it->second;
    if (is_terminal_task_status(task.status) && now - task.updated_at > task.ttl) {
      it = tasks_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace alc::cli::mcp
