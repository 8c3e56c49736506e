-- ---- budgets and tuning ----------------------------------------------------

-- As lua-api.md states: only llm_calls and elapsed_ms are checked (tokens
-- are not). True without a budget, or when alc.budget_remaining is absent.
function alc.budget_check()
  local remaining = alc.budget_remaining
  if remaining == nil then return true end
  local r = remaining()
  if type(r) ~= "table" then return true end
  local calls, elapsed = r.llm_calls, r.elapsed_ms
  if type(calls) == "number" and calls <= 0 then return false end
  if type(elapsed) == "number" and elapsed <= 0 then return false end
  return true
end

local function deep_copy(v, seen)
  if type(v) ~= "table" then return v end
  seen = seen or {}
  if seen[v] then return seen[v] end
  local out = {}
  seen[v] = out
  for k, x in pairs(v) do out[k] = deep_copy(x, seen) end
  local mt = getmetatable(v)
  if mt ~= nil and type(mt) == "table" then setmetatable(out, mt) end
  return out
end

-- The original's merge: for each key of defaults but `_schema`, a nil
-- source value keeps the default; a default that is a table without [1]
-- (a dict, or {}) meeting a table merges recursively (so an override under
-- an empty-table default is dropped, and an array override of a dict
-- default keeps the defaults); anything else takes the source value. Keys
-- not in defaults are dropped. Unlike the original, the result is a copy:
-- mutating it never changes the defaults or ctx.
local function merge(defaults, source)
  local out = {}
  for k, v in pairs(defaults) do
    if k ~= "_schema" then
      local o = source[k]
      if o == nil then
        out[k] = deep_copy(v)
      elseif type(v) == "table" and type(o) == "table" and v[1] == nil then
        out[k] = merge(v, o)
      else
        out[k] = deep_copy(o)
      end
    end
  end
  return out
end

-- Non-table defaults are returned as they are; a ctx that is not a table
-- gives no overrides. With opts.prefix, a table at ctx[prefix] is the
-- source; a non-table there is ignored with a warning (source {}); when
-- ctx[prefix] is absent the whole ctx is the source.
function alc.tuning(defaults, ctx, opts)
  if type(defaults) ~= "table" then return defaults end
  check_opts("alc.tuning", opts)
  local source = type(ctx) == "table" and ctx or {}
  local prefix = opts and opts.prefix
  if prefix then
    local ns = source[prefix]
    if type(ns) == "table" then
      source = ns
    elseif ns ~= nil then
      alc.log("warn", "alc.tuning: prefix '" .. safe_tostring(prefix)
              .. "' exists but is not a table, ignoring")
      source = {}
    end
  end
  return merge(defaults, source)
end
