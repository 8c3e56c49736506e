// The sandbox's table.move, table.insert and table.remove (they check the
// slice deadline, lua_bridge/sandbox_table.cpp) behave as Lua 5.4's: the
// same results, the same errors, the same accesses in the same order, as a
// logging proxy shows. Each case runs in a script_vm and in stock Lua.
#include <string>

#include "tests/lua_bridge/stock_parity.hpp"

using namespace alc;
using namespace alc::test;

namespace {

// `proxy(t)` logs every read, write and length of `t`; `dump(t)` prints
// t[0..6] and the log.
constexpr const char* table_helpers = R"(
local log = {}
local function proxy(t)
  return setmetatable({}, {
    __index = function(_, k) log[#log + 1] = "r" .. tostring(k) return t[k] end,
    __newindex = function(_, k, v) log[#log + 1] = "w" .. tostring(k) .. "=" .. tostring(v) t[k] = v end,
    __len = function() log[#log + 1] = "#" return #t end,
  })
end
local function dump(t)
  local out = {}
  for i = 0, 6 do out[#out + 1] = tostring(rawget(t, i)) end
  return table.concat(out, ",") .. " log:" .. table.concat(log, " ")
end
)";

}  // namespace

TEST_CASE("table.move, insert and remove behave exactly as Lua 5.4's", "[vm][table]") {
  vm_harness harness;
  const char* cases[] = {
      // move: forwards, backwards over an overlap, into another table, nothing to move
      "local t = {1, 2, 3, 4, 5} table.move(t, 1, 3, 2) return dump(t)",
      "local t = {1, 2, 3, 4, 5} table.move(t, 2, 5, 1) return dump(t)",
      "local a, b = {1, 2, 3}, {} return show(table.move(a, 1, 3, 2, b) == b) .. dump(b)",
      "local t = {1, 2} return show(table.move(t, 3, 1, 1) == t) .. dump(t)",
      "local t = {1, 2, 3} local p = proxy(t) table.move(p, 1, 3, 2) return dump(t)",
      "local t = {1, 2, 3} local p = proxy(t) table.move(p, 2, 3, 1) return dump(t)",
      "local a, b = {1, 2, 3}, {} table.move(proxy(a), 1, 2, 4, proxy(b)) return dump(b)",
      "local a = {1, 2} local p = proxy(a) table.move(p, 1, 2, 2, p) return dump(a)",
      // move: its errors
      "return show(pcall(table.move, {}, math.mininteger, 0, 1))",
      "return show(pcall(table.move, {1, 2}, 1, 2, math.maxinteger))",
      "return show(pcall(table.move, 1, 1, 1, 1))",
      "return show(pcall(table.move, {}, 1.5, 2, 1))",
      "return show(pcall(table.move, {}, 1, 2))",
      "return show(pcall(table.move, {}, 1, 2, 1, 'x'))",
      "return show(pcall(table.move, 'abc', 1, 3, 1, {}))",
      "return show(pcall(table.move, setmetatable({}, {__index = {}}), 1, 2, 1, "
      "setmetatable({}, {__index = {}})))",
      // insert
      "local t = {1, 2, 3} table.insert(t, 4) return dump(t)",
      "local t = {1, 2, 3} table.insert(t, 1, 0) return dump(t)",
      "local t = {1, 2, 3} table.insert(t, 4, 'end') return dump(t)",
      "local t = {1, 2, 3} table.insert(proxy(t), 2, 'x') return dump(t)",
      "return show(pcall(table.insert, {1, 2}, 0, 'x'))",
      "return show(pcall(table.insert, {1, 2}, 4, 'x'))",
      "return show(pcall(table.insert, {1, 2}, 1, 2, 3))",
      "return show(pcall(table.insert, {1, 2}))",
      "return show(pcall(table.insert, nil, 1))",
      "return show(pcall(table.insert, {}, 'a', 1))",
      "return show(pcall(table.insert, setmetatable({}, {__len = function() return 'x' end}), 1))",
      // remove
      "local t = {1, 2, 3} return show(table.remove(t)) .. dump(t)",
      "local t = {1, 2, 3} return show(table.remove(t, 1)) .. dump(t)",
      "local t = {1, 2, 3} return show(table.remove(t, 4)) .. dump(t)",
      "local t = {} return show(table.remove(t)) .. dump(t)",
      "local t = {[0] = 'zero'} return show(table.remove(t, 0)) .. dump(t)",
      "local t = {} return show(table.remove(t, 1)) .. dump(t)",
      "local t = {1, 2, 3} return show(table.remove(proxy(t), 2)) .. dump(t)",
      "return show(pcall(table.remove, {1, 2, 3}, 5))",
      "return show(pcall(table.remove, {1, 2, 3}, -1))",
      "return show(pcall(table.remove, 'abc'))",
      // methods on strings and error names through a local alias
      "local move = table.move return show(pcall(move, {}, 'x', 1, 1))",
      "local t = {} local ok, e = pcall(function() table.insert(t, 1, 2, 3) end) return show(ok, "
      "e)",
  };
  for (const char* body : cases) {
    const std::string code = std::string(show) + table_helpers + body;
    INFO(body);
    CHECK(sandboxed(harness, code) == stock_lua(code));
  }
}
