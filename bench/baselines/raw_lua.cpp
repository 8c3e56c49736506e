#include "bench/baselines/raw_lua.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <lua.hpp>

#include "bench/baselines/lua_libraries.hpp"
#include "bench/bench_support.hpp"

namespace alc_bench {
namespace {

const char answer_text[] = "ok";

int llm_continue(lua_State* L, int, lua_KContext) {
  lua_pushlstring(L, answer_text, sizeof answer_text - 1);
  return 1;
}

thread_local std::string host_prompt;  // what the host receives

void hand_to_host(const char* prompt, std::size_t len) noexcept {
  host_prompt.assign(prompt, len);
}

/// `alc.llm(prompt [, opts])`: copies the prompt to the host and yields; the
/// continuation returns the host's answer.
int raw_llm(lua_State* L) {
  std::size_t len = 0;
  const char* prompt = luaL_checklstring(L, 1, &len);
  hand_to_host(prompt, len);
  return lua_yieldk(L, 0, 0, llm_continue);
}

int write_chunk(lua_State*, const void* p, size_t size, void* ud) {
  static_cast<lua_chunk*>(ud)->bytecode.append(static_cast<const char*>(p), size);
  return 0;
}

}  // namespace

lua_chunk compile_chunk(const std::string& code) {
  lua_chunk c;
  lua_State* L = luaL_newstate();
  if (luaL_loadbuffer(L, code.data(), code.size(), "=script") != LUA_OK) {
    std::fprintf(stderr, "raw baseline: %s\n", lua_tostring(L, -1));
    std::exit(1);
  }
  lua_dump(L, write_chunk, &c, 0);
  lua_close(L);
  return c;
}

lua_State* new_lua_session(const lua_chunk& c, int (*llm)(lua_State*), void* llm_upvalue) {
  lua_State* L = luaL_newstate();
  open_sandbox_libraries(L);
  lua_createtable(L, 0, 0);
  lua_setglobal(L, "ctx");
  lua_createtable(L, 0, 1);
  if (llm_upvalue != nullptr) {
    lua_pushlightuserdata(L, llm_upvalue);
    lua_pushcclosure(L, llm, 1);
  } else {
    lua_pushcfunction(L, llm);
  }
  lua_setfield(L, -2, "llm");
  lua_setglobal(L, "alc");
  if (luaL_loadbuffer(L, c.bytecode.data(), c.bytecode.size(), "=script") != LUA_OK) {
    std::fprintf(stderr, "raw baseline: %s\n", lua_tostring(L, -1));
    std::exit(1);
  }
  return L;
}

raw_run_result run_raw_sessions(const std::string& code, std::size_t sessions, int threads) {
  const lua_chunk c = compile_chunk(code);
  std::atomic<std::size_t> failures{0};
  std::atomic<std::size_t> llm_calls{0};
  std::vector<std::thread> workers;
  const auto start = clock_type::now();
  for (int t = 0; t < threads; ++t) {
    const std::size_t share = sessions / static_cast<std::size_t>(threads) +
                              (static_cast<std::size_t>(t) < sessions % threads ? 1 : 0);
    workers.emplace_back([&c, share, &failures, &llm_calls] {
      std::size_t calls = 0;
      std::size_t failed = 0;
      for (std::size_t i = 0; i < share; ++i) {
        lua_State* L = new_lua_session(c, raw_llm, nullptr);
        int results = 0;
        int status = lua_resume(L, nullptr, 0, &results);
        while (status == LUA_YIELD) {
          ++calls;
          lua_pop(L, results);
          status = lua_resume(L, nullptr, 0, &results);
        }
        if (status != LUA_OK) ++failed;
        lua_close(L);
        if ((i & 63) == 63) progress().done += 64;
      }
      progress().done += share & 63;
      failures += failed;
      llm_calls += calls;
    });
  }
  for (auto& w : workers) w.join();
  raw_run_result r;
  r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  r.sessions = sessions;
  r.failures = failures;
  r.llm_calls = llm_calls;
  return r;
}

raw_memory_result raw_paused_memory(const std::string& code, std::size_t count) {
  const lua_chunk c = compile_chunk(code);
  std::vector<lua_State*> held;
  held.reserve(count);
  release_free_memory();
  const std::size_t before = rss_bytes();
  for (std::size_t i = 0; i < count; ++i) {
    lua_State* L = new_lua_session(c, raw_llm, nullptr);
    int results = 0;
    if (lua_resume(L, nullptr, 0, &results) != LUA_YIELD) {
      std::fprintf(stderr, "raw baseline: the paused script did not pause\n");
      std::exit(1);
    }
    held.push_back(L);
    ++progress().done;
  }
  raw_memory_result r;
  r.held = held.size();
  const std::size_t after = rss_bytes();
  r.rss_delta = after > before ? after - before : 0;
  for (lua_State* L : held) lua_close(L);
  return r;
}

}  // namespace alc_bench
