// string.find, match, gmatch, gsub and rep are alc's own (sandbox_string.cpp,
// pattern_matcher.cpp). Every case here runs in a script_vm and in a plain
// Lua state with the stock string library, and the two must give the same
// values or the same error text. Then the reason they exist: a match that
// backtracks for ever, or a rep of nothing, ends.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <lua.hpp>

#include "tests/lua_bridge/show_values.hpp"
#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

// Runs each case (a function body) in pcall and shows what it gave.
const std::string harness_prelude = std::string(show_values_lua) + "local cases = {\n";

constexpr const char* harness_run = R"lua(
}
local results = {}
for i, f in ipairs(cases) do results[i] = show(pcall(f)) end
return results
)lua";

// A Lua string literal of any bytes.
std::string lua_literal(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == ' ') {
      out += c;
    } else {
      const char digits[] = {'\\', static_cast<char>('0' + b / 100),
                             static_cast<char>('0' + b / 10 % 10), static_cast<char>('0' + b % 10)};
      out.append(digits, sizeof digits);
    }
  }
  return out + "\"";
}

std::string script_of(const std::vector<std::string>& cases) {
  std::string code = harness_prelude;
  for (const auto& body : cases) code += "function() " + body + " end,\n";
  return code + harness_run;
}

std::vector<std::string> stock_results(const std::string& code) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  std::vector<std::string> out;
  if (luaL_loadbuffer(L, code.data(), code.size(), "=script") != LUA_OK ||
      lua_pcall(L, 0, 1, 0) != LUA_OK) {
    out.push_back(std::string("script error: ") + lua_tostring(L, -1));
  } else {
    const auto n = static_cast<lua_Integer>(luaL_len(L, -1));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, -1, i);
      out.emplace_back(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  }
  lua_close(L);
  return out;
}

std::vector<std::string> alc_results(const vm_harness& harness, const std::string& code) {
  auto vm = harness.make(code);
  const json value = require_done(run_until_blocked(*vm));
  return value.get<std::vector<std::string>>();
}

void require_same_as_stock(const std::vector<std::string>& cases) {
  vm_harness harness;
  const std::string code = script_of(cases);
  const auto stock = stock_results(code);
  const auto ours = alc_results(harness, code);
  INFO(stock.front());
  REQUIRE(stock.size() == cases.size());
  REQUIRE(ours.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i]);
    CHECK(ours[i] == stock[i]);
  }
}

// splitmix64: the same cases on every platform and run.
struct case_random {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  template <typename T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }
};

std::string random_subject(case_random& random, std::size_t longest) {
  static constexpr char bytes[] = "aab bc()12_.%[]-\0\xe9";
  static constexpr std::string_view alphabet(bytes, sizeof bytes - 1);
  std::string s;
  const std::size_t len = random.below(longest + 1);
  for (std::size_t i = 0; i < len; ++i) s += alphabet[random.below(alphabet.size())];
  return s;
}

// Pattern items, well formed or not, and suffixes; few enough of them that
// stock's backtracking stays quick.
std::string random_pattern(case_random& random, std::size_t most_items) {
  static const char* const items[] = {
      "a",    "b",      "c",      " ",     ".",     "%a",   "%d",    "%s",   "%w",     "%p",
      "%A",   "%S",     "%l",     "%u",    "%x",    "%c",   "%g",    "%z",   "%%",     "%.",
      "%(",   "[ab]",   "[^a]",   "[a-c]", "[%d_]", "[]a]", "[^]]",  "[a-]", "[%a%p]", "%b()",
      "%b[]", "%f[%w]", "%f[%W]", "%f[a]", "%1",    "%2",   "%0",    "(",    ")",      "()",
      "(a)",  "(.-)",   "$",      "^",     "-",     "*",    "?",     "+",    "\xe9",   "[",
      "%",    "[a",     "%f",     "%b(",   "%fa",   "[%",   "(%w+)", "%s*",  ".-",     "a*"};
  static const char* const suffixes[] = {"", "", "", "*", "+", "-", "?"};
  std::string p = random.below(5) == 0 ? "^" : "";
  const std::size_t count = 1 + random.below(most_items);
  for (std::size_t i = 0; i < count; ++i) {
    p += random.pick(items);
    p += random.pick(suffixes);
  }
  if (random.below(8) == 0) p += "$";
  return p;
}

std::string random_init(case_random& random) {
  static const char* const inits[] = {"",     "",     "",    ", 1",   ", 2", ", 0",
                                      ", -1", ", -3", ", 9", ", -20", ", 5"};
  return random.pick(inits);
}

std::string random_replacement(case_random& random) {
  static const char* const replacements[] = {
      "\"<%0>\"",
      "\"%1\"",
      "\"%2-%1\"",
      "\"%%\"",
      "\"x\"",
      "\"\"",
      "\"%\"",
      "\"%q\"",
      "7",
      "{a = \"A\", b = false, [\" \"] = 1.5, [1] = \"one\"}",
      "{a = {}}",
      "function(...) return select(\"#\", ...) .. table.concat({...}, \",\") end",
      "function(c) if c == \"a\" then return nil end return c .. c end",
      "function() return false end",
      "function(c) return {} end",
  };
  return random.pick(replacements);
}

/// `count` calls on subjects of up to `longest` bytes and patterns of up to
/// `most_items` items.
std::vector<std::string> generated_cases(uint64_t seed, std::size_t count, std::size_t longest,
                                         std::size_t most_items) {
  case_random random{seed};
  std::vector<std::string> cases;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string s = lua_literal(random_subject(random, longest));
    const std::string p = lua_literal(random_pattern(random, most_items));
    switch (random.below(5)) {
      case 0:
        cases.push_back("return string.find(" + s + ", " + p + random_init(random) +
                        (random.below(6) == 0 ? ", true)" : ")"));
        break;
      case 1:
        cases.push_back("return string.match(" + s + ", " + p + random_init(random) + ")");
        break;
      case 2:
        cases.push_back("return each(string.gmatch(" + s + ", " + p + random_init(random) + "))");
        break;
      default: {
        static const char* const limits[] = {"", "", "", ", 1", ", 2", ", 0", ", -1"};
        cases.push_back("return string.gsub(" + s + ", " + p + ", " + random_replacement(random) +
                        random.pick(limits) + ")");
      }
    }
  }
  return cases;
}

}  // namespace

TEST_CASE("string.find and string.match give what stock Lua 5.4 gives", "[string][parity]") {
  require_same_as_stock({
      // plain text, the fast path
      "return string.find('hello world', 'o w')",
      "return string.find('a.b', '.', 1, true)",
      "return string.find('a.c', '.', 1, 0)",
      "return string.find('a+b', '+', 1, true)",
      "return string.find('abc', '[', 1, true)",
      "return string.find('^a', '^a', 1, true)",
      "return string.find('abc', '')",
      "return string.find('abc', '', 3)",
      "return string.find('abc', '', 4)",
      "return string.find('abc', '', 5)",
      "return string.find('', '')",
      "return string.find('', 'a')",
      "return string.find('abc', 'c', -1)",
      "return string.find('abc', 'a', -10)",
      "return string.find('abc', 'b', 0)",
      "return string.find('abc', 'abcd')",
      "return string.find('a\\0b', '\\0')",
      "return string.find('a\\0b\\0c', 'b\\0c')",
      "return string.find('a\\0b', '\\0*')",
      "return string.find('abab', 'ab', 2)",
      "return string.find('abc', 'b', 2.0)",
      "return string.find('abc', 'b', '2')",
      "return string.find('abc', 'b', math.mininteger)",
      "return string.find('abc', 'b', math.maxinteger)",
      "return string.find(12345, 34)",
      "return string.find(1.5, '.', 1, true)",
      "return string.find('abc', 'b', nil, nil)",
      // anchors
      "return string.find('abc', '^b')",
      "return string.find('abc', '^a')",
      "return string.find('abc', '^b', 2)",
      "return string.find('abc', '^', 4)",
      "return string.find('abc', 'c$')",
      "return string.find('ab$c', 'b$c')",
      "return string.find('abc', '$')",
      "return string.find('', '^$')",
      "return string.find('a^b', 'a^b')",
      "return string.match('abc', '^(a)(b)')",
      "return string.match('x^', '^^')",
      "return string.match('^x', '^^')",
      // captures
      "return string.find('hello', '(l)(l)')",
      "return string.find('hello', '()ll()')",
      "return string.match('hello', '(h)(e)(l)')",
      "return string.match('key = value', '(%w+)%s*=%s*(%w+)')",
      "return string.match('abc', '()')",
      "return string.match('abc', '()', 4)",
      "return string.match('abc', '(a)(b)(c)(.?)')",
      "return string.match('abc', '((a)(b))')",
      "return string.match('  trim me  ', '^%s*(.-)%s*$')",
      "return string.match('[[x]]', '%[(.*)%]')",
      "return string.match('2024-06-13', '(%d+)-(%d+)-(%d+)')",
      "return string.match(string.rep('a', 32), string.rep('(a)', 32))",
      "return string.match(string.rep('a', 33), string.rep('(a)', 33))",
      "return string.match('a', '(a')",
      "return string.find('a', '(a')",
      "return string.match('a', '(()')",
      "return string.match('a', 'a)')",
      "return string.match('a', ')')",
      "return string.match('', '()')",
      // back references
      "return string.match('say \"hi\" ok', '([\"\\'])(.-)%1')",
      "return string.find('aa', '(a)%1')",
      "return string.find('ab', '(a)%1')",
      "return string.find('a', '%1')",
      "return string.find('a', '(a%1)')",
      "return string.match('abab', '(ab)%1')",
      "return string.find('a', '(a)%0')",
      "return string.find('a', '()%1')",
      "return string.find('aa', '(a)%2')",
      "return string.find('a', '(a)%9')",
      // %b and %f
      "return string.find('x(a(b)c)y', '%b()')",
      "return string.match('((a)', '%b()')",
      "return string.match('[[x]]', '%b[]')",
      "return string.match('x)(', '%b)(')",
      "return string.find('abc', '%b')",
      "return string.find('abc', '%ba')",
      "return string.find('', '%b')",
      "return string.find('abc', 'x%b')",
      "return string.find('THE (quick) fox', '%f[%a]%a+')",
      "return string.find('abc', '%f[%l]')",
      "return string.find('abc', '%f[%l]', 2)",
      "return string.find('ab', '%f[%z]')",
      "return string.find('ab', '%f[%Z]')",
      "return string.find('ab', '%f[^%z]', 2)",
      "return string.match('hello world', '%f[%w]%w+$')",
      "return string.find('abc', '%fa')",
      "return string.find('abc', '%f')",
      "return string.find('abc', '%f[a')",
      "return string.find('', '%f[a')",
      // quantifiers
      "return string.match('aaa', 'a-b')",
      "return string.match('aaab', 'a-b')",
      "return string.match('aaa', '^a-$')",
      "return string.match('', 'a*')",
      "return string.match('aaa', 'a+?')",
      "return string.match('ab?', 'b?')",
      "return string.match('abc', 'a?b?c?d?')",
      "return string.match('aaa', '(a*)(a+)')",
      "return string.match('aaa', '(a-)(a+)')",
      "return string.match('abc', '.*')",
      "return string.match('abc', '.-')",
      "return string.match('abc', '.-$')",
      "return string.match('a\\nb', '.+')",
      "return string.match('*a', '*a')",
      "return string.match('a-b', 'a%-b')",
      "return string.match(string.rep('a', 300), string.rep('a?', 300))",
      "return string.match(string.rep('a', 150), string.rep('a?', 150))",
      "return string.match(string.rep('a', 198), string.rep('(a)', 20) .. string.rep('a?', 170))",
      // sets and classes
      "return string.match('x]y', '[]]')",
      "return string.match('x]y', '[^]]+')",
      "return string.match('a-b', '[a-]+')",
      "return string.match('-a', '[-a]+')",
      "return string.match('z', '[z-a]')",
      "return string.match('%', '[%%]')",
      "return string.match('a', '[a')",
      "return string.match('a', '[^')",
      "return string.match('a', '[')",
      "return string.match('a', '[%')",
      "return string.match('a', '[%]')",
      "return string.match('a', '[a%')",
      "return string.match('a', 'a%')",
      "return string.match('a', '%')",
      "return string.match('', 'a%')",
      "return string.match('b', 'a%')",
      "return string.match('a.b', '%.')",
      "return string.match('\\0', '[\\0]')",
      "return string.match('\\0x', '%z+')",
      "return string.match('\\200\\255', '[\\200-\\255]+')",
      // arguments
      "return string.find()",
      "return string.find('a')",
      "return string.find(nil, 'a')",
      "return string.find({}, 'a')",
      "return string.find('a', {})",
      "return string.find('abc', 'b', 2.5)",
      "return string.find('abc', 'b', 'x')",
      "return string.find('abc', 'b', {})",
      "return string.match()",
      "return string.match('abc', 'b', 1.5)",
      "return pcall(string.find)",
      "return pcall(string.match, 'a', nil)",
      "return ('abc'):find('b')",
      "return ('abc'):find(nil)",
      "return ('abc'):match('(b)(c)')",
      "return ('abc'):match()",
      "local s = 'abc' return s.find(s, 'c')",
  });
}

TEST_CASE("string.gsub gives what stock Lua 5.4 gives", "[string][parity]") {
  require_same_as_stock({
      // replacement strings
      "return string.gsub('hello world', 'o', '0')",
      "return string.gsub('hello', '', '-')",
      "return string.gsub('abc', '%w', '%0%0')",
      "return string.gsub('abc', '(a)(b)', '%2%1')",
      "return string.gsub('abc', 'b', '%1')",
      "return string.gsub('abc', 'b', '%2')",
      "return string.gsub('abc', '(b)', '%2')",
      "return string.gsub('abc', '(b)', '%0')",
      "return string.gsub('abc', 'b', '%')",
      "return string.gsub('abc', 'b', 'x%')",
      "return string.gsub('abc', 'b', '%x')",
      "return string.gsub('abc', 'b', '%\\0')",
      "return string.gsub('abc', 'b', '%%')",
      "return string.gsub('abc', 'b', '100%%!')",
      "return string.gsub('abc', '()b', '%1')",
      "return string.gsub('abc', '(b', '%1')",
      "return string.gsub('abc', 'x', '%2')",
      "return string.gsub('abc', 'b', 5)",
      "return string.gsub('abc', 'b', 5.5)",
      "return string.gsub('abc', 'b', 2^63)",
      "return string.gsub(123, 2, 9)",
      "return string.gsub('a\\0b', '%z', '<%0>')",
      // the limit
      "return string.gsub('abc', 'b', 'x', 0)",
      "return string.gsub('abc', 'b', 'x', -1)",
      "return string.gsub('abab', 'b', 'x', 1)",
      "return string.gsub('abab', 'b', 'x', 1.0)",
      "return string.gsub('abab', 'b', 'x', 1.5)",
      "return string.gsub('abab', 'b', 'x', '1')",
      "return string.gsub('abab', 'b', 'x', math.maxinteger)",
      "return string.gsub('abab', '(', 'x', 0)",
      "return string.gsub('abab', '', '-', 3)",
      // anchors and empty matches
      "return string.gsub('hello world', '^h', 'H')",
      "return string.gsub('hello', '^', '>')",
      "return string.gsub('hello', '$', '<')",
      "return string.gsub('hello', '^x', '>')",
      "return string.gsub('', '', 'x')",
      "return string.gsub('', '^', 'x')",
      "return string.gsub('abc', '.-', '-')",
      "return string.gsub('abc', 'x*', '-')",
      "return string.gsub('abc', 'b*', '-')",
      "return string.gsub('hello world', '%w+', '%0 %0', 1)",
      "return string.gsub('  a  b  ', '%s+', ' ')",
      "return string.gsub('  a  b  ', '^%s*(.-)%s*$', '%1')",
      "return string.gsub('one two', '(%w+) (%w+)', '%2 %1')",
      "return string.gsub('THE (quick) fox', '%f[%a]%a+', 'W')",
      // tables
      "return string.gsub('$name is $age', '%$(%w+)', {name = 'Bob', age = 42})",
      "return string.gsub('$name is $age', '%$(%w+)', {name = false})",
      "return string.gsub('$name', '%$(%w+)', {name = {}})",
      "return string.gsub('$name', '%$(%w+)', {name = true})",
      "return string.gsub('a b', '%w', {a = 'A'})",
      "return string.gsub('ab', '()', {[1] = 'x', [3] = 'y'})",
      "return string.gsub('ab', '(a', {})",
      "return string.gsub('ab', '%w', setmetatable({}, {__index = function(t, k) "
      "return k:upper() end}))",
      "return string.gsub('ab', '%w', setmetatable({}, {__index = function(t, k) "
      "error('no ' .. k, 0) end}))",
      // functions
      "return string.gsub('abc', '%w', string.upper)",
      "return string.gsub('abc', '(%w)(%w)', function(a, b) return b .. a end)",
      "return string.gsub('abc', '%w', function() end)",
      "return string.gsub('abc', '%w', function() return false end)",
      "return string.gsub('abc', '%w', function() return 1.5 end)",
      "return string.gsub('abc', '%w', function() return {} end)",
      "return string.gsub('abc', '%w', function() return true end)",
      "return string.gsub('abc', '%w', function() error('stop', 0) end)",
      "return string.gsub('abc', '()(%w)()', function(...) return table.concat({...}, ',') end)",
      "return string.gsub('abc', '', function(...) return select('#', ...) end)",
      "return string.gsub('abc', 'b', function(x) return string.gsub(x, 'b', 'B') end)",
      "local n = 0 local s = string.gsub('abcd', '%w', function(c) n = n + 1 "
      "if n % 2 == 0 then return c:upper() end end) return s, n",
      // arguments
      "return string.gsub('a', 'a')",
      "return string.gsub('a', 'a', true)",
      "return string.gsub('a', 'a', nil)",
      "return string.gsub('a', 'a', 'x', {})",
      "return string.gsub('a', 'a', nil, 'x')",
      "return string.gsub(nil, 'a', 'b')",
      "return string.gsub('a', nil, 'b')",
      "return pcall(string.gsub, 'a', 'a')",
      "return ('a,b'):gsub(',', ';')",
      "return ('a,b'):gsub()",
      // longer subjects, past the matcher's deadline checks
      "return string.gsub(string.rep('word  \\t\\n', 3000), '%s+', ' ')",
      "return string.gsub(string.rep('ab', 5000) .. 'c', 'c', 'C')",
      "return string.gsub(string.rep('x(y)', 2000), '%b()', '')",
      "return string.gsub(string.rep('key=val;', 1000), '(%w+)=(%w+)', '%2=%1')",
      "return string.find(string.rep('a', 5000) .. 'b', 'a-b')",
      "return string.find(string.rep('a', 3000), '.-b')",
      "return #string.match(string.rep(' x ', 3000), '^%s*(.-)%s*$')",
  });
}

TEST_CASE("string.gmatch gives what stock Lua 5.4 gives", "[string][parity]") {
  require_same_as_stock({
      "return each(string.gmatch('hello world from lua', '%a+'))",
      "return each(('k=v, a=b'):gmatch('(%w+)=(%w+)'))",
      "return each(string.gmatch('abc', ''))",
      "return each(string.gmatch('abc', 'x*'))",
      "return each(string.gmatch('abc', '()'))",
      "return each(string.gmatch('hello', 'l*'))",
      "return each(string.gmatch('', ''))",
      "return each(string.gmatch('hello world', '%a+', 3))",
      "return each(string.gmatch('hello world', '%a+', -5))",
      "return each(string.gmatch('hello world', '%a+', 0))",
      "return each(string.gmatch('hello world', '%a+', 100))",
      "return each(string.gmatch('hello world', '%a+', -100))",
      "return each(string.gmatch('abc', '', 4))",
      "return each(string.gmatch('abc', '', 5))",
      "return each(string.gmatch('a^b', '^b'))",
      "return each(string.gmatch('abc', '^'))",
      "return each(string.gmatch('abc', '$'))",
      "return each(string.gmatch('abc', 'a%'))",
      "return each(string.gmatch('abc', '(a'))",
      "return each(string.gmatch('abc', '[a'))",
      "return each(string.gmatch('a,b,,c', '([^,]*)'))",
      "return each(string.gmatch('THE (quick) fox', '%f[%a]%a+'))",
      "local it = string.gmatch('aaa', 'a%') local out = {} "
      "for i = 1, 201 do local ok, e = pcall(it) out[#out + 1] = e end "
      "return out[1], out[200], out[201]",
      "local t = {} for w in string.gmatch('one two three', '%a+') do t[#t + 1] = w end "
      "return table.concat(t, '|')",
      "return string.gmatch()",
      "return string.gmatch('a')",
      "return string.gmatch('a', 'a', 1.5)",
      "return string.gmatch('a', 'a', 'x')",
      "return select('#', string.gmatch('abc', 'x')())",
      "return each(string.gmatch(12321, 2))",
  });
}

TEST_CASE("string.rep gives what stock Lua 5.4 gives", "[string][parity]") {
  require_same_as_stock({
      "return string.rep('ab', 3)",
      "return string.rep('ab', 3, ',')",
      "return string.rep('ab', 1, ',')",
      "return string.rep('', 5)",
      "return string.rep('', 5, ',')",
      "return string.rep('', 1, ',')",
      "return string.rep('x', 0)",
      "return string.rep('x', -1, ',')",
      "return string.rep('x', math.mininteger)",
      "return string.rep('x', 2^31)",
      "return string.rep('xy', 2^30)",
      "return string.rep('', 2^31, ',')",
      "return string.rep('x', 2^31, '')",
      "return string.rep('', 1e6)",
      "return string.rep('x', 2.5)",
      "return string.rep('x', '3')",
      "return string.rep(5, 2)",
      "return string.rep('a', 3, 5)",
      "return string.rep('a', 3, {})",
      "return string.rep('a\\0', 3, '\\0')",
      "return #string.rep('abc', 100000, '--')",
      "return string.rep()",
      "return string.rep('x')",
      "return ('x'):rep(3)",
      "return ('x'):rep()",
      "return pcall(string.rep, 'x')",
  });
}

TEST_CASE("generated matches give what stock Lua 5.4 gives", "[string][parity]") {
  require_same_as_stock(generated_cases(20240613, 900, 8, 4));
}

TEST_CASE("generated matches over longer subjects give what stock Lua 5.4 gives",
          "[string][parity]") {
  require_same_as_stock(generated_cases(7, 400, 60, 2));
}

TEST_CASE("character classes and sets match every byte as stock Lua 5.4 does", "[string][parity]") {
  std::vector<std::string> cases;
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
  const std::string subject = lua_literal(all_bytes);
  for (const char* item : {"%a",
                           "%c",
                           "%d",
                           "%g",
                           "%l",
                           "%p",
                           "%s",
                           "%u",
                           "%w",
                           "%x",
                           "%z",
                           "%A",
                           "%C",
                           "%D",
                           "%G",
                           "%L",
                           "%P",
                           "%S",
                           "%U",
                           "%W",
                           "%X",
                           "%Z",
                           "%.",
                           "%_",
                           "%\\200",
                           ".",
                           "[%a_]",
                           "[^%d]",
                           "[a-f]",
                           "[%-]",
                           "[a-]",
                           "[-a]",
                           "[]]",
                           "[^]]",
                           "[%a-z]",
                           "[z-a]",
                           "[%]]",
                           "[\\1-\\31%s]",
                           "[^\\128-\\255]",
                           "%f[%w]",
                           "%f[%W]",
                           "%f[%z]"}) {
    cases.push_back("local s, n = string.gsub(" + subject + ", '" + item + "', '') return #s, n");
    cases.push_back("return string.find(" + subject + ", '" + item + "+')");
  }
  require_same_as_stock(cases);
}

TEST_CASE("the string table and string methods share alc's functions", "[string]") {
  vm_harness harness;
  CHECK(run_value(harness,
                  "return string.find == ('').find and string.gsub == ('').gsub and "
                  "string.rep == ('').rep") == json(true));
}

// ---- what the replacement is for ------------------------------------------------

namespace {

// A short CPU limit and grace: a runaway match must end within them.
step_failed run_runaway(const std::string& code) {
  vm_harness harness;
  auto opts = harness.options();
  opts.cpu_limit = 200ms;
  opts.non_yieldable_grace = 50ms;
  auto vm = harness.make(code, json::object(), opts);
  const auto started = std::chrono::steady_clock::now();
  const step_failed failed = require_failed(run_until_blocked(*vm, 2ms, 10'000));
  const auto took = std::chrono::steady_clock::now() - started;
  INFO(code);
  INFO(failed.message);
  CHECK(failed.kind == failure_kind::cpu_limit);
  CHECK(took < 10s);  // far past the bound (~the grace period), far below never
  return failed;
}

const std::string backtracking_subject = "string.rep('a', 40)";
const std::string backtracking_pattern = "string.rep('a-', 40) .. 'b'";

}  // namespace

TEST_CASE("a backtracking find, match, gmatch or gsub fails with cpu_limit", "[string][preempt]") {
  const std::string args = backtracking_subject + ", " + backtracking_pattern;
  for (const std::string& call : std::vector<std::string>{
           "string.find(" + args + ")", "string.match(" + args + ")",
           "string.gmatch(" + args + ")()", "string.gsub(" + args + ", 'x')",
           "(" + backtracking_subject + "):find(" + backtracking_pattern + ")",
           "string.find(string.rep('(', 200000), '%b()')",
           "string.find(string.rep('a', 40), string.rep('(.-)', 10) .. 'x')"}) {
    const step_failed failed = run_runaway("return " + call);
    CHECK_THAT(failed.message, Catch::Contains("string matching"));
  }
}

TEST_CASE("a pattern or replacement as long as the subject costs steps at every attempt",
          "[string][preempt]") {
  for (const char* code : {
           // a set of 10^5 bytes, tested at each of 10^5 positions
           "return string.find(string.rep('b', 1e5), '[' .. string.rep('a', 1e5) .. ']')",
           // 10^5 items without a quantifier, at each of 10^5 positions
           "return string.find(string.rep('a', 1e5), string.rep('a', 1e5 - 1) .. 'b.')",
           // a replacement of 10^5 empty captures, for each of 10^5 matches
           "return string.gsub(string.rep('x', 1e5), '(x-)', string.rep('%1', 1e5))",
       }) {
    run_runaway(code);
  }
}

TEST_CASE("a plain find takes time linear in the subject", "[string]") {
  vm_harness harness;
  // Quadratic for a search that compares the needle at every position.
  CHECK(run_value(harness,
                  "local s, needle = string.rep('a', 1 << 20), string.rep('a', 1 << 19) .. 'b' "
                  "return {string.find(s, needle, 1, true) == nil, "
                  "string.find(s .. 'b', needle, 1, true)}") ==
        json::array({true, (1 << 19) + 1, (1 << 20) + 1}));
}

TEST_CASE("pcall around a runaway match does not keep the session from failing cpu_limit",
          "[string][preempt]") {
  run_runaway("local ok, e = pcall(string.find, " + backtracking_subject + ", " +
              backtracking_pattern + ") return {ok = ok, e = e}");
  run_runaway("for i = 1, 3 do pcall(string.gsub, " + backtracking_subject + ", " +
              backtracking_pattern + ", '') end return 1");
}

TEST_CASE("a runaway match in a string library opened after `string` was replaced ends",
          "[string][preempt]") {
  run_runaway("string = {} return (('a'):rep(40)):match(('a-'):rep(40) .. 'b')");
}

TEST_CASE("string.rep of an empty result returns at once", "[string]") {
  vm_harness harness;
  CHECK(run_value(harness, "return #string.rep('', math.maxinteger)") == json(0));
  CHECK(run_value(harness, "return #string.rep('', math.maxinteger, '')") == json(0));
  CHECK(run_value(harness, "return select(2, pcall(string.rep, '', math.maxinteger, ','))") ==
        json("resulting string too large"));
}
