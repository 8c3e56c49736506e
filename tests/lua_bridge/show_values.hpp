#pragma once
// Lua that prints what a call gave, for comparing alc's string functions
// with stock Lua's (pattern_matching_test.cpp, tests/fuzz/fuzz_patterns.cpp):
// the same text from both sides means the same values. It uses only
// functions outside the ones compared (string.byte, string.char, table.*).

namespace alc::test {

/// Defines `show(...)`: the count, then each value's type and text, bytes
/// outside printable ASCII as \ddd (the text crosses JSON on the alc side);
/// and `each(iterator)`: show of every call until it gives nothing (at most 40).
constexpr const char* show_values_lua = R"lua(
local function escape(s)
  local out = {}
  for i = 1, #s do
    local b = s:byte(i)
    out[i] = (b >= 32 and b < 127 and b ~= 92) and string.char(b) or ("\\" .. b)
  end
  return table.concat(out)
end
local function show(...)
  local t, out = table.pack(...), {}
  for i = 1, t.n do
    local v = t[i]
    local kind = type(v)
    if kind == "string" then
      out[i] = "'" .. escape(v) .. "'"
    elseif kind == "number" then
      out[i] = math.type(v) .. ":" .. tostring(v)
    elseif kind == "nil" or kind == "boolean" then
      out[i] = tostring(v)
    else
      out[i] = kind
    end
  end
  return t.n .. "(" .. table.concat(out, ", ") .. ")"
end
-- Calls an iterator (gmatch) until it gives nothing, at most 40 times.
local function each(it)
  local out = {}
  for _ = 1, 40 do
    local t = table.pack(it())
    out[#out + 1] = show(table.unpack(t, 1, t.n))
    if t[1] == nil then break end
  end
  return table.concat(out, " ")
end
)lua";

}  // namespace alc::test
