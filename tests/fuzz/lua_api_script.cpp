#include "tests/fuzz/lua_api_script.hpp"

#include <cstdio>
#include <iterator>

namespace alc::fuzz {
namespace {

constexpr int pool_size = 8;
constexpr int max_depth = 4;

// Words the API reads: option names, modes, package names, formats, patterns.
const char* const words[] = {
    "",
    "a",
    "abc",
    "hello world",
    "x",
    "q-0",
    "q-1",
    "1",
    "-3.5",
    "12/10",
    "7.9",
    "1e5",
    "yes",
    "no",
    "LGTM",
    "positive",
    "negative",
    "lines",
    "chars",
    "default",
    "skip",
    "abort",
    "cot",
    "sc_vote",
    "reflect",
    "panel",
    "rank",
    "demo",
    "demo-best",
    "fork-0",
    "-stats.pass_rate",
    "stats.n",
    "pass_rate",
    "%s",
    "%d",
    "%5.2f",
    "%q",
    "%c",
    "%x",
    "%g",
    "%a",
    "%i",
    "%-+ #0d",
    "%99d",
    "%.99f",
    "%s has %d items (%s)",
    "%w+",
    "(%w+)",
    ".-",
    "[%a_][%w_]*",
    "%b()",
    "%f[%w]%w+",
    "^(.-)$",
    "[",
    "(",
    "%",
    "%1",
    "()",
    "[^%s]+",
    "(a*(.)%w(%s*))",
    "{\"a\": 1}",
    "[1,2,3]",
    "```json\n{\"k\": 1}\n```",
    "{\"n\": null, \"list\": []}",
    "null",
    "[[[[]]]]",
    "nan",
    "1e400",
    "h\xc3\xa9llo",
    "\xff\xfe",
    "card/v0",
    "*t",
    "!*t",
    "n",
    "*",
    "<i4",
    "z",
    "s1",
    "j",
    "c10",
    ">I8",
    "=!4",
    "trace",
    "warn",
    "error",
    "info",
    "debug",
    "ALC_FUZZ",
    "PATH",
    "collect",
    "step",
    "count",
    "generational",
    "incremental",
    "r",
    "w",
    "a+",
    "rb",
    "/etc/passwd",
    "x.lua",
    "a.b.c",
    "../x",
    "flow.ir",
    "init",
    "\0",
    "mod",
    "missing",
    "ses-0",
    "user",
    "timeout",
    "batch",
    "single",
    "forward",
    "backward",
    "both",
    "derived_from",
    "memory://x",
    "%Y-%m-%d",
    "!%c",
    "*t",
    "\n",
    "a\nb\nc",
    "  Hello   World ",
    "definately",
    "Positive, really.",
    "bypass the failed check",
};

// Table keys the API reads.
const char* const keys[] = {
    "prompt",
    "system",
    "role",
    "max_tokens",
    "cache_breakpoint",
    "grounded",
    "underspecified",
    "mode",
    "size",
    "overlap",
    "threshold",
    "tie_correction",
    "pkg",
    "name",
    "model",
    "id",
    "params",
    "stats",
    "pass_rate",
    "n",
    "where",
    "order_by",
    "limit",
    "offset",
    "card_id",
    "direction",
    "depth",
    "include_stats",
    "relation_filter",
    "sink",
    "on_error",
    "post_fn",
    "cache_key",
    "cache_skip",
    "task",
    "result",
    "strategy",
    "budget",
    "max_llm_calls",
    "max_elapsed_ms",
    "_ns",
    "prefix",
    "_schema",
    "gte",
    "lt",
    "eq",
    "ne",
    "lte",
    "gt",
    "in",
    "nin",
    "exists",
    "contains",
    "starts_with",
    "_and",
    "_or",
    "_not",
    "note",
    "metadata",
    "prior_card_id",
    "scenario",
    "created_at",
    "schema_version",
    "on_stage",
    "run",
    "pipe_history",
    "k",
    "ok",
    "error",
    "__index",
};

const char* const integers[] = {
    "0",
    "1",
    "2",
    "3",
    "-1",
    "-2",
    "5",
    "10",
    "100",
    "255",
    "256",
    "1000",
    "1000000",
    "(1<<31)",
    "(1<<32)",
    "(1<<40)",
    "(1<<53)",
    "(1<<62)",
    "math.maxinteger",
    "math.mininteger",
    "(1<<26)",
    "170",
    "171",
    "-(1<<31)",
    "(math.maxinteger - 1)",
    "0x7fffffff",
    "0xffffffff",
};

const char* const numbers[] = {
    "0.0",     "-0.0",  "0.5",    "1.5",   "2.9",  "99.9", "-2.5",       "1e308",
    "-1e308",  "(1/0)", "(-1/0)", "(0/0)", "2^53", "2^63", "-2^63",      "1e-320",
    "3.14159", "0.95",  "1e15",   "-1e15", "0.1",  "1e-9", "(2^53 + 1)",
};

const char* const repeats[] = {"0", "1", "3", "100", "10000", "1000000", "(1<<31)", "1e9"};

template <std::size_t N>
const char* pick(FuzzedDataProvider& in, const char* const (&items)[N]) {
  return items[in.ConsumeIntegralInRange<std::size_t>(0, N - 1)];
}

}  // namespace

const char* catalogue_script() {
  return R"lua(
local out, seen = {}, {}
local function is_name(k) return k:match("^[%a_][%w_]*$") ~= nil end
local function walk(value, expr, depth)
  local kind = type(value)
  if kind == "function" then out[#out + 1] = expr return end
  if (kind ~= "table" and kind ~= "userdata") or seen[value] or depth > 6 then return end
  seen[value] = true
  if kind == "table" then
    local names = {}
    for k in next, value do if type(k) == "string" then names[#names + 1] = k end end
    table.sort(names)
    for _, k in ipairs(names) do
      local sub = is_name(k) and (expr .. "." .. k) or (expr .. "[" .. string.format("%q", k) .. "]")
      walk(rawget(value, k), sub, depth + 1)
    end
  end
  local mt = getmetatable(value)
  if type(mt) == "table" then walk(mt, "getmetatable(" .. expr .. ")", depth + 1) end
end
-- The lazy indexers first: loading the library removes them.
walk(getmetatable(alc), "getmetatable(alc)", 1)
walk(getmetatable(alc.state), "getmetatable(alc.state)", 1)
local _ = alc.map
seen[_G] = true
local roots = {}
for k in next, _G do if type(k) == "string" then roots[#roots + 1] = k end end
table.sort(roots)
for _, k in ipairs(roots) do walk(_G[k], k, 1) end
-- The standard files hide their metatable: try the methods files have.
for _, file in ipairs({"stdout", "stderr", "stdin"}) do
  for _, method in ipairs({"close", "flush", "lines", "read", "seek", "setvbuf", "write"}) do
    local ok, f = pcall(function() return io[file][method] end)
    if ok and type(f) == "function" then out[#out + 1] = "io." .. file .. "." .. method end
  end
end
walk(alc.math.rng_create(1), "alc.math.rng_create(1)", 1)
walk(alc.json_decode("[]"), "alc.json_decode('[]')", 1)
walk(require("cot"), "require('cot')", 1)
return out
)lua";
}

namespace {

// The guards, by name. Each piece runs inside one `do ... end` that defines
// `known(what)` and the global table GUARD.
struct guard {
  const char* name;
  const char* lua;
};

// Empty while no finding is open: the last ones (issue 13) are fixed. A new
// finding that stops every run gets a guard here and a [!mayfail]
// reproduction in tests/lua_bridge/fuzz_findings_test.cpp until its fix.
const std::vector<guard> guards = {};

}  // namespace

const std::vector<std::string>& known_open_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& g : guards) out.emplace_back(g.name);
    return out;
  }();
  return names;
}

std::string known_open_guards(const known_open_set& off) {
  std::string out =
      "do\n"
      "  local type, error, pcall, tostring = type, error, pcall, tostring\n"
      "  local function known(what) error(\"known open finding (issue 13): \" .. what, 3) end\n"
      "  GUARD = {match_enum = function(...) return alc.match_enum(...) end}\n";
  for (const auto& g : guards) {
    if (off.count(g.name) == 0) out += g.lua;
  }
  return out + "end\n";
}

function_catalogue without_known_open(function_catalogue functions, const known_open_set& /*off*/) {
  function_catalogue out;
  for (auto& expression : functions) {
    if (expression == "alc.match_enum") expression = "GUARD.match_enum";
    out.push_back(std::move(expression));
  }
  return out;
}

std::string script_writer::quoted(const std::string& bytes) {
  std::string out = "\"";
  for (const unsigned char c : bytes) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
        c == '%' || c == '.' || c == '-' || c == '_' || c == '(' || c == ')' || c == '[' ||
        c == ']' || c == '*' || c == '+' || c == '?' || c == '^' || c == '$' || c == ':' ||
        c == ',' || c == '{' || c == '}' || c == '/' || c == '!' || c == '<' || c == '>' ||
        c == '=' || c == '#' || c == '`') {
      out += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  return out + "\"";
}

std::string script_writer::slot() {
  return "V[" + std::to_string(in_.ConsumeIntegralInRange(1, pool_size)) + "]";
}

std::string script_writer::integer() {
  if (in_.ConsumeBool()) return std::to_string(in_.ConsumeIntegralInRange(-2, 12));
  return pick(in_, integers);
}

std::string script_writer::number() {
  if (in_.ConsumeBool()) return integer();
  return pick(in_, numbers);
}

std::string script_writer::key() {
  switch (in_.ConsumeIntegralInRange(0, 5)) {
    case 0:
      return "[" + integer() + "]";
    case 1:
      return "[" + quoted(in_.ConsumeRandomLengthString(8)) + "]";
    default:
      return pick(in_, keys);
  }
}

std::string script_writer::string_value(int depth) {
  switch (in_.ConsumeIntegralInRange(0, 6)) {
    case 0:
      return quoted(in_.ConsumeRandomLengthString(32));
    case 1:
      return "string.rep(" + quoted(pick(in_, words)) + ", " + pick(in_, repeats) + ")";
    case 2:
      return "(" + value(depth + 1) + " .. " + quoted(pick(in_, words)) + ")";
    case 3:
      return "alc.json_encode(" + value(depth + 1) + ")";
    default:
      return quoted(pick(in_, words));
  }
}

std::string script_writer::metatable(int depth) {
  static const char* const events[] = {"__index",     "__newindex", "__call",  "__len",    "__eq",
                                       "__lt",        "__le",       "__add",   "__concat", "__unm",
                                       "__tostring",  "__name",     "__close", "__pairs",  "__mode",
                                       "__metatable", "__gc",       "__idiv",  "__band",   "__shl"};
  std::string out = "{";
  const int count = in_.ConsumeIntegralInRange(1, 3);
  for (int i = 0; i < count; ++i) {
    out += std::string(pick(in_, events)) + " = " +
           (in_.ConsumeBool() ? function_value(depth + 1) : value(depth + 1)) + ", ";
  }
  return out + "}";
}

std::string script_writer::table_value(int depth) {
  switch (in_.ConsumeIntegralInRange(0, 10)) {
    case 0:
      return "{}";
    case 8: {  // numbers, what alc.math reads
      std::string out = "{";
      const int count = in_.ConsumeIntegralInRange(1, 8);
      for (int i = 0; i < count; ++i) out += number() + ", ";
      return out + "}";
    }
    case 9: {  // words, what the text helpers and batches read
      std::string out = "{";
      const int count = in_.ConsumeIntegralInRange(1, 5);
      for (int i = 0; i < count; ++i) out += quoted(pick(in_, words)) + ", ";
      return out + "}";
    }
    case 1: {  // an array
      std::string out = "{";
      const int count = in_.ConsumeIntegralInRange(1, 6);
      for (int i = 0; i < count; ++i) out += value(depth + 1) + ", ";
      return out + "}";
    }
    case 2:  // a marked (decoded) array, maybe sparse
      return "(function() local t = alc.json_decode('[]') t[" + integer() +
             "] = " + value(depth + 1) + " return t end)()";
    case 3:  // a cycle
      return "(function() local t = {" + value(depth + 1) + "} t[2] = t t.self = t return t end)()";
    case 4:
      return "setmetatable({" + value(depth + 1) + "}, " + metatable(depth + 1) + ")";
    case 5:  // a long array of numbers
      return std::string("(function() local t = {} for i = 1, ") + pick(in_, repeats) +
             " do t[i] = " + number() + " end return t end)()";
    default: {  // a record
      std::string out = "{";
      const int count = in_.ConsumeIntegralInRange(1, 5);
      for (int i = 0; i < count; ++i) out += key() + " = " + value(depth + 1) + ", ";
      return out + "}";
    }
  }
}

std::string script_writer::function_value(int depth) {
  switch (in_.ConsumeIntegralInRange(0, 7)) {
    case 0:
      return "function(...) return " + value(depth + 1) + " end";
    case 1:
      return "function() error(" + value(depth + 1) + ") end";
    case 2:
      return "function(...) return ... end";
    case 3:
      return "function(...) coroutine.yield(" + value(depth + 1) + ") return ... end";
    case 4:
      return function_expression();
    case 5:
      return "function(...) while true do end end";
    default:
      return "function(...) " + call_statement(depth + 1) + " return " + value(depth + 1) + " end";
  }
}

std::string script_writer::value(int depth) {
  if (depth >= max_depth || in_.remaining_bytes() == 0) {
    return in_.ConsumeBool() ? integer() : quoted(pick(in_, words));
  }
  switch (in_.ConsumeIntegralInRange(0, 21)) {
    case 20:
    case 21:
      return number();
    case 0:
      return "nil";
    case 1:
      return in_.ConsumeBool() ? "true" : "false";
    case 2:
    case 3:
      return number();
    case 4:
    case 5:
    case 6:
      return string_value(depth);
    case 7:
    case 8:
    case 9:
      return table_value(depth);
    case 10:
    case 11:
      return function_value(depth);
    case 12:
      return "coroutine.create(" + function_value(depth + 1) + ")";
    case 13:
      return in_.ConsumeBool() ? "coroutine.running()" : "io.stdout";
    case 14:
      return "alc.math.rng_create(" + integer() + ")";
    case 15:
      return in_.ConsumeBool() ? "ctx" : "ctx." + std::string(pick(in_, keys));
    default:
      return slot();
  }
}

std::string script_writer::arguments(int depth) {
  std::string out;
  const int count = in_.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += value(depth + 1);
  }
  return out;
}

std::string script_writer::function_expression() {
  if (functions_.empty() || in_.ConsumeIntegralInRange(0, 15) == 0) return slot();
  return "(" + functions_[in_.ConsumeIntegralInRange<std::size_t>(0, functions_.size() - 1)] + ")";
}

std::string script_writer::call_statement(int depth) {
  const std::string function = function_expression();
  // alc.math's draws take an rng first; without one they never get past it.
  const bool draws =
      function.find("alc.math.") != std::string::npos &&
      (function.find("sample") != std::string::npos || function.find("rng_") != std::string::npos ||
       function.find("shuffle") != std::string::npos);
  std::string args = arguments(depth);
  if (draws && in_.ConsumeIntegralInRange(0, 3) != 0) {
    args = "alc.math.rng_create(" + integer() + ")" + (args.empty() ? "" : ", " + args);
  }
  return slot() + " = " + function + "(" + args + ")";
}

std::string script_writer::in_context(const std::string& body, int depth) {
  const std::string fn = "function(...) " + body + " end";
  switch (in_.ConsumeIntegralInRange(0, 17)) {
    case 0:
    case 1:
      return body;
    case 2:
    case 3:
      return "pcall(" + fn + ", " + arguments(depth) + ")";
    case 4:
      return "xpcall(" + fn + ", function(m) " + call_statement(depth + 1) + " return m end, " +
             arguments(depth) + ")";
    case 5:
      return "pcall(coroutine.wrap(" + fn + "), " + arguments(depth) + ")";
    case 6:
      return "coroutine.wrap(" + fn + ")(" + arguments(depth) + ")";
    case 7: {  // resumed several times, kept in the pool
      const std::string s = slot();
      return s + " = coroutine.create(" + fn + ") for _ = 1, " +
             std::to_string(in_.ConsumeIntegralInRange(1, 4)) + " do pcall(coroutine.resume, " + s +
             ", " + arguments(depth) + ") end";
    }
    case 8:  // after a yield
      return "do local co = coroutine.wrap(function(...) coroutine.yield(...) " + body +
             " end) co(" + arguments(depth) + ") pcall(co, " + arguments(depth) + ") end";
    case 9:
      return "pcall(string.gsub, " + quoted(pick(in_, words)) + ", " + quoted(pick(in_, words)) +
             ", " + fn + ")";
    case 10:
      return "pcall(table.sort, {3, 1, 2, 5, 4}, function(a, b) " + body + " return a < b end)";
    case 11: {  // a metamethod Lua calls from C
      static const char* const uses[] = {"t.x",
                                         "t + 1",
                                         "t .. 'x'",
                                         "#t",
                                         "t()",
                                         "tostring(t)",
                                         "t == setmetatable({}, mt)",
                                         "t < t",
                                         "-t",
                                         "string.format('%s', t)"};
      static const char* const events[] = {"__index", "__add",      "__concat", "__len",
                                           "__call",  "__tostring", "__eq",     "__lt",
                                           "__unm",   "__tostring"};
      const auto which = in_.ConsumeIntegralInRange<std::size_t>(0, std::size(uses) - 1);
      return "do local mt = {" + std::string(events[which]) + " = " + fn +
             "} local t = setmetatable({}, mt) pcall(function() return " + uses[which] +
             " end) end";
    }
    case 12:
      return "do local c <close> = setmetatable({}, {__close = " + fn + "}) end";
    case 13: {  // a chunk of its own
      const std::string level(static_cast<std::size_t>(++long_bracket_), '=');
      return "pcall(load([" + level + "[" + body + "]" + level + "]))";
    }
    case 14:  // a module's body
      return "package.preload['m" + std::to_string(depth) + "'] = " + fn + " pcall(require, 'm" +
             std::to_string(depth) + "')";
    case 15:
      return "for _ = 1, " + std::to_string(in_.ConsumeIntegralInRange(1, 5)) + " do " + body +
             " end";
    default:
      if (depth < max_depth) return in_context(in_context(body, depth + 1), depth + 1);
      return body;
  }
}

std::string script_writer::statement(int depth) {
  switch (in_.ConsumeIntegralInRange(0, 11)) {
    case 0:
    case 1:
      return slot() + " = " + value(depth);
    case 2:  // the resumer may itself be in a state that cannot yield
      return in_context("pcall(coroutine.resume, " + slot() + ", " + arguments(depth) + ")", depth);
    case 3:
      return in_context("pcall(coroutine.close, " + slot() + ")", depth);
    case 4:
      return in_context("pcall(" + slot() + ", " + arguments(depth) + ")", depth);
    case 5:
      return "pcall(setmetatable, " + slot() + ", " + metatable(depth) + ")";
    case 6:
      return "pcall(rawset, " + slot() + ", " + value(depth) + ", " + value(depth) + ")";
    case 7:
      return "collectgarbage(" +
             quoted(in_.PickValueInArray({"collect", "step", "incremental", "generational"})) + ")";
    default:
      return in_context(call_statement(depth), depth);
  }
}

std::string script_writer::script() {
  std::string out = "V = {}\n";
  const int count = in_.ConsumeIntegralInRange(1, 8);
  for (int i = 0; i < count && in_.remaining_bytes() > 0; ++i) out += statement(0) + "\n";
  switch (in_.ConsumeIntegralInRange(0, 3)) {
    case 0:
      return out + "return " + slot() + "\n";
    case 1:
      return out + "return V\n";
    default:
      return out;
  }
}

}  // namespace alc::fuzz
