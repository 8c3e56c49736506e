// alc's string.find, match, gmatch and gsub (lua_bridge/sandbox_string.cpp,
// pattern_matcher.cpp) against stock Lua 5.4's, linked in the same process.
// The input picks a call: the function, a subject, a pattern, init, plain,
// a replacement of each kind and a limit. The same script runs in a
// script_vm and in a stock lua_State and must show the same values or the
// same error text (tests/lua_bridge/show_values.hpp).
//
// Stock's matcher cannot be stopped, so inputs whose backtracking could run
// long there are cut down first (fewer quantifiers on longer subjects).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include <fuzzer/FuzzedDataProvider.h>
#include <lua.hpp>

#include "lua_bridge/chunk_cache.hpp"
#include "lua_bridge/script_vm.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/vm_driver.hpp"
#include "tests/lua_bridge/show_values.hpp"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// The call, read from `ctx` (strings as byte arrays: JSON text is UTF-8).
constexpr const char* call_lua = R"lua(
local function bytes(t) return string.char(table.unpack(t)) end
local s, p = bytes(ctx.s), bytes(ctx.p)
local replacements = {
  function() return bytes(ctx.r) end,
  function() return {a = "A", b = false, [" "] = 1.5, [1] = "one", ["("] = {}} end,
  function() return function(...) return select("#", ...) .. table.concat({...}, ",") end end,
  function() return function(c) if c == "a" then return nil end return c end end,
  function() return 7 end,
}
local function call()
  if ctx.op == 0 then return string.find(s, p, ctx.init, ctx.plain) end
  if ctx.op == 1 then return string.match(s, p, ctx.init) end
  if ctx.op == 2 then return each(string.gmatch(s, p, ctx.init)) end
  return string.gsub(s, p, replacements[ctx.rk + 1](), ctx.n)
end
return show(pcall(call))
)lua";

const std::string& script() {
  static const std::string code = std::string(alc::test::show_values_lua) + call_lua;
  return code;
}

json byte_array(const std::string& text) {
  json out = json::array();
  for (const char c : text) out.push_back(static_cast<unsigned char>(c));
  return out;
}

std::size_t quantifiers(const std::string& pattern) {
  std::size_t count = 0;
  for (const char c : pattern) count += c == '*' || c == '+' || c == '-' || c == '?';
  return count;
}

// Pushes `value` (from ctx: null, bool, integer, array of bytes) as Lua.
void push_json(lua_State* L, const json& value) {
  if (value.is_boolean()) {
    lua_pushboolean(L, value.get<bool>());
  } else if (value.is_number_integer()) {
    lua_pushinteger(L, value.get<lua_Integer>());
  } else if (value.is_array()) {
    lua_createtable(L, static_cast<int>(value.size()), 0);
    lua_Integer i = 0;
    for (const auto& item : value) {
      lua_pushinteger(L, item.get<lua_Integer>());
      lua_rawseti(L, -2, ++i);
    }
  } else {
    lua_pushnil(L);
  }
}

std::string stock_result(const json& ctx) {
  const std::unique_ptr<lua_State, decltype(&lua_close)> state(luaL_newstate(), &lua_close);
  lua_State* L = state.get();
  luaL_openlibs(L);
  lua_newtable(L);
  for (const auto& [key, value] : ctx.items()) {
    push_json(L, value);
    lua_setfield(L, -2, key.c_str());
  }
  lua_setglobal(L, "ctx");
  const std::string& code = script();
  if (luaL_loadbuffer(L, code.data(), code.size(), "=script") != LUA_OK ||
      lua_pcall(L, 0, 1, 0) != LUA_OK) {
    return std::string("script error: ") + lua_tostring(L, -1);
  }
  return lua_tostring(L, -1);
}

std::string alc_result(const json& ctx) {
  static const auto cache = std::make_shared<alc::chunk_cache>();
  alc::vm_options opts;
  opts.chunks = cache;
  opts.cpu_limit = 5'000ms;
  alc::vm_error error;
  auto vm = alc::script_vm::create(script(), ctx, std::move(opts), error);
  if (!vm) return "create failed: " + error.message;
  const auto outcome = alc::fuzz::run_to_end(
      *vm, [](alc::script_vm& machine, const alc::host_call&) { machine.answer_error("no"); },
      1'000, 10ms);
  if (!outcome) return "did not end";
  if (const auto* failed = std::get_if<alc::step_failed>(&*outcome)) {
    return "failed: " + failed->message;
  }
  const json& value = std::get<alc::step_done>(*outcome).value;
  return value.is_string() ? value.get<std::string>() : "not a string: " + value.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  json ctx = json::object();
  ctx["op"] = in.ConsumeIntegralInRange(0, 3);
  std::string pattern = in.ConsumeRandomLengthString(24);
  std::string subject = in.ConsumeRandomLengthString(64);
  // Stock backtracks (subject + 1) ^ quantifiers times at worst: keep it small.
  const std::size_t q = quantifiers(pattern);
  if (q > 6) return 0;
  const std::size_t longest = q > 4 ? 8 : q > 2 ? 12 : 64;
  if (subject.size() > longest) subject.resize(longest);
  ctx["p"] = byte_array(pattern);
  ctx["s"] = byte_array(subject);
  if (in.ConsumeBool()) ctx["init"] = in.ConsumeIntegralInRange<int64_t>(-70, 70);
  if (in.ConsumeBool()) ctx["plain"] = in.ConsumeBool();
  ctx["rk"] = in.ConsumeIntegralInRange(0, 4);
  ctx["r"] = byte_array(in.ConsumeRandomLengthString(8));
  if (in.ConsumeBool()) ctx["n"] = in.ConsumeIntegralInRange<int64_t>(-1, 5);

  const std::string stock = stock_result(ctx);
  const std::string ours = alc_result(ctx);
  alc::fuzz::require(ours == stock, "alc's string function differs from stock Lua's",
                     "ctx: " + ctx.dump() + "\nstock: " + stock + "\nalc:   " + ours);
  return 0;
}
