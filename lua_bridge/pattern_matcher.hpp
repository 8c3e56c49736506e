#pragma once
// Internal to lua_bridge: Lua 5.4's patterns (reference manual §6.4.1) for
// the sandbox's string.find, match, gmatch and gsub (sandbox_string.cpp).
//
// Observably stock Lua's matcher: the same backtracking, so the same
// results, the same recursion limit ("pattern too complex" at 200 nested
// steps) and the same errors raised at the same moment (a malformed tail of
// a pattern is only an error once the matcher reaches it). Unlike stock it
// counts its steps (each item tried, each byte scanned) and asks
// check_slice_deadline every few thousand, so a pattern that backtracks for
// ever ends with cpu_limit. The character classes are the C locale's, the
// one alc runs in.
//
// One deliberate difference: a gmatch iterator that raises inside the
// matcher (a malformed pattern, called again under pcall) keeps the depth
// it had reached, in stock as here, so its 201st call says "pattern too
// complex". Stock's counter then goes negative and its recursion limit is
// gone for good (a C stack overflow); here it stays "pattern too complex".
//
// Trivially destructible on purpose: it lives on the C stack, or in a
// userdata, of calls that raise Lua errors, and a longjmp skips destructors.

#include <cstddef>
#include <type_traits>

#include <lua.hpp>

namespace alc {

class pattern_matcher {
 public:
  /// Both strings must stay alive (on the Lua stack) while the matcher is used;
  /// like every Lua string, each has a '\0' after its end, which the matcher
  /// reads where stock does. `p` is the pattern after a stripped '^' anchor.
  void prepare(lua_State* L, const char* s, std::size_t ls, const char* p, std::size_t lp);
  /// The state a gmatch iterator is resumed in (any thread of the VM).
  void set_state(lua_State* L) { L_ = L; }

  /// The first match at or after `start` (only at `start` when anchored)
  /// whose end is not `not_end`: gmatch and gsub skip an empty match where the
  /// last one ended. Sets `start` to where it begins and returns its end, or
  /// nullptr. Raises the pattern's errors, and cpu_limit past the deadline.
  const char* search(const char*& start, const char* not_end, bool anchored);

  /// Pushes capture `i` of the match [s, e): the whole match when there are
  /// no captures and i == 0. Raises on a bad index or an unfinished capture.
  void push_capture(int i, const char* s, const char* e);
  /// Pushes every capture, or the whole match when there are none and `s`
  /// is not null; returns how many.
  int push_captures(const char* s, const char* e);
  /// Capture `i` as text for a replacement string: its length and *text, or
  /// `position` with the position pushed on the stack instead.
  std::ptrdiff_t capture_text(int i, const char* s, const char* e, const char** text);

  /// Counts `steps` of work done for the match (a replacement's text, say):
  /// every few thousand, raises cpu_limit if the slice's deadline is past.
  void charge(std::ptrdiff_t steps) {
    steps_left_ -= steps;
    if (steps_left_ < 0) look_at_deadline();
  }

  static constexpr std::ptrdiff_t position = -2;  ///< a capture's len: `()`
  static constexpr int max_captures = 32;         ///< stock's LUA_MAXCAPTURES
  static constexpr int max_depth = 200;           ///< stock's MAXCCALLS: "pattern too complex"

 private:
  static constexpr std::ptrdiff_t unfinished = -1;  ///< a capture's len: still open

  struct capture {
    const char* init;
    std::ptrdiff_t len;  ///< a length, or unfinished / position
  };

  // One function per kind of pattern item; each returns where the rest of
  // the pattern matched up to, or nullptr.
  const char* match(const char* s, const char* p);
  const char* class_end(const char* p);
  bool single_match(const char* s, const char* p, const char* ep);
  const char* scan(const char* s, const char* p, const char* ep, bool matching);
  const char* max_expand(const char* s, const char* p, const char* ep);
  const char* min_expand(const char* s, const char* p, const char* ep);
  const char* match_balance(const char* s, const char* p);
  const char* match_frontier(const char* s, const char* p);
  const char* start_capture(const char* s, const char* p, std::ptrdiff_t what);
  const char* end_capture(const char* s, const char* p);
  const char* match_back_reference(const char* s, int digit);
  int check_capture(int digit) const;
  bool single_item_at(const char* p) const;
  const char* search_rest(const char*& start, const char* not_end);
  void look_at_deadline();

  lua_State* L_;
  const char* subject_;
  const char* subject_end_;
  const char* pattern_;
  const char* pattern_end_;
  int depth_left_;             ///< nested match steps still allowed
  int level_;                  ///< captures opened
  std::ptrdiff_t steps_left_;  ///< until the next deadline check
  capture captures_[max_captures];
};

static_assert(std::is_trivially_destructible_v<pattern_matcher>,
              "a Lua error longjmps past the matcher");
static_assert(std::is_trivially_copyable_v<pattern_matcher>, "it lives in a userdata too");

}  // namespace alc
