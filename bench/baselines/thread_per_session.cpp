#include "bench/baselines/thread_per_session.hpp"

#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include <lua.hpp>

#include "bench/baselines/raw_lua.hpp"
#include "bench/bench_support.hpp"
#include "bench/workloads.hpp"

namespace alc_bench {
namespace {

const char answer_text[] = "ok";

/// Starts `body` on a thread that is detached from its creation. Detaching
/// a std::thread after it started races the thread's exit: a short session
/// can be over, its stack (which holds the thread's descriptor) given back,
/// while pthread_detach still reads the descriptor. Seen as a SIGSEGV in
/// pthread_detach in about 1 of 20 `--quick` runs under load.
/// Throws std::system_error when the system refuses the thread.
void start_detached(std::function<void()> body) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  auto owned = std::make_unique<std::function<void()>>(std::move(body));
  pthread_t thread;
  const int error = pthread_create(
      &thread, &attr,
      [](void* arg) -> void* {
        const std::unique_ptr<std::function<void()>> run(static_cast<std::function<void()>*>(arg));
        (*run)();
        return nullptr;
      },
      owned.get());
  pthread_attr_destroy(&attr);
  if (error != 0) throw std::system_error(error, std::generic_category(), "pthread_create");
  owned.release();  // the thread owns it now
}

struct host;

/// One session's hand-off point: the thread waits here for its answer.
struct session_slot {
  host* owner = nullptr;
  std::mutex mutex;
  std::condition_variable answered_cv;
  bool answered = false;
  bool stop = false;        ///< the answer is "stop": the call raises an error
  std::string prompt;       ///< what the host receives
  int64_t answered_at = 0;  ///< when the host answered the previous call
};

/// The host side: the queue of posted calls and, unless `manual`, a
/// responder thread answering each one at once.
struct host {
  std::mutex mutex;
  std::condition_variable posted_cv;  ///< a call was posted
  std::deque<session_slot*> queue;
  std::size_t posted = 0;
  std::vector<float> resume_us;
  bool stopping = false;
  bool manual = false;  ///< calls are held for the caller to answer
  std::thread responder;

  explicit host(bool manual_answers) : manual(manual_answers) {
    if (!manual) responder = std::thread([this] { respond(); });
  }
  ~host() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    posted_cv.notify_all();
    if (responder.joinable()) responder.join();
  }

  static void answer(session_slot* slot, bool stop) {
    // Notified under the lock: the slot lives on the session's stack and
    // may be gone as soon as the session sees the answer.
    std::lock_guard<std::mutex> lock(slot->mutex);
    slot->answered = true;
    slot->stop = stop;
    slot->answered_at = now_ns();
    slot->answered_cv.notify_one();
  }

  void respond() {
    std::deque<session_slot*> batch;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex);
        posted_cv.wait(lock, [this] { return !queue.empty() || stopping; });
        if (queue.empty()) return;
        batch.swap(queue);
      }
      for (session_slot* slot : batch) answer(slot, false);
      batch.clear();
    }
  }

  /// Called by a session thread: post the call, block until answered.
  /// Returns true when the answer is "stop". No Lua call in here.
  bool post_and_wait(session_slot* slot, const char* prompt, std::size_t len) noexcept {
    slot->prompt.assign(prompt, len);
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (slot->answered_at != 0) {
        resume_us.push_back(static_cast<float>((now_ns() - slot->answered_at) / 1000.0));
      }
      queue.push_back(slot);
      ++posted;
    }
    posted_cv.notify_all();
    std::unique_lock<std::mutex> lock(slot->mutex);
    slot->answered_cv.wait(lock, [slot] { return slot->answered; });
    slot->answered = false;
    return slot->stop;
  }

  /// Waits (manual mode) until `count` calls in total have been posted.
  void wait_posted(std::size_t count) {
    std::unique_lock<std::mutex> lock(mutex);
    posted_cv.wait(lock, [&] { return posted >= count; });
  }
};

/// `alc.llm` of a thread-per-session session: a blocking hand-off.
int tps_llm(lua_State* L) {
  auto* slot = static_cast<session_slot*>(lua_touserdata(L, lua_upvalueindex(1)));
  std::size_t len = 0;
  const char* prompt = luaL_checklstring(L, 1, &len);
  if (slot->owner->post_and_wait(slot, prompt, len)) return luaL_error(L, "stopped by the host");
  lua_pushlstring(L, answer_text, sizeof answer_text - 1);
  return 1;
}

/// Counts live session threads; the launcher waits for room or for zero.
struct launcher {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t live = 0;
  std::size_t finished = 0;
  std::size_t failures = 0;
  std::vector<float> latency_us;

  /// Waits until fewer than `limit` sessions are live, then counts one more.
  void acquire(std::size_t limit) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return live < limit; });
    ++live;
  }
  void release_unstarted() {
    std::lock_guard<std::mutex> lock(mutex);
    --live;
    changed.notify_all();
  }
  void finish(bool failed, float latency) {
    std::lock_guard<std::mutex> lock(mutex);
    if (failed) ++failures;
    latency_us.push_back(latency);
    ++finished;
    --live;
    ++progress().done;
    changed.notify_all();  // under the lock: the launcher may return at once
  }
  void wait_all() {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return live == 0; });
  }
};

/// The body of one session thread.
void session_main(const lua_chunk* chunk, host* h, launcher* l, int64_t spawned_at) {
  session_slot slot;
  slot.owner = h;
  lua_State* L = new_lua_session(*chunk, tps_llm, &slot);
  const bool failed = lua_pcall(L, 0, 1, 0) != LUA_OK;
  lua_close(L);
  l->finish(failed, static_cast<float>((now_ns() - spawned_at) / 1000.0));
}

/// Starts one detached session thread; false (with `error`) if refused.
bool start_session(const lua_chunk& chunk, host& h, launcher& l, std::string& error) {
  const int64_t spawned_at = now_ns();
  try {
    start_detached([&chunk, &h, &l, spawned_at] { session_main(&chunk, &h, &l, spawned_at); });
    return true;
  } catch (const std::system_error& e) {
    error = e.what();
    return false;
  }
}

/// Threads started and left blocked at their first call (`h` is manual).
struct held_threads {
  std::size_t started = 0;
  run_status status = run_status::ok;
  std::string note;
};

/// Starts `count` session threads of `chunk` on a manual host; stops early
/// when thread creation is refused. `count_progress`: one progress unit each.
held_threads start_held(const lua_chunk& chunk, host& h, launcher& l, std::size_t count,
                        bool count_progress) {
  held_threads held;
  for (; held.started < count; ++held.started) {
    l.acquire(count);
    std::string error;
    if (!start_session(chunk, h, l, error)) {
      l.release_unstarted();
      held.status = run_status::failed;
      held.note =
          "thread creation refused after " + std::to_string(held.started) + " threads: " + error;
      break;
    }
    if (count_progress) ++progress().done;
  }
  h.wait_posted(held.started);
  return held;
}

/// Answers every waiting call with "stop" and waits for the threads to end.
void stop_held(host& h, launcher& l) {
  {
    std::lock_guard<std::mutex> lock(h.mutex);
    for (session_slot* slot : h.queue) host::answer(slot, true);
    h.queue.clear();
  }
  l.wait_all();
}

}  // namespace

std::size_t tps_thread_limit() {
  long limit = proc_long("/proc/sys/kernel/pid_max", 32768);
  limit = std::min(limit, proc_long("/proc/sys/kernel/threads-max", limit));
  limit = std::min(limit, proc_long("/proc/sys/vm/max_map_count", 65530) / 2);
  rlimit nproc{};
  if (getrlimit(RLIMIT_NPROC, &nproc) == 0 && nproc.rlim_cur != RLIM_INFINITY) {
    limit = std::min(limit, static_cast<long>(nproc.rlim_cur));
  }
  return static_cast<std::size_t>(std::max(1L, limit));
}

tps_run_result run_tps_sessions(const std::string& code, std::size_t sessions,
                                std::size_t in_flight) {
  const lua_chunk chunk = compile_chunk(code);
  tps_run_result r;
  launcher l;
  l.latency_us.reserve(sessions);
  {
    host h(false);
    const auto start = clock_type::now();
    for (std::size_t i = 0; i < sessions; ++i) {
      l.acquire(in_flight);
      std::string error;
      if (!start_session(chunk, h, l, error)) {
        l.release_unstarted();
        r.status = run_status::failed;
        r.note = "thread creation refused after " + std::to_string(i) + " sessions (" +
                 std::to_string(l.live) + " live): " + error;
        break;
      }
    }
    l.wait_all();
    r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    std::lock_guard<std::mutex> lock(h.mutex);
    r.llm_calls = h.posted;
    r.resume_us = std::move(h.resume_us);
  }
  r.sessions = l.finished;
  r.failures = l.failures;
  r.latency_us = std::move(l.latency_us);
  return r;
}

tps_probe_result tps_resume_probe(std::size_t held, std::size_t probes) {
  const lua_chunk chunk = compile_chunk(endless_llm_script);
  tps_probe_result r;
  launcher l;
  host h(true);
  const held_threads started = start_held(chunk, h, l, held, false);
  r.status = started.status;
  r.note = started.note;
  r.held = started.started;
  if (r.status == run_status::ok) {
    r.resume_us.reserve(probes);
    for (std::size_t p = 0; p < probes; ++p) {
      session_slot* slot = nullptr;
      std::size_t posted = 0;
      {
        std::lock_guard<std::mutex> lock(h.mutex);
        slot = h.queue.front();  // the longest waiting: round robin
        h.queue.pop_front();
        posted = h.posted;
      }
      const int64_t t0 = now_ns();
      host::answer(slot, false);
      h.wait_posted(posted + 1);
      r.resume_us.push_back(static_cast<float>((now_ns() - t0) / 1000.0));
      ++progress().done;
    }
  }
  stop_held(h, l);
  return r;
}

tps_memory_result tps_paused_memory(const std::string& code, std::size_t count) {
  const lua_chunk chunk = compile_chunk(code);
  tps_memory_result r;
  launcher l;
  host h(true);
  release_free_memory();
  const std::size_t rss_before = rss_bytes();
  const std::size_t kstack_before = meminfo_bytes("KernelStack");
  const held_threads started = start_held(chunk, h, l, count, true);
  r.status = started.status;
  r.note = started.note;
  r.held = started.started;
  const std::size_t rss_after = rss_bytes();
  const std::size_t kstack_after = meminfo_bytes("KernelStack");
  r.rss_delta = rss_after > rss_before ? rss_after - rss_before : 0;
  r.kernel_stack_delta = kstack_after > kstack_before ? kstack_after - kstack_before : 0;
  stop_held(h, l);
  return r;
}

namespace {

struct spinner_control {
  std::mutex mutex;
  std::vector<lua_State*> states;
  bool stopping = false;
};

void stop_hook(lua_State* L, lua_Debug*) {
  luaL_error(L, "stopped");
}

}  // namespace

tps_fairness_result tps_fairness(std::chrono::milliseconds duration,
                                 std::chrono::microseconds interval, int spinners, int cpus) {
  const lua_chunk spin = compile_chunk(spinner_script);
  const lua_chunk trivial = compile_chunk(trivial_script);
  spinner_control control;
  std::vector<std::thread> spinning;
  for (int i = 0; i < spinners; ++i) {
    spinning.emplace_back([&] {
      lua_State* L = new_lua_session(spin, tps_llm, nullptr);
      {
        std::lock_guard<std::mutex> lock(control.mutex);
        // The hook may be set asynchronously (the one Lua call that may).
        if (control.stopping) lua_sethook(L, stop_hook, LUA_MASKCOUNT, 1);
        control.states.push_back(L);
      }
      lua_pcall(L, 0, 0, 0);
      {
        std::lock_guard<std::mutex> lock(control.mutex);
        control.states.erase(std::find(control.states.begin(), control.states.end(), L));
      }
      lua_close(L);
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds{50});  // let them spin

  tps_fairness_result r;
  launcher l;
  const double cpu_before = process_cpu_seconds();
  const auto start = clock_type::now();
  const auto end = start + duration;
  for (std::size_t k = 0;; ++k) {
    const auto scheduled = start + k * interval;
    if (scheduled >= end) break;
    std::this_thread::sleep_until(scheduled);
    const int64_t scheduled_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(scheduled.time_since_epoch()).count();
    l.acquire(static_cast<std::size_t>(-1));
    try {
      start_detached([&trivial, &l, scheduled_ns] {
        lua_State* L = new_lua_session(trivial, tps_llm, nullptr);
        const bool failed = lua_pcall(L, 0, 1, 0) != LUA_OK;
        lua_close(L);
        l.finish(failed, static_cast<float>((now_ns() - scheduled_ns) / 1000.0));
      });
    } catch (const std::system_error&) {
      l.release_unstarted();
    }
  }
  l.wait_all();
  const double wall = std::chrono::duration<double>(clock_type::now() - start).count();
  r.cpu_busy = (process_cpu_seconds() - cpu_before) / (wall * cpus);
  r.latency_us = std::move(l.latency_us);
  {
    std::lock_guard<std::mutex> lock(control.mutex);
    control.stopping = true;
    for (lua_State* L : control.states) lua_sethook(L, stop_hook, LUA_MASKCOUNT, 1);
  }
  for (auto& t : spinning) t.join();
  return r;
}

}  // namespace alc_bench
