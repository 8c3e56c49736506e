#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lua_bridge/environment_variables.hpp"
#include "lua_bridge/host_call.hpp"
#include "messages/limits.hpp"
#include "messages/session_event.hpp"

namespace alc {

class budget_meter;
class chunk_cache;
class memory_account;
class preemption_clock;
struct vm_core;

/// Receives the script's `alc.log` and `print` output. `level` is the level
/// as the script gave it (`alc.log("trace", m)` gives "trace"; print and the
/// named forms give error/warn/info/debug); `parse_log_level` reads it, unknown
/// levels as info.
using log_sink = std::function<void(std::string_view level, std::string_view text)>;
/// Receives `alc.progress(step, total, message?)`.
using progress_sink =
    std::function<void(int64_t step, int64_t total, std::optional<std::string_view> message)>;

struct vm_options {
  std::size_t memory_limit = default_memory_limit;
  /// Total time the script may spend executing, summed over slices; zero
  /// means unlimited. Ends `while true do end` with `cpu_limit`.
  std::chrono::milliseconds cpu_limit = default_cpu_limit;
  /// How long a slice may overrun inside a call Lua cannot yield from (a
  /// metamethod, a `table.sort` comparator) before it fails with `cpu_limit`.
  std::chrono::milliseconds non_yieldable_grace{2'000};
  log_sink log;
  progress_sink progress;
  /// What `os.getenv` answers (the host's allow-listed variables); null or
  /// a missing name: nil. Shared and immutable, so a VM copies nothing.
  std::shared_ptr<const environment_variables> environment;
  /// `alc.state` namespace (ctx._ns, or `fork-<i>` for fork children).
  std::string state_namespace = "default";
  /// Shared with the session's fork family (parent and children at every
  /// depth): what they hold together (memory_account); null: no such bound.
  std::shared_ptr<memory_account> family_memory;
  /// Strategies one `alc.fork` call may name (0: no limit).
  std::size_t max_fork_children = 256;
  /// Folders `require` searches: `<root>/name/init.lua`, `<root>/name/sub.lua`.
  std::vector<std::string> package_paths;
  /// Shared by all VMs of a runtime; a VM without one compiles every time.
  std::shared_ptr<chunk_cache> chunks;
  /// Shared by all VMs of a runtime; a VM without one is never preempted.
  std::shared_ptr<preemption_clock> clock;
  /// Checked before every LLM query is issued; null means no budget.
  std::shared_ptr<budget_meter> budget;
  /// Chunk name in error messages: `script:3: boom`.
  std::string chunk_name = "script";
};

/// Why a VM could not be created (the script does not compile, say).
struct vm_error {
  failure_kind kind = failure_kind::lua_error;
  std::string message;
};

/// One sandboxed Lua VM running one script for one session. Single-threaded
/// and free of CAF: the owner drives it with `step`, answers host calls with
/// `answer_*`, and may destroy it at any time (paused, preempted, spinning
/// between slices).
class script_vm {
 public:
  /// Only `create` constructs (through make_unique).
  class passkey {
    friend class script_vm;
    passkey() = default;
  };

  /// Compiles `code` as a function body with `ctx` (a JSON object) as the
  /// global `ctx`. Returns null and fills `error` when it cannot.
  static std::unique_ptr<script_vm> create(std::string_view code, const nlohmann::json& ctx,
                                           vm_options options, vm_error& error);
  script_vm(passkey, std::unique_ptr<vm_core> core);
  ~script_vm();
  script_vm(const script_vm&) = delete;
  script_vm& operator=(const script_vm&) = delete;

  /// Runs the script for at most about `slice` (longer only while it sits in
  /// a non-yieldable C call). Must not be called while a host call is pending
  /// or after a terminal result.
  step_result step(std::chrono::microseconds slice);

  /// Answers the pending llm_call: one response per query, in query order.
  void answer_llm(std::vector<std::string> responses);
  /// Answers a pending llm_call of exactly one query.
  void answer_llm_single(std::string response);
  /// Answers the pending state_call, card_call or fork_call with a value (converted to Lua).
  void answer_value(nlohmann::json value);
  /// Makes the pending host call raise a Lua error with `message`.
  void answer_error(std::string message);

  /// Reserves `count` query ids (`q-<first>` ...) so ids the owner makes up
  /// (for a fork's merged pause) never repeat the script's own.
  uint64_t reserve_query_ids(std::size_t count);

  /// Bytes the Lua state has allocated and not freed.
  std::size_t memory_used() const;
  /// Bytes this VM holds from the system (freed objects kept for reuse
  /// included): what the memory limit applies to.
  std::size_t memory_held() const;
  /// Time spent executing so far (coarse, per slice).
  std::chrono::microseconds cpu_used() const;

 private:
  step_result finish_slice(int status, int results);
  step_result end_with(step_result result);
  std::string error_report();

  std::unique_ptr<vm_core> core_;
};

}  // namespace alc
