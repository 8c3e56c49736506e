#pragma once
// Baseline (i): the raw Lua C API doing each session's work in a plain loop,
// the physical limit. Per session: luaL_newstate, the same seven libraries
// alc opens, a `ctx` table and an `alc.llm` C function, the script loaded
// from bytecode compiled once (alc caches bytecode too), run with
// lua_resume, every llm call a lua_yield answered at once by the loop, then
// lua_close.

#include <cstddef>
#include <string>

struct lua_State;

namespace alc_bench {

/// A script compiled once to bytecode.
struct lua_chunk {
  std::string bytecode;
};
lua_chunk compile_chunk(const std::string& code);
/// luaL_newstate + the seven libraries alc's sandbox opens (base, coroutine,
/// table, string, math, utf8, os) + an empty `ctx` + the chunk loaded on the
/// stack. `llm` (a C function) becomes `alc.llm`, with `llm_upvalue` as its
/// light-userdata upvalue when not null.
lua_State* new_lua_session(const lua_chunk& chunk, int (*llm)(lua_State*), void* llm_upvalue);

struct raw_run_result {
  double seconds = 0;
  std::size_t sessions = 0;
  std::size_t failures = 0;
  std::size_t llm_calls = 0;
};

/// Runs `sessions` sessions of `code`, split over `threads` threads.
raw_run_result run_raw_sessions(const std::string& code, std::size_t sessions, int threads);

struct raw_memory_result {
  std::size_t held = 0;
  std::size_t rss_delta = 0;
};

/// Holds `count` states paused at their first llm yield and measures the
/// resident memory they add.
raw_memory_result raw_paused_memory(const std::string& code, std::size_t count);

}  // namespace alc_bench
