// The sandbox replaces coroutine.resume and coroutine.wrap (so host calls
// pass through the script's coroutines). Every case here runs twice, in a
// script_vm and in a plain Lua state with the stock libraries, and the two
// must print the same: the replacements are observably Lua 5.4's own.
#include <string>

#include <lua.hpp>

#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

namespace {

// Prints every value: type and text (functions, threads and tables by
// type only, their addresses differ).
constexpr const char* show = R"(
local function show(...)
  local t, out = table.pack(...), {}
  for i = 1, t.n do
    local v = t[i]
    local kind = type(v)
    if kind == "table" then
      out[i] = "table:" .. tostring(rawget(v, "code"))
    elseif kind == "function" or kind == "thread" or kind == "userdata" then
      out[i] = kind
    else
      out[i] = kind .. ":" .. tostring(v)
    end
  end
  return table.concat(out, " | ")
end
)";

std::string stock_lua(const std::string& code) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  std::string out;
  if (luaL_loadbuffer(L, code.data(), code.size(), "=script") != LUA_OK ||
      lua_pcall(L, 0, 1, 0) != LUA_OK) {
    out = std::string("error: ") + lua_tostring(L, -1);
  } else {
    out = lua_tostring(L, -1) != nullptr ? lua_tostring(L, -1) : "(not a string)";
  }
  lua_close(L);
  return out;
}

std::string sandboxed(const vm_harness& harness, const std::string& code) {
  auto vm = harness.make(code);
  const auto result = run_until_blocked(*vm);
  if (const auto* failed = std::get_if<step_failed>(&result)) {
    return "error: " + failed->message.substr(0, failed->message.find("\nstack traceback"));
  }
  const json value = require_done(result);
  return value.is_string() ? value.get<std::string>() : "(not a string)";
}

}  // namespace

TEST_CASE("coroutine.resume and coroutine.wrap behave exactly as Lua 5.4's", "[vm][coroutine]") {
  vm_harness harness;
  // Each case is the body of a function run inside a coroutine, so that the
  // top level (a coroutine in alc, the main thread in lua5.4) does not matter.
  const char* cases[] = {
      // a coroutine resuming itself, through resume and through wrap
      "return show(coroutine.resume(coroutine.running()))",
      "local f f = coroutine.wrap(function() return f() end) return show(pcall(f))",
      "local f f = coroutine.wrap(function() return pcall(f) end) return show(f())",
      // dead coroutines
      "local co = coroutine.create(function() end) coroutine.resume(co) "
      "return show(coroutine.resume(co))",
      "local f = coroutine.wrap(function() end) f() return show(pcall(f))",
      // errors: strings get a position in wrap, other objects pass unchanged
      "return show(coroutine.resume(coroutine.create(function() error('boom') end)))",
      "return show(coroutine.resume(coroutine.create(function() error('boom', 0) end)))",
      "return show(pcall(coroutine.wrap(function() error('boom') end)))",
      "return show(pcall(coroutine.wrap(function() error({code = 7}) end)))",
      "return show(pcall(coroutine.wrap(function() error() end)))",
      "return show(coroutine.resume(coroutine.create(function() error(nil) end)))",
      // values in and out
      "local co = coroutine.create(function(a, b) local c, d = coroutine.yield(a + b, a * b) "
      "return c .. d, nil, 3 end) "
      "return show(coroutine.resume(co, 2, 5)) .. ' / ' .. show(coroutine.resume(co, 'x', 'y'))",
      "local f = coroutine.wrap(function(...) coroutine.yield(select('#', ...)) return ... end) "
      "return show(f(1, nil, 3)) .. ' / ' .. show(f())",
      // arguments that are not coroutines
      "return show(pcall(coroutine.resume, 42))",
      "return show(pcall(coroutine.resume))",
      "return show(pcall(coroutine.wrap, 42))",
      // status and close around errors and to-be-closed variables
      "local log = {} local f = coroutine.wrap(function() "
      "local x <close> = setmetatable({}, {__close = function() log[#log + 1] = 'closed' end}) "
      "error('inner', 0) end) "
      "local ok, e = pcall(f) return show(ok, e, log[1])",
      "local co = coroutine.create(function() coroutine.yield() end) coroutine.resume(co) "
      "return show(coroutine.status(co), coroutine.close(co), coroutine.status(co))",
      "local co = coroutine.create(function() error('x', 0) end) coroutine.resume(co) "
      "return show(coroutine.close(co))",
      // nested: an inner coroutine's error crossing an outer wrap
      "local outer = coroutine.wrap(function() "
      "local inner = coroutine.wrap(function() error('deep', 0) end) return pcall(inner) end) "
      "return show(outer())",
      "return show(coroutine.isyieldable(), coroutine.resume(coroutine.create(function() "
      "return coroutine.isyieldable() end)))",
  };
  for (const char* body : cases) {
    const std::string code =
        std::string(show) + "return coroutine.wrap(function() " + body + " end)()";
    INFO(body);
    CHECK(sandboxed(harness, code) == stock_lua(code));
  }
}
