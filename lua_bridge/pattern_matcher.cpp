// Lua 5.4's pattern items, as the reference manual §6.4.1 defines them, by
// backtracking like stock Lua: the order in which alternatives are tried,
// where the recursion nests and when an error is noticed are all
// observable, so they are kept; the step count is what is added.
#include "lua_bridge/pattern_matcher.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#include "lua_bridge/execution_meter.hpp"

namespace alc {
namespace {

constexpr char escape = '%';
// Steps between two looks at the deadline: a few microseconds of matching,
// so the check (two relaxed loads) costs nothing measurable.
constexpr std::ptrdiff_t steps_per_check = 4096;

unsigned char byte(char c) {
  return static_cast<unsigned char>(c);
}

// The classes of %a ... %x: stock asks isalpha and friends, which answer
// for the process locale; alc's processes keep the C locale (nothing in alc
// calls setlocale, and os.setlocale is refused), so these are its classes,
// looked up without a call per character.
enum class_bit : uint16_t {
  alpha = 1 << 0,
  cntrl = 1 << 1,
  digit = 1 << 2,
  graph = 1 << 3,
  lower = 1 << 4,
  punct = 1 << 5,
  space = 1 << 6,
  upper = 1 << 7,
  xdigit = 1 << 8,
  zero = 1 << 9,  // %z: deprecated, still in 5.4
};

constexpr uint16_t c_locale_classes(int c) {
  uint16_t bits = 0;
  const bool is_upper = c >= 'A' && c <= 'Z';
  const bool is_lower = c >= 'a' && c <= 'z';
  const bool is_digit = c >= '0' && c <= '9';
  if (is_upper) bits |= upper | alpha;
  if (is_lower) bits |= lower | alpha;
  if (is_digit) bits |= digit;
  if (c < 32 || c == 127) bits |= cntrl;
  if (c > 32 && c < 127) bits |= graph;
  if (c > 32 && c < 127 && !is_upper && !is_lower && !is_digit) bits |= punct;
  if ((c >= '\t' && c <= '\r') || c == ' ') bits |= space;
  if (is_digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) bits |= xdigit;
  if (c == 0) bits |= zero;
  return bits;
}

// What the letter after a '%' stands for: the classes it takes (none: the
// character itself), and whether it is their complement (upper case).
struct class_letter {
  uint16_t classes = 0;
  bool complement = false;
};

constexpr class_letter letter_meaning(int letter) {
  uint16_t classes = 0;
  switch (letter | 0x20) {  // a letter's lower case; no other byte lands on one
    case 'a':
      classes = alpha;
      break;
    case 'c':
      classes = cntrl;
      break;
    case 'd':
      classes = digit;
      break;
    case 'g':
      classes = graph;
      break;
    case 'l':
      classes = lower;
      break;
    case 'p':
      classes = punct;
      break;
    case 's':
      classes = space;
      break;
    case 'u':
      classes = upper;
      break;
    case 'w':
      classes = alpha | digit;
      break;
    case 'x':
      classes = xdigit;
      break;
    case 'z':
      classes = zero;
      break;
    default:
      break;
  }
  return {classes, classes != 0 && (letter & 0x20) == 0};
}

template <typename T, typename F>
constexpr std::array<T, 256> byte_table(F f) {
  std::array<T, 256> table{};
  for (int c = 0; c < 256; ++c) table[static_cast<std::size_t>(c)] = f(c);
  return table;
}

constexpr auto classes_of = byte_table<uint16_t>(c_locale_classes);
constexpr auto letters = byte_table<class_letter>(letter_meaning);

bool in_class(int c, class_letter letter) {
  return ((classes_of[static_cast<std::size_t>(c)] & letter.classes) != 0) != letter.complement;
}

// %x: a class, or the character x itself.
bool match_class(int c, int letter) {
  const class_letter meaning = letters[static_cast<std::size_t>(letter)];
  return meaning.classes == 0 ? letter == c : in_class(c, meaning);
}

// [set] from its '[' at `p` to its ']' at `last`.
bool match_set(int c, const char* p, const char* last) {
  bool found = true;
  if (p[1] == '^') {
    found = false;
    ++p;
  }
  while (++p < last) {
    if (*p == escape) {
      ++p;
      if (match_class(c, byte(*p))) return found;
    } else if (p[1] == '-' && p + 2 < last) {
      p += 2;
      if (byte(p[-2]) <= c && c <= byte(*p)) return found;
    } else if (byte(*p) == c) {
      return found;
    }
  }
  return !found;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool allows_none(char suffix) {
  return suffix == '*' || suffix == '?' || suffix == '-';
}

}  // namespace

void pattern_matcher::prepare(lua_State* L, const char* s, std::size_t ls, const char* p,
                              std::size_t lp) {
  L_ = L;
  subject_ = s;
  subject_end_ = s + ls;
  pattern_ = p;
  pattern_end_ = p + lp;
  depth_left_ = max_depth;
  level_ = 0;
  steps_left_ = steps_per_check;
}

void pattern_matcher::look_at_deadline() {
  steps_left_ = steps_per_check;
  check_slice_deadline(L_);
}

const char* pattern_matcher::search(const char*& start, const char* not_end, bool anchored) {
  if (start > subject_end_) return nullptr;
  level_ = 0;
  const char* e = match(start, pattern_);
  if (e != nullptr && e != not_end) return e;
  if (anchored) return nullptr;
  return search_rest(start, not_end);
}

// Whether the pattern item at `p` (not the pattern's end) is one character
// class, perhaps with a suffix: what match's default case handles.
bool pattern_matcher::single_item_at(const char* p) const {
  switch (*p) {
    case '(':
    case ')':
      return false;
    case '$':
      return p + 1 != pattern_end_;
    case escape:
      return !(p[1] == 'b' || p[1] == 'f' || is_digit(p[1]));
    default:
      return true;
  }
}

// The attempts after the first. That one got past the pattern's first item
// without an error, so the item is well formed; when it has to match one
// character, a position where it cannot is one where stock's attempt fails
// at once, with no other effect, and is skipped without one.
const char* pattern_matcher::search_rest(const char*& start, const char* not_end) {
  const char* const p = pattern_;
  const char* s = start;
  const char* ep = nullptr;
  if (p != pattern_end_ && single_item_at(p)) {
    ep = class_end(p);
    if (allows_none(*ep)) ep = nullptr;
  }
  if (ep == nullptr) {
    while (++s <= subject_end_) {
      level_ = 0;
      const char* e = match(s, p);
      if (e != nullptr && e != not_end) {
        start = s;
        return e;
      }
    }
    return nullptr;
  }
  ++s;
  while (s < subject_end_) {  // at the end, one character cannot match
    const char* candidate = scan(s, p, ep, false);
    if (candidate == subject_end_) return nullptr;
    charge(candidate - s);
    level_ = 0;
    const char* e = match(candidate, p);
    if (e != nullptr && e != not_end) {
      start = candidate;
      return e;
    }
    s = candidate + 1;
  }
  return nullptr;
}

// Where the item at `p` ends (at its suffix, if any). A set costs a step per
// byte, here and wherever it is tested: a pattern can be as long as a subject.
const char* pattern_matcher::class_end(const char* p) {
  const char* const item = p;
  switch (*p++) {
    case escape:
      if (p == pattern_end_) luaL_error(L_, "malformed pattern (ends with '%%')");
      return p + 1;
    case '[':
      if (*p == '^') ++p;
      do {  // the first character is in the set even if it is ']'
        if (p == pattern_end_) luaL_error(L_, "malformed pattern (missing ']')");
        if (*p++ == escape && p < pattern_end_) ++p;  // '%]' is in the set
      } while (*p != ']');
      charge(p - item);
      return p + 1;
    default:
      return p;
  }
}

inline bool pattern_matcher::single_match(const char* s, const char* p, const char* ep) {
  if (s >= subject_end_) return false;
  const int c = byte(*s);
  switch (*p) {
    case '.':
      return true;
    case escape:
      return match_class(c, byte(p[1]));
    case '[':
      charge(ep - p);
      return match_set(c, p, ep - 1);
    default:
      return byte(*p) == c;
  }
}

// From `s`, the first character where the item [p, ep) matches (`matching`
// false) or does not (true), else the subject's end: single_match over a
// run, with the item decoded once.
const char* pattern_matcher::scan(const char* s, const char* p, const char* ep, bool matching) {
  const char* const end = subject_end_;
  char literal = *p;
  switch (*p) {
    case '.':
      return matching ? end : s;
    case '[':
      while (s < end && match_set(byte(*s), p, ep - 1) == matching) {
        charge(ep - p);
        ++s;
      }
      return s;
    case escape: {
      const class_letter meaning = letters[byte(p[1])];
      if (meaning.classes != 0) {
        while (s < end && in_class(byte(*s), meaning) == matching) ++s;
        return s;
      }
      literal = p[1];
      break;
    }
    default:
      break;
  }
  if (matching) {
    while (s < end && *s == literal) ++s;
    return s;
  }
  const void* found = std::memchr(s, literal, static_cast<std::size_t>(end - s));
  return found != nullptr ? static_cast<const char*>(found) : end;
}

const char* pattern_matcher::match(const char* s, const char* p) {
  if (depth_left_ == 0) luaL_error(L_, "pattern too complex");
  --depth_left_;
  charge(1);
  // A loop for the items that end in a tail call (each a step): only
  // alternatives recurse.
  for (; p != pattern_end_; charge(1)) {
    switch (*p) {
      case '(':
        s = p[1] == ')' ? start_capture(s, p + 2, position) : start_capture(s, p + 1, unfinished);
        break;
      case ')':
        s = end_capture(s, p + 1);
        break;
      case '$':
        if (p + 1 != pattern_end_) goto single;  // a '$' inside the pattern is itself
        if (s != subject_end_) s = nullptr;
        break;
      case escape:
        if (p[1] == 'b') {
          s = match_balance(s, p + 2);
          if (s == nullptr) break;
          p += 4;
          continue;
        }
        if (p[1] == 'f') {
          p += 2;
          const char* next = match_frontier(s, p);
          if (next == nullptr) {
            s = nullptr;
            break;
          }
          p = next;
          continue;
        }
        if (is_digit(p[1])) {
          s = match_back_reference(s, byte(p[1]));
          if (s == nullptr) break;
          p += 2;
          continue;
        }
        goto single;
      default:
      single : {
        const char* ep = class_end(p);  // at the item's suffix, if any
        if (!single_match(s, p, ep)) {
          if (allows_none(*ep)) {
            p = ep + 1;
            continue;
          }
          s = nullptr;
          break;
        }
        switch (*ep) {
          case '?': {
            const char* with = match(s + 1, ep + 1);
            if (with != nullptr) {
              s = with;
              break;
            }
            p = ep + 1;
            continue;
          }
          case '+':
            s = max_expand(s + 1, p, ep);
            break;
          case '*':
            s = max_expand(s, p, ep);
            break;
          case '-':
            s = min_expand(s, p, ep);
            break;
          default:
            ++s;
            p = ep;
            continue;
        }
        break;
      }
    }
    break;  // every case that does not continue has decided s
  }
  ++depth_left_;
  return s;
}

// The longest run of the item first, giving back one character at a time.
const char* pattern_matcher::max_expand(const char* s, const char* p, const char* ep) {
  std::ptrdiff_t count = scan(s, p, ep, true) - s;
  charge(count);
  for (; count >= 0; --count) {
    const char* e = match(s + count, ep + 1);
    if (e != nullptr) return e;
  }
  return nullptr;
}

// The shortest run first, one more character at a time.
const char* pattern_matcher::min_expand(const char* s, const char* p, const char* ep) {
  for (;;) {
    const char* e = match(s, ep + 1);
    if (e != nullptr) return e;
    if (!single_match(s, p, ep)) return nullptr;
    ++s;
  }
}

// %bxy at `p` (its x).
const char* pattern_matcher::match_balance(const char* s, const char* p) {
  if (p >= pattern_end_ - 1) luaL_error(L_, "malformed pattern (missing arguments to '%%b')");
  if (s >= subject_end_ || *s != *p) return nullptr;
  const char open = p[0];
  const char close = p[1];
  const char* const from = s;
  int depth = 1;
  while (++s < subject_end_) {
    if (*s == close) {
      if (--depth == 0) {
        charge(s - from);
        return s + 1;
      }
    } else if (*s == open) {
      ++depth;
    }
  }
  charge(s - from);
  return nullptr;
}

// %f[set] with `p` at its '['; returns the pattern after the set, or nullptr.
const char* pattern_matcher::match_frontier(const char* s, const char* p) {
  if (*p != '[') luaL_error(L_, "missing '[' after '%%f' in pattern");
  const char* ep = class_end(p);
  // Outside the subject, both ends read as '\0' (stock reads the string's terminator).
  const int previous = s == subject_ ? 0 : byte(s[-1]);
  const int current = s < subject_end_ ? byte(*s) : 0;
  charge(2 * (ep - p));
  if (!match_set(previous, p, ep - 1) && match_set(current, p, ep - 1)) return ep;
  return nullptr;
}

const char* pattern_matcher::start_capture(const char* s, const char* p, std::ptrdiff_t what) {
  if (level_ >= max_captures) luaL_error(L_, "too many captures");
  captures_[level_].init = s;
  captures_[level_].len = what;
  ++level_;
  const char* e = match(s, p);
  if (e == nullptr) --level_;
  return e;
}

const char* pattern_matcher::end_capture(const char* s, const char* p) {
  int open = level_ - 1;
  while (open >= 0 && captures_[open].len != unfinished) --open;
  if (open < 0) luaL_error(L_, "invalid pattern capture");
  captures_[open].len = s - captures_[open].init;
  const char* e = match(s, p);
  if (e == nullptr) captures_[open].len = unfinished;
  return e;
}

int pattern_matcher::check_capture(int digit) const {
  const int i = digit - '1';
  if (i < 0 || i >= level_ || captures_[i].len == unfinished) {
    luaL_error(L_, "invalid capture index %%%d", i + 1);
  }
  return i;
}

// %1 ... %9: the text capture `digit` matched, again (a position never matches).
const char* pattern_matcher::match_back_reference(const char* s, int digit) {
  const capture& c = captures_[check_capture(digit)];
  const auto len = static_cast<std::size_t>(c.len);
  if (static_cast<std::size_t>(subject_end_ - s) < len) return nullptr;
  charge(c.len);
  return std::memcmp(c.init, s, len) == 0 ? s + len : nullptr;
}

std::ptrdiff_t pattern_matcher::capture_text(int i, const char* s, const char* e,
                                             const char** text) {
  if (i >= level_) {
    if (i != 0) luaL_error(L_, "invalid capture index %%%d", i + 1);
    *text = s;
    return e - s;
  }
  const capture& c = captures_[i];
  *text = c.init;
  if (c.len == unfinished) luaL_error(L_, "unfinished capture");
  if (c.len == position) lua_pushinteger(L_, (c.init - subject_) + 1);
  return c.len;
}

void pattern_matcher::push_capture(int i, const char* s, const char* e) {
  const char* text = nullptr;
  const std::ptrdiff_t len = capture_text(i, s, e, &text);
  if (len != position) lua_pushlstring(L_, text, static_cast<std::size_t>(len));
}

int pattern_matcher::push_captures(const char* s, const char* e) {
  const int count = level_ == 0 && s != nullptr ? 1 : level_;
  luaL_checkstack(L_, count, "too many captures");
  for (int i = 0; i < count; ++i) push_capture(i, s, e);
  return count;
}

}  // namespace alc
