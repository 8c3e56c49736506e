// The sandbox replaces coroutine.resume, coroutine.wrap and coroutine.close
// (so host calls pass through the script's coroutines). Every case here
// runs twice, in a script_vm and in a plain Lua state with the stock
// libraries, and the two must print the same: the replacements are
// observably Lua 5.4's own.
#include <string>

#include "tests/lua_bridge/stock_parity.hpp"

using namespace alc;
using namespace alc::test;

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
      // coroutine.close: its refusals, its arguments, a failing __close
      "return show(pcall(coroutine.close, coroutine.running()))",
      "local outer = coroutine.running() local co = coroutine.create(function() "
      "return pcall(coroutine.close, outer) end) return show(coroutine.resume(co))",
      "return show(pcall(coroutine.close, 42))",
      "return show(pcall(coroutine.close))",
      "local co = coroutine.create(function() "
      "local a <close> = setmetatable({}, {__close = function() error('in close', 0) end}) "
      "coroutine.yield() end) coroutine.resume(co) "
      "return show(coroutine.close(co), coroutine.status(co))",
      "local co = coroutine.create(function() end) return show(coroutine.close(co))",
      // xpcall: results, the handler's arguments and result, yields through it
      "return show(xpcall(function(a, b) return a + b, 'x' end, print, 2, 3))",
      "return show(xpcall(error, function(m) return 'handled: ' .. tostring(m) end, 'e', 0))",
      "return show(xpcall(error, function(...) return select('#', ...) end, {code = 1}))",
      "return show(xpcall(function() error({code = 2}) end, function(e) return e end))",
      "return show(pcall(xpcall, print))",
      "return show(pcall(xpcall, print, 42))",
      "return show(xpcall(nil, function(m) return m end))",
      "local co = coroutine.wrap(function() return xpcall(function() "
      "return coroutine.yield(1) + 1 end, print) end) return show(co(), co(41))",
      "return show(xpcall(error, function() error('again', 0) end, 'e'))",
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
