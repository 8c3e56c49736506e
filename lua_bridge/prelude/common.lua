-- The alc prelude (Layer 1 of lua-api.md): helpers written in Lua on top of
-- the C primitives. Compiled once per process and run lazily, the first time
-- a script looks up a name the C library does not have.
local alc = ...

-- Everything below only defines functions: the top level stays cheap. The C
-- primitives (alc.llm, alc.llm_batch, alc.log, ...) are looked up at call
-- time, so a script that replaces one (a mock, a wrapper) is honoured.
-- Argument errors are raised at level 2: they point at the caller's line.

local type, pairs, ipairs, select, tostring, tonumber = type, pairs, ipairs, select, tostring, tonumber
local pcall, error, rawequal, next = pcall, error, rawequal, next
local getmetatable, setmetatable = getmetatable, setmetatable
local find, sub, byte, format = string.find, string.sub, string.byte, string.format
local lower, gsub, match, gmatch, rep = string.lower, string.gsub, string.match, string.gmatch, string.rep
local concat = table.concat
local floor, ceil, huge, tointeger, mtype = math.floor, math.ceil, math.huge, math.tointeger, math.type

local function check_table(who, what, v)
  if type(v) ~= "table" then
    error(format("%s: %s must be a table, got %s", who, what, type(v)), 3)
  end
end

local function check_function(who, what, v)
  if type(v) ~= "function" then
    error(format("%s: %s must be a function, got %s", who, what, type(v)), 3)
  end
end

-- opts may be nil or a table.
local function check_opts(who, opts)
  if opts ~= nil and type(opts) ~= "table" then
    error(format("%s: opts must be a table, got %s", who, type(opts)), 3)
  end
end

local function shallow_copy(t)
  local out = {}
  if t ~= nil then
    for k, v in pairs(t) do out[k] = v end
  end
  return out
end

local function trim(s)
  return (gsub(gsub(s, "^%s+", ""), "%s+$", ""))
end

-- tostring that never raises (a failing __tostring gives "<table>").
local function safe_tostring(v)
  local ok, s = pcall(tostring, v)
  if ok and type(s) == "string" then return s end
  return "<" .. type(v) .. ">"
end

