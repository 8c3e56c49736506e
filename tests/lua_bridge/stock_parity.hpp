#pragma once
// Runs one script in a script_vm and in a plain Lua state with the stock
// libraries, for tests that pin the sandbox's replacements of standard
// functions to Lua 5.4's own behaviour.

#include <string>

#include <lua.hpp>

#include "tests/lua_bridge/vm_test_support.hpp"

namespace alc::test {

// Prints every value: type and text (functions, threads and tables by
// type only, their addresses differ).
inline constexpr const char* show = R"(
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

inline std::string stock_lua(const std::string& code) {
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

inline std::string sandboxed(const vm_harness& harness, const std::string& code) {
  auto vm = harness.make(code);
  const auto result = run_until_blocked(*vm);
  if (const auto* failed = std::get_if<step_failed>(&result)) {
    return "error: " + failed->message.substr(0, failed->message.find("\nstack traceback"));
  }
  const nlohmann::json value = require_done(result);
  return value.is_string() ? value.get<std::string>() : "(not a string)";
}

}  // namespace alc::test
