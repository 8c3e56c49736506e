// The Layer-1 prelude of lua-api.md (lua_bridge/prelude/*.lua), run through a
// real VM: LLM calls pause and are answered here; state, require and budgets
// go through the host where the test says so, else through Lua mocks.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "lua_bridge/budget_meter.hpp"
#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

// Runs the script to the end, answering every LLM query with `answer(query)`;
// every query issued is appended to `seen`.
json run_answering(script_vm& vm, const std::function<std::string(const llm_query&)>& answer,
                   std::vector<llm_query>* seen = nullptr) {
  for (;;) {
    auto result = run_until_blocked(vm);
    if (!std::holds_alternative<step_host_call>(result)) return require_done(result);
    const llm_call call = require_llm_call(result);
    std::vector<std::string> responses;
    for (const auto& query : call.queries) {
      if (seen != nullptr) seen->push_back(query);
      responses.push_back(answer(query));
    }
    vm.answer_llm(std::move(responses));
  }
}

state_call require_state_call(const step_result& result) {
  if (const auto* failed = std::get_if<step_failed>(&result)) {
    FAIL("expected a state call, the script failed: " << failed->message);
  }
  REQUIRE(std::holds_alternative<step_host_call>(result));
  const host_call* request = std::get<step_host_call>(result).request;
  REQUIRE(request != nullptr);
  REQUIRE(std::holds_alternative<state_call>(*request));
  return std::get<state_call>(*request);
}

std::string error_of(const vm_harness& harness, std::string_view code) {
  auto vm = harness.make(code);
  return require_failed(run_until_blocked(*vm)).message;
}

}  // namespace

TEST_CASE("the prelude defines every Layer-1 name as a function", "[prelude]") {
  vm_harness harness;
  const auto missing = run_value(harness, R"lua(
    local names = {"map", "filter", "reduce", "vote", "parallel", "cache", "cache_info",
      "cache_clear", "ground", "specify", "llm_safe", "llm_json", "json_extract",
      "parse_score", "parse_number", "fmt", "log_fmt", "fingerprint", "budget_check",
      "tuning", "pipe"}
    local missing = {}
    for _, n in ipairs(names) do
      if type(alc[n]) ~= "function" then missing[#missing + 1] = n end
    end
    if type(alc.state) ~= "table" or type(alc.state.update) ~= "function" then
      missing[#missing + 1] = "state.update"
    end
    return table.concat(missing, ","))lua");
  CHECK(missing == json(""));
}

TEST_CASE("the prelude leaves no globals behind", "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local before = {}
    for k in pairs(_G) do before[k] = true end
    local _ = alc.map
    local added = {}
    for k in pairs(_G) do if not before[k] then added[#added + 1] = k end end
    return table.concat(added, ","))lua") == json(""));
}

TEST_CASE("alc.map and alc.filter call fn(item, i) in order", "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local calls = {}
    local doubled = alc.map({10, 20, 30}, function(x, i) calls[#calls + 1] = i return x * 2 end)
    local odd = alc.filter({"a", "b", "c", "d", "e"}, function(_, i) return i % 2 == 1 end)
    return {doubled, odd, calls, #alc.map({}, print)})lua") ==
        json::array({{20, 40, 60}, {"a", "c", "e"}, {1, 2, 3}, 0}));
  CHECK_THAT(error_of(harness, "alc.map(nil, print)"),
             Catch::Contains("script:1: alc.map: items must be a table, got nil"));
  CHECK_THAT(error_of(harness, "alc.filter({}, 1)"),
             Catch::Contains("alc.filter: fn must be a function, got number"));
}

TEST_CASE("alc.reduce without init starts at item 1 with index 2; with init at index 1",
          "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local trace = {}
    local sum = alc.reduce({5, 6, 7}, function(acc, x, i) trace[#trace + 1] = i return acc + x end)
    local with_init = {}
    local concat = alc.reduce({"a", "b"}, function(acc, x, i)
      with_init[#with_init + 1] = i return acc .. x end, ">")
    return {sum, trace, concat, with_init, alc.reduce({}, math.max, 9),
            alc.reduce({4}, error)})lua") == json::array({18, {2, 3}, ">ab", {1, 2}, 9, 4}));
  CHECK(run_value(harness, "return alc.reduce({}, math.max) == nil") == json(true));
}

TEST_CASE("alc.vote counts trimmed answers, stringifies, and gives ties to the first seen",
          "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, "return alc.vote({' yes', 'no', 'yes\\n', 'no ', 'maybe'})") ==
        json({{"winner", "yes"}, {"count", 2}, {"total", 5}}));
  CHECK(run_value(harness, "return alc.vote({'b', 'a', 'a', 'b'})") ==
        json({{"winner", "b"}, {"count", 2}, {"total", 4}}));
  CHECK(run_value(harness, "return alc.vote({1, '1', true, ' 1 '})") ==
        json({{"winner", "1"}, {"count", 3}, {"total", 4}}));
  CHECK(run_value(harness, "local v = alc.vote({}) return {v.winner == nil, v.count, v.total}") ==
        json::array({true, 0, 0}));
}

TEST_CASE("alc.reduce and alc.vote's total go by the length operator, as the original",
          "[prelude]") {
  vm_harness harness;
  // A proxy: # says 3, indexing never ends. A walk to the first nil would not stop.
  CHECK(run_value(harness, R"lua(
    local proxy = setmetatable({}, {__len = function() return 3 end,
                                    __index = function(_, i) return i * 10 end})
    local seen = {}
    local sum = alc.reduce(proxy, function(acc, x, i) seen[#seen + 1] = i return acc + x end)
    local words = setmetatable({"a", "b", "a"}, {__len = function() return 5 end})
    local v = alc.vote(words)
    return {sum, seen, v.winner, v.count, v.total})lua") == json::array({60, {2, 3}, "a", 2, 5}));
}

TEST_CASE("alc.parallel issues one batch: shared options for strings, tables sent as is",
          "[prelude]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local own = {prompt = "own", system = "mine"}
    local out = alc.parallel({"x", "y", "z"}, function(item, i)
      if i == 3 then return own end
      return "about " .. item .. " #" .. i
    end, {system = "shared", max_tokens = 50,
          post_fn = function(resp, item, i) return resp .. "/" .. item .. "/" .. i end})
    return {out, own.max_tokens == nil})lua");
  const auto call = require_llm_call(run_until_blocked(*vm));
  CHECK(call.kind == pause_kind::batch);
  REQUIRE(call.queries.size() == 3);
  CHECK(call.queries[0].prompt == "about x #1");
  CHECK(call.queries[0].system == std::optional<std::string>("shared"));
  CHECK(call.queries[0].max_tokens == 50);
  CHECK(call.queries[1].prompt == "about y #2");
  CHECK(call.queries[2].prompt == "own");
  CHECK(call.queries[2].system == std::optional<std::string>("mine"));
  CHECK(call.queries[2].max_tokens == 1024);  // opts do not apply to a table
  vm->answer_llm({"A", "B", "C"});
  CHECK(require_done(run_until_blocked(*vm)) == json::array({{"A/x/1", "B/y/2", "C/z/3"}, true}));

  auto plain = harness.make(R"lua(
    return alc.parallel({1, 2}, function(x) return "p" .. x end, {system = false})
  )lua");
  const auto two = require_llm_call(run_until_blocked(*plain));
  REQUIRE(two.queries.size() == 2);
  CHECK(two.queries[0].prompt == "p1");
  CHECK_FALSE(two.queries[0].system.has_value());
  CHECK(two.queries[0].max_tokens == 1024);
  plain->answer_llm({"one", "two"});
  CHECK(require_done(run_until_blocked(*plain)) == json::array({"one", "two"}));
}

TEST_CASE("alc.parallel rejects bad arguments with the original's messages", "[prelude]") {
  vm_harness harness;
  CHECK_THAT(error_of(harness, "alc.parallel({}, tostring)"),
             Catch::Contains("script:1: alc.parallel: items must be a non-empty array"));
  CHECK_THAT(error_of(harness, "alc.parallel('abc', tostring)"),
             Catch::Contains("alc.parallel: items must be a non-empty array"));
  CHECK_THAT(error_of(harness, "alc.parallel({1}, 'tmpl')"),
             Catch::Contains("alc.parallel: prompt_fn must be a function"));
  CHECK_THAT(error_of(harness,
                      "alc.parallel({1, 2}, function(x, i) if i == 2 then return 7 end "
                      "return 'ok' end)"),
             Catch::Contains("alc.parallel: prompt_fn must return string or table, got number "
                             "at index 2"));
  CHECK_THAT(error_of(harness,
                      "alc.parallel({1, 2, 3}, function(x, i) "
                      "if i == 3 then return {system = 's'} end return 'ok' end)"),
             Catch::Contains("alc.parallel: prompt_fn returned table without .prompt at index 3"));
  CHECK_THAT(error_of(harness, "alc.parallel({1}, tostring, {post_fn = 1})"),
             Catch::Contains("alc.parallel: opts.post_fn must be a function, got number"));
}

TEST_CASE("alc.cache answers repeats from memory and counts hits and misses", "[prelude]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local a = alc.cache("Summarise  THIS", {system = "s", max_tokens = 10})
    local b = alc.cache("summarise this", {system = "s", max_tokens = 10})  -- same fingerprint
    local c = alc.cache("summarise this", {system = "other", max_tokens = 10})
    local d = alc.cache("summarise this", {system = "s", max_tokens = 11})
    local e = alc.cache("plain")
    local f = alc.cache("plain", {max_tokens = 1024})  -- alc.llm's default: same call
    return {a, b, c, d, e, f, alc.cache_info()})lua");
  std::vector<llm_query> seen;
  int n = 0;
  const auto value = run_answering(
      *vm, [&](const llm_query&) { return "r" + std::to_string(++n); }, &seen);
  CHECK(value == json::array({"r1",
                              "r1",
                              "r2",
                              "r3",
                              "r4",
                              "r4",
                              {{"entries", 4}, {"hits", 2}, {"misses", 4}, {"max_entries", 256}}}));
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].prompt == "Summarise  THIS");
  CHECK(seen[0].max_tokens == 10);
}

TEST_CASE("alc.cache evicts the oldest entry past 256 (FIFO)", "[prelude]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    for i = 1, 257 do alc.cache("prompt " .. i) end
    local info = alc.cache_info()
    local second = alc.cache("prompt 2")   -- still cached
    local first = alc.cache("prompt 1")    -- evicted: asks again
    return {info.entries, info.misses, second, first, alc.cache_info()})lua");
  std::vector<llm_query> seen;
  const auto value = run_answering(
      *vm, [](const llm_query& q) { return "answer to " + q.prompt; }, &seen);
  CHECK(value ==
        json::array({256,
                     257,
                     "answer to prompt 2",
                     "answer to prompt 1",
                     {{"entries", 256}, {"hits", 1}, {"misses", 258}, {"max_entries", 256}}}));
  CHECK(seen.size() == 258);
}

TEST_CASE("alc.cache keys on cache_key, bypasses on cache_skip, strips both from alc.llm",
          "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local calls, keys_seen = 0, {}
    alc.llm = function(prompt, opts)
      calls = calls + 1
      for k in pairs(opts or {}) do keys_seen[k] = true end
      return prompt .. "#" .. calls
    end
    local a = alc.cache("one", {cache_key = "k"})
    local b = alc.cache("two", {cache_key = "k"})            -- same key: hit
    local c = alc.cache("one", {cache_skip = true})          -- bypass
    local d = alc.cache("one", {cache_skip = true})          -- bypass again
    local info = alc.cache_info()
    local stripped = not keys_seen.cache_key and not keys_seen.cache_skip
    alc.cache_clear()
    local e = alc.cache("two", {cache_key = "k"})            -- cleared: asks again
    return {a, b, c, d, info.hits, info.misses, info.entries, stripped, alc.cache_info()})lua") ==
        json::array({"one#1",
                     "one#1",
                     "one#2",
                     "one#3",
                     1,
                     1,
                     1,
                     true,
                     {{"entries", 1}, {"hits", 0}, {"misses", 1}, {"max_entries", 256}}}));
}

TEST_CASE("alc.ground and alc.specify set their flag without touching the caller's opts",
          "[prelude]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local opts = {system = "s", role = "critic"}
    local a = alc.ground("claim", opts)
    local b = alc.specify("what format?", opts)
    return {a, b, opts.grounded == nil and opts.underspecified == nil})lua");
  std::vector<llm_query> seen;
  const auto value = run_answering(
      *vm, [](const llm_query& q) { return q.prompt; }, &seen);
  CHECK(value == json::array({"claim", "what format?", true}));
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].grounded);
  CHECK_FALSE(seen[0].underspecified);
  CHECK(seen[0].role == std::optional<std::string>("critic"));
  CHECK_FALSE(seen[1].grounded);
  CHECK(seen[1].underspecified);
  CHECK(seen[1].system == std::optional<std::string>("s"));
}

TEST_CASE("alc.llm_safe returns the answer, or the default with a warning on error", "[prelude]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local a = alc.llm_safe("p", nil, "fallback")
    local b = alc.llm_safe("q", {max_tokens = 5}, "fallback")
    local c = alc.llm_safe({}, nil, "bad prompt")
    return {a, b, c})lua");
  require_llm_call(run_until_blocked(*vm));
  vm->answer_error("provider unavailable");
  require_llm_call(run_until_blocked(*vm));
  vm->answer_llm_single("fine");
  CHECK(require_done(run_until_blocked(*vm)) == json::array({"fallback", "fine", "bad prompt"}));
  REQUIRE(harness.logs->size() == 2);
  CHECK((*harness.logs)[0].first == log_level::warn);
  CHECK_THAT((*harness.logs)[0].second, Catch::Contains("provider unavailable"));
  CHECK_THAT((*harness.logs)[1].second, Catch::Contains("prompt must be a string"));
}

TEST_CASE("alc.llm_json parses the first answer without a retry", "[prelude]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local t, raw = alc.llm_json("give json", {max_tokens = 99})
    return {t, raw})lua");
  const auto call = require_llm_call(run_until_blocked(*vm));
  CHECK(call.queries.at(0).max_tokens == 99);
  vm->answer_llm_single("Sure: {\"a\": 1}");
  CHECK(require_done(run_until_blocked(*vm)) == json::array({{{"a", 1}}, "Sure: {\"a\": 1}"}));
}

TEST_CASE("alc.llm_json retries once with the previous output and a JSON-only system prompt",
          "[prelude]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local t, raw = alc.llm_json("list the colours", {system = "be nice", max_tokens = 77,
                                                     role = "extractor"})
    return {t, raw})lua");
  const auto first = require_llm_call(run_until_blocked(*vm));
  CHECK(first.queries.at(0).prompt == "list the colours");
  CHECK(first.queries.at(0).system == std::optional<std::string>("be nice"));
  vm->answer_llm_single("red, green and {blue");
  const auto second = require_llm_call(run_until_blocked(*vm));
  const llm_query& repair = second.queries.at(0);
  // The original's wording, to the byte.
  CHECK(repair.prompt ==
        "The previous response was not valid JSON.\n\nPrevious output:\nred, green and {blue\n\n"
        "Fix the JSON and return ONLY valid JSON.\n\nOriginal request:\nlist the colours");
  CHECK(repair.system ==
        std::optional<std::string>("Output ONLY valid JSON. No markdown fences, no explanation."));
  CHECK(repair.max_tokens == 77);
  CHECK(repair.role == std::optional<std::string>("extractor"));
  vm->answer_llm_single("```json\n[\"red\", \"green\"]\n```");
  CHECK(require_done(run_until_blocked(*vm)) ==
        json::array({{"red", "green"}, "```json\n[\"red\", \"green\"]\n```"}));
}

TEST_CASE("alc.llm_json gives nil and the last raw output when the retry fails too", "[prelude]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local t, raw = alc.llm_json("json please")
    return {t == nil, raw})lua");
  std::vector<llm_query> seen;
  int n = 0;
  const auto value = run_answering(
      *vm, [&](const llm_query&) { return "no json " + std::to_string(++n); }, &seen);
  CHECK(value == json::array({true, "no json 2"}));
  CHECK(seen.size() == 2);  // exactly one retry
  REQUIRE(harness.logs->size() == 2);
  CHECK(harness.logs->at(0) ==
        std::make_pair(log_level::warn, std::string("alc.llm_json: JSON parse failed, retrying")));
  CHECK(harness.logs->at(1) == std::make_pair(log_level::warn, std::string("alc.llm_json: JSON "
                                                                           "parse failed after "
                                                                           "retry")));
}

TEST_CASE("alc.json_extract: direct, fenced, then balanced {} and [] blocks", "[prelude]") {
  vm_harness harness;
  const std::pair<const char*, json> cases[] = {
      {R"lua(' {"a": [1, 2]} ')lua", {{"a", {1, 2}}}},
      {R"lua('[1, 2, 3]')lua", {1, 2, 3}},
      {R"lua('Here:\n```json\n{"k": "v"}\n```\nDone.')lua", {{"k", "v"}}},
      {R"lua('```JSON {"k": 2} ```')lua", {{"k", 2}}},
      // invalid brace blocks are skipped
      {R"lua('Fill {placeholder} then {"ok": true}')lua", {{"ok", true}}},
      {R"lua('set {x} = {y}; result: {"n": 1} and {"n": 2}')lua", {{"n", 1}}},
      // braces inside JSON strings do not unbalance the block
      {R"lua('answer: {"s": "a } b { c", "t": "\\"}"} trailing }')lua",
       {{"s", "a } b { c"}, {"t", "\"}"}}},
      // a valid block nested in an invalid one
      {R"lua('{not json {"inner": 1} }')lua", {{"inner", 1}}},
      // {} blocks before [] blocks
      {R"lua('list [1, 2] and map {"m": 0}')lua", {{"m", 0}}},
      {R"lua('only a list: [1, [2, 3]] ok')lua", {1, {2, 3}}},
      {R"lua('bad [x] then good ["y"]')lua", {"y"}},
      // without a ```json fence, the first plain fence comes before any block
      {R"lua('e.g. {"b": 2}\n```\n{"a": 1}\n```')lua", {{"a", 1}}},
      {R"lua('```\n[1, 2]\n``` and ```\n{"second": 1}\n```')lua", {1, 2}},
      // with one, plain fences are not tried on their own: blocks decide
      {R"lua('{"b": 2} ```json\n{bad\n``` ```\n{"a": 1}\n```')lua", {{"b", 2}}},
      // a plain fence with an info word does not decode; the block inside is found
      {R"lua('```text\n{"t": 1}\n```')lua", {{"t", 1}}},
  };
  for (const auto& [literal, expected] : cases) {
    INFO(literal);
    CHECK(run_value(harness, std::string("return alc.json_extract(") + literal + ")") == expected);
  }
  for (const char* none :
       {"'42'", "'null'", "'no json here'", "'{unclosed'", "'{\"a\": }'", "nil", "{1}", "''"}) {
    INFO(none);
    CHECK(run_value(harness, std::string("return alc.json_extract(") + none + ") == nil") ==
          json(true));
  }
}

TEST_CASE("alc.json_extract stays linear on long runs of unmatched brackets", "[prelude]") {
  vm_harness harness;
  const auto started = std::chrono::steady_clock::now();
  CHECK(run_value(harness, R"lua(
    local a = alc.json_extract(string.rep("{", 50000) .. ' {"found": 1}')
    local b = alc.json_extract(string.rep("[[", 30000) .. " [7]")
    local c = alc.json_extract(string.rep("{x} ", 20000) .. '{"last": true}')
    local d = alc.json_extract('{"' .. string.rep("{", 50000))
    return {a, b, c, d == nil})lua") == json::array({{{"found", 1}}, {7}, {{"last", true}}, true}));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("alc.parse_score reads the first run of digits (no sign), clamped to 1..10",
          "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local p = alc.parse_score
    return {p("Score: 8/10"), p("15 out of 10"), p("0"), p("-3"), p("score: -2"), p("7.9"),
            p("item-4: 9"), p("99999999999999999999"), p("none"), p("none", 3), p(nil),
            p("x", false), math.type(p("7")), math.type(p("99"))})lua") ==
        json::array({8, 10, 1, 3, 2, 7, 4, 10, 5, 3, 5, 5, "integer", "integer"}));
}

TEST_CASE("alc.parse_score reads a number through tostring and gives others the default",
          "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local p = alc.parse_score
    return {p(6), p(7.5), p(-3), p(0.5), p(1e20), p(1e15), p(0/0), p(math.huge),
            p({}), p(true), p({}, 4)})lua") == json::array({6, 7, 3, 1, 1, 1, 5, 5, 5, 5, 4}));
}

TEST_CASE("alc.parse_number takes the first -?digits[.digits] match, or the pattern's capture",
          "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local p = alc.parse_number
    return {p("about -3.5 degrees"), p("+2 more"), p("just .5"), p("Found 3 subtasks"),
            p("v1.2.3"), p("costs 1e3"), p("x-5"), p("(-7)"), p("--5"), p("3-5"),
            math.type(p("42")), math.type(p("7.")), p("7."),
            p("total: 12 items, 7 done", "(%d+) done"), p("12 apples", "%d+"),
            p("n=0x1F", "n=(%w+)"), p("score=abc", "score=(%a+)") == nil,
            p("no match", "(%d+)") == nil, p("nothing") == nil, p("a.b") == nil,
            p("-") == nil})lua") ==
        json::array({-3.5,    2,   5, 3,  1.2, 1,    -5,   -7,   -5,   3,   "integer",
                     "float", 7.0, 7, 12, 31,  true, true, true, true, true}));
  // Anything but a string, a number included, is nil.
  CHECK(run_value(harness, R"lua(
    local p = alc.parse_number
    return p(2.5) == nil and p(7) == nil and p(nil) == nil and p({}) == nil)lua") == json(true));
}

TEST_CASE("alc.fmt prints nil, NaN and inf, and rounds floats for integer specs", "[prelude]") {
  vm_harness harness;
  const std::pair<const char*, const char*> cases[] = {
      {"'%s and %s', 'a', nil", "a and <nil>"},
      // missing arguments are nil, for every conversion
      {"'%s|%s|%d|%.2f', 'only'", "only|<nil>|<nil>|<nil>"},
      {"'[%6s]', nil", "[ <nil>]"},
      {"'[%-6s]', nil", "[<nil> ]"},
      // nil for %s is the text "<nil>" to string.format: the precision cuts it
      {"'[%.2s]', nil", "[<n]"},
      {"'[%5d]', nil", "[<nil>]"},
      {"'%q|%q', nil, 'x'", "nil|\"x\""},
      {"'%d %d %d %d', 2.5, -2.5, 1.4999, -0.5", "3 -3 1 -1"},
      {"'%d', 0.49999999999999994", "0"},
      {"'%x %i %c %o', 254.6, 7.5, 64.5, 7.5", "ff 8 A 10"},
      {"'%05d', 41.5", "00042"},
      {"'%d', 3.0", "3"},
      {"'%d|%5.1f', '12', '2.5'", "12|  2.5"},
      // integer conversions spell them the original's way, float ones C's way
      {"'%f %d %.2f %g %e', 0/0, 0/0, 1/0, -1/0, -(0/0)", "nan NaN inf -inf nan"},
      {"'%d %i %x %c', 1/0, -1/0, 0/0, 1/0", "Inf -Inf NaN Inf"},
      {"'[%5d] [%-5x]', 1/0, -1/0", "[  Inf] [-Inf ]"},
      {"'%+f %+d', 1/0, 1/0", "+inf Inf"},
      {"'%.2f%%', 12.345", "12.35%"},
      {"'%s %s', true, 2.0", "true 2.0"},
      {"'%d and %f', 'abc', false", "abc and false"},
      {"'100%% sure %y %F', 1", "100% sure %y %F"},
      {"'%5s|%s', 1", "    1|<nil>"},
      {"'end %'", "end %"},
      {"'no specs', 1, 2", "no specs"},
      {"nil", ""},
      {"'%q', 'a\\nb'", "\"a\\\nb\""},
      {"'[%123s]', 'x'", nullptr},
  };
  for (const auto& [args, expected] : cases) {
    if (expected == nullptr) continue;
    INFO(args);
    CHECK(run_value(harness, std::string("return alc.fmt(") + args + ")") == json(expected));
  }
  CHECK_THAT(run_value(harness, "return alc.fmt('%d items', {})").get<std::string>(),
             Catch::Matches("table: 0x[0-9a-f]+ items"));
  // beyond the integer range: still printed in full, never an error
  CHECK(run_value(harness, "return alc.fmt('%d', 1e20)") == json("100000000000000000000"));
  CHECK(run_value(harness, "return alc.fmt('%d', -1e300):match('^%-1%d+$') ~= nil") == json(true));
  // a width string.format rejects still pads
  CHECK(run_value(harness, "return #alc.fmt('[%123s]', 'x')") == json(125));
  // %p takes its argument, so the ones after it stay in place
  CHECK_THAT(run_value(harness, "return alc.fmt('%p %s', {}, 'next')").get<std::string>(),
             Catch::Matches("0x[0-9a-f]+ next"));
}

TEST_CASE("alc.log_fmt logs the formatted text at the level given", "[prelude]") {
  vm_harness harness;
  run_value(harness, "alc.log_fmt('warn', 'score=%d of %s', 7.5, nil)");
  REQUIRE(harness.logs->size() == 1);
  CHECK(harness.logs->at(0) == std::make_pair(log_level::warn, std::string("score=8 of <nil>")));
}

TEST_CASE("alc.fingerprint normalises case and whitespace before a 32-bit DJB2", "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local fp = alc.fingerprint
    return {fp("  Hello   World ") == fp("hello world"), fp("hello world"), fp(""),
            fp("a\t\n B") == fp("a b"), fp(12) == fp("12"), fp("x"):match("^%x+$") ~= nil,
            #fp(string.rep("long text ", 1000)), fp("hello world!") ~= fp("hello world")})lua") ==
        json::array({true, "3551c8c1", "00001505", true, true, true, 8, true}));
}

TEST_CASE("alc.fingerprint takes any value through tostring", "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local fp = alc.fingerprint
    local t = setmetatable({}, {__tostring = function() return "  Same  TEXT" end})
    return {fp(nil) == fp("nil"), fp() == fp("nil"), fp(true) == fp("true"),
            fp(2.5) == fp("2.5"), fp(t) == fp("same text"), fp({}):match("^%x%x%x%x%x%x%x%x$") ~= nil})lua") ==
        json::array({true, true, true, true, true, true}));
}

TEST_CASE("alc.budget_check is false once llm_calls or elapsed_ms run out", "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local out = {}
    local function with(r) alc.budget_remaining = function() return r end
                           return alc.budget_check() end
    return {with(nil), with({}), with({llm_calls = 3, elapsed_ms = 10}),
            with({llm_calls = 0, elapsed_ms = 10}), with({llm_calls = 2, elapsed_ms = -1}),
            with({elapsed_ms = 0}), with({tokens = 0})})lua") ==
        json::array({true, true, true, false, false, false, true}));
}

TEST_CASE("alc.budget_check reads the session's budget through alc.budget_remaining", "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, "return alc.budget_check()") == json(true));  // no budget

  budget_limits limits;
  limits.max_llm_calls = 1;
  auto options = harness.options();
  options.budget = std::make_shared<budget_meter>(limits);
  auto vm = harness.make(R"lua(
    assert(type(alc.budget_remaining) == "function", "alc.budget_remaining is missing")
    local before = alc.budget_check()
    alc.llm("p")
    return {before, alc.budget_check()})lua",
                         json::object(), options);
  require_llm_call(run_until_blocked(*vm));
  vm->answer_llm_single("a");
  CHECK(require_done(run_until_blocked(*vm)) == json::array({true, false}));
}

TEST_CASE(
    "alc.tuning merges as the original: dicts recurse, others replace, _schema and "
    "unknown keys dropped",
    "[prelude]") {
  vm_harness harness;
  const json ctx = {
      {"depth", 5},
      {"unknown", 1},
      {"_ns", "x"},
      {"model", {{"temperature", 0.2}, {"extra", true}, {"_schema", "no"}}},
      {"tags", {"z"}},
      {"empty_list", json::array()},
      {"open", {{"anything", 1}}},
      {"mode", {{"now", "a table"}}},
      {"shape", {7, 8}},
      {"flag", false},
      {"pkg", {{"depth", 9}, {"model", {{"top_p", 0.5}}}}},
  };
  const auto value = run_value(harness, R"lua(
    local defaults = {
      _schema = {depth = "integer"},
      depth = 3,
      mode = "fast",
      model = {temperature = 0.7, top_p = 1.0, _schema = {}},
      tags = {"a", "b"},
      empty_list = {"keep?"},
      open = {},
      shape = {w = 1},
      flag = true,
      untouched = {nested = {1, 2}, _schema = "kept"},
    }
    local cfg = alc.tuning(defaults, ctx)
    local pre = alc.tuning(defaults, ctx, {prefix = "pkg"})
    -- the result is a copy: mutating it leaves the inputs alone
    cfg.untouched.nested[1] = 100
    cfg.tags[1] = "changed"
    local intact = defaults.untouched.nested[1] == 1 and ctx.tags[1] == "z"
    return {cfg = cfg, pre = pre, intact = intact,
            empty_is_array = alc.json_encode(cfg.empty_list)})lua",
                               ctx);
  CHECK(value["cfg"] == json({{"depth", 5},
                              {"mode", {{"now", "a table"}}},  // a type change replaces
                              {"model", {{"temperature", 0.2}, {"top_p", 1.0}}},
                              {"tags", {"changed"}},  // arrays are replaced
                              {"empty_list", json::array()},
                              {"open", json::object()},  // {} merges: the override is dropped
                              {"shape", {{"w", 1}}},     // an array under a dict keeps it
                              {"flag", false},           // false is a value, nil is absent
                              {"untouched", {{"nested", {100, 2}}, {"_schema", "kept"}}}}));
  CHECK(value["pre"] == json({{"depth", 9},
                              {"mode", "fast"},
                              {"model", {{"temperature", 0.7}, {"top_p", 0.5}}},
                              {"tags", {"a", "b"}},
                              {"empty_list", {"keep?"}},
                              {"open", json::object()},
                              {"shape", {{"w", 1}}},
                              {"flag", true},
                              {"untouched", {{"nested", {1, 2}}, {"_schema", "kept"}}}}));
  CHECK(value["intact"] == json(true));
  CHECK(value["empty_is_array"] == json("[]"));
}

TEST_CASE("alc.tuning: an absent prefix reads the whole ctx; non-tables pass through",
          "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local t = alc.tuning
    return {t({depth = 1}, {depth = 2}, {prefix = "nope"}).depth,
            t({a = 1}, nil).a, t({a = 1}, "text").a, t({a = 1}, 5).a,
            t(nil, {}) == nil, t(5, {a = 1}), t("s"), t({a = 1}, {a = 2}, {}).a})lua") ==
        json::array({2, 1, 1, 1, true, 5, "s", 2}));
}

TEST_CASE("alc.tuning ignores a prefix that is not a table, with the original's warning",
          "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, "return alc.tuning({a = 1}, {p = 'str', a = 2}, {prefix = 'p'})",
                  json::object()) == json({{"a", 1}}));
  REQUIRE(harness.logs->size() == 1);
  CHECK(harness.logs->at(0) ==
        std::make_pair(log_level::warn,
                       std::string("alc.tuning: prefix 'p' exists but is not a table, ignoring")));
}

TEST_CASE("alc.state.update reads with the default, applies fn, writes and returns the value",
          "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local store, log = {hits = 4}, {}
    alc.state.get = function(k, default)
      log[#log + 1] = "get " .. k
      local v = store[k]
      if v == nil then return default end
      return v
    end
    alc.state.set = function(k, v) log[#log + 1] = "set " .. k store[k] = v end
    local a = alc.state.update("hits", function(n) return n + 1 end, 0)
    local b = alc.state.update("fresh", function(n) return n * 2 end, 21)
    return {a, b, store.hits, store.fresh, log})lua") ==
        json::array({5, 42, 5, 42, {"get hits", "set hits", "get fresh", "set fresh"}}));
  CHECK_THAT(error_of(harness, "alc.state.update('k', 1)"),
             Catch::Contains("alc.state.update: fn must be a function, got number"));
}

TEST_CASE("alc.state.update goes through the host's state.get and state.set", "[prelude]") {
  vm_harness harness;
  auto options = harness.options();
  options.state_namespace = "team";
  auto vm = harness.make(R"lua(
    local a = alc.state.update("n", function(v) return v + 1 end, 0)
    local b = alc.state.update("m", function(v) return v + 1 end, 0)
    return {a, b})lua",
                         json::object(), options);
  const auto get = require_state_call(run_until_blocked(*vm));
  CHECK(get.op == state_op::get);
  CHECK(get.ns == "team");
  CHECK(get.key == "n");
  vm->answer_value(4);
  const auto set = require_state_call(run_until_blocked(*vm));
  CHECK(set.op == state_op::set);
  CHECK(set.ns == "team");
  CHECK(set.key == "n");
  CHECK(set.value == json(5));
  vm->answer_value(nullptr);
  // an absent key: the default is used
  CHECK(require_state_call(run_until_blocked(*vm)).op == state_op::get);
  vm->answer_value(nullptr);
  const auto set_default = require_state_call(run_until_blocked(*vm));
  CHECK(set_default.value == json(1));
  vm->answer_value(nullptr);
  CHECK(require_done(run_until_blocked(*vm)) == json::array({5, 1}));
}

TEST_CASE("alc.pipe returns the pipeline ctx: each result becomes the next task, with a history",
          "[prelude]") {
  vm_harness harness;
  auto vm = harness.make(R"lua(
    local seen, events = {}, {}
    local out = alc.pipe({
      function(c) seen[#seen + 1] = c.task c.result = {n = #c.task} return c end,
      function(c) seen[#seen + 1] = c.task c.result = alc.llm("rate: " .. c.task) return c end,
      function(c) seen[#seen + 1] = c.task c.result = nil return c end,  -- keeps the task
      function(c) seen[#seen + 1] = c.task c.result = 42 return c end,
      function(c) seen[#seen + 1] = c.task c.result = true return c end,
    }, ctx, {on_stage = function(i, name, c)
               events[#events + 1] = i .. ":" .. name .. ":" .. tostring(c.result) end})
    return {out = out, seen = seen, events = events, ctx_task = ctx.task,
            ctx_untouched = ctx.pipe_history == nil and ctx.result == nil})lua",
                         json{{"task", "hello"}, {"shared", "s"}});
  const auto call = require_llm_call(run_until_blocked(*vm));
  CHECK(call.queries.at(0).prompt == R"lua(rate: {"n":5})lua");
  vm->answer_llm_single("good");
  const auto value = require_done(run_until_blocked(*vm));
  CHECK(value["seen"] == json::array({"hello", R"lua({"n":5})lua", "good", "good", "42"}));
  const json& out = value["out"];
  CHECK(out["result"] == json(true));
  CHECK(out["task"] == json("42"));  // no transfer after the last stage
  CHECK(out["shared"] == json("s"));
  CHECK(out["pipe_history"] == json::array({{{"strategy", "(inline-1)"}, {"result", {{"n", 5}}}},
                                            {{"strategy", "(inline-2)"}, {"result", "good"}},
                                            {{"strategy", "(inline-3)"}},
                                            {{"strategy", "(inline-4)"}, {"result", 42}},
                                            {{"strategy", "(inline-5)"}, {"result", true}}}));
  // on_stage gets (i, name, the pipeline ctx) after each stage
  REQUIRE(value["events"].size() == 5);
  CHECK_THAT(value["events"][0].get<std::string>(), Catch::StartsWith("1:(inline-1):table: "));
  CHECK(value["events"][1] == json("2:(inline-2):good"));
  CHECK(value["events"][2] == json("3:(inline-3):nil"));
  CHECK(value["events"][4] == json("5:(inline-5):true"));
  CHECK(value["ctx_task"] == json("hello"));
  CHECK(value["ctx_untouched"] == json(true));
}

TEST_CASE("alc.pipe runs packages through require(name).run; load and shape errors raise",
          "[prelude]") {
  vm_harness harness;
  const auto value = run_value(harness, R"lua(
    local ran = {}
    local packages = {
      upper = {run = function(c) ran[#ran + 1] = "upper" c.result = c.task:upper() return c end},
      exclaim = {run = function(c) c.result = c.task .. "!" return c end},
      broken = {},
      silent = {run = function(c) end},
    }
    require = function(name)
      return packages[name] or error("module '" .. name .. "' not found", 0)
    end
    local a = alc.pipe({"upper", "exclaim"}, {task = "hi"})
    local function err(...) local ok, e = pcall(alc.pipe, ...) return ok and "no error" or e end
    return {a.result, a.task, a.pipe_history[1].strategy,
            err({"upper", "missing"}, {task = "x"}, {on_error = "skip"}),
            err({"broken"}, {task = "x"}),
            err({"silent"}, {task = "x"}, {on_error = "skip"}),
            err({"upper", 5}, {task = "x"}), #ran})lua");
  CHECK(value == json::array({"HI!", "HI", "upper",
                              "alc.pipe: failed to load strategy 'missing': module 'missing' "
                              "not found",
                              "alc.pipe: strategy 'broken' must export run(ctx)",
                              "alc.pipe: strategy 'silent' must return a table (ctx)",
                              "alc.pipe: strategy[2] must be a string or function",
                              3}));  // a stage is resolved when reached: upper ran first
}

TEST_CASE("alc.pipe loads package stages with the host's require from the package paths",
          "[prelude]") {
  namespace fs = std::filesystem;
  const fs::path root =
      fs::temp_directory_path() /
      ("alc_prelude_pipe_" +
       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::remove_all(root);
  const auto write = [&](const std::string& name, const std::string& code) {
    fs::create_directories(root / name);
    std::ofstream(root / name / "init.lua") << code;
  };
  write("shout",
        "local M = {} function M.run(ctx) ctx.result = ctx.task:upper() "
        "return ctx end return M");
  write("ask",
        "return {run = function(ctx) ctx.result = alc.llm('about ' .. ctx.task) "
        "return ctx end}");
  vm_harness harness;
  auto options = harness.options();
  options.package_paths = {root.string()};
  auto vm = harness.make(R"lua(
    local out = alc.pipe({"shout", "ask"}, {task = "tea"})
    local ok, err = pcall(alc.pipe, {"nowhere"}, {task = "tea"}, {on_error = "skip"})
    return {out.result, ok, err})lua",
                         json::object(), options);
  std::vector<llm_query> seen;
  const auto value = run_answering(
      *vm, [](const llm_query&) { return "hot"; }, &seen);
  fs::remove_all(root);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].prompt == "about TEA");
  CHECK(value[0] == json("hot"));
  CHECK(value[1] == json(false));
  CHECK_THAT(value[2].get<std::string>(),
             Catch::StartsWith("alc.pipe: failed to load strategy 'nowhere': ") &&
                 Catch::Contains("module 'nowhere' not found"));
}

TEST_CASE("alc.pipe on_error: abort lets the stage's error through, anything else records it",
          "[prelude]") {
  vm_harness harness;
  const auto aborted = error_of(harness, R"lua(
    alc.pipe({function(c) c.result = "a" return c end, function(c) error("boom", 0) end,
              function(c) error("never") end}, {}))lua");
  CHECK_THAT(aborted, Catch::StartsWith("boom"));  // unwrapped
  CHECK(run_value(harness, R"lua(
    local ok, e = pcall(alc.pipe, {function() error({code = 7}) end}, {})
    return e.code)lua") == json(7));

  const auto value = run_value(harness, R"lua(
    local stages = {function(c) c.result = c.task .. "1" return c end,
                    function(c) error("bad " .. c.task, 0) end,
                    function(c) c.result = "[" .. c.task .. "]" return c end}
    local out = {}
    for _, mode in ipairs({"skip", "continue", "anything"}) do
      out[mode] = alc.pipe(stages, {task = "t"}, {on_error = mode})
    end
    return out)lua");
  for (const char* mode : {"skip", "continue", "anything"}) {
    INFO(mode);
    const json& out = value[mode];
    CHECK(out["result"] == json("[t1]"));
    CHECK(out["task"] == json("t1"));  // the failed stage left the ctx unchanged
    CHECK(out["pipe_history"] == json::array({{{"strategy", "(inline-1)"}, {"result", "t1"}},
                                              {{"strategy", "(inline-2)"}, {"error", "bad t1"}},
                                              {{"strategy", "(inline-3)"}, {"result", "[t1]"}}}));
  }
  REQUIRE(harness.logs->size() == 3);
  CHECK(
      harness.logs->at(0) ==
      std::make_pair(log_level::warn, std::string("alc.pipe: stage '(inline-2)' failed: bad t1")));
}

TEST_CASE("alc.pipe: a stage may return a fresh table, which keeps the history", "[prelude]") {
  vm_harness harness;
  CHECK(run_value(harness, R"lua(
    local out = alc.pipe({function(c) c.result = "first" return c end,
                          function(c) return {result = c.task .. "+fresh"} end},
                         {task = "t", shared = 1})
    return {out.result, out.shared == nil, #out.pipe_history, out.pipe_history[1].result})lua") ==
        json::array({"first+fresh", true, 2, "first"}));
}

TEST_CASE("alc.pipe validates its arguments with the original's messages", "[prelude]") {
  vm_harness harness;
  CHECK_THAT(error_of(harness, "alc.pipe({}, {})"),
             Catch::Contains("script:1: alc.pipe: strategies must be a non-empty array"));
  CHECK_THAT(error_of(harness, "alc.pipe('cot', {})"),
             Catch::Contains("alc.pipe: strategies must be a non-empty array"));
  CHECK_THAT(error_of(harness, "alc.pipe({'cot'})"),
             Catch::Contains("script:1: alc.pipe: ctx must be a table"));
  CHECK_THAT(error_of(harness, "alc.pipe({'cot'}, {}, 'skip')"),
             Catch::Contains("alc.pipe: opts must be a table, got string"));
}
