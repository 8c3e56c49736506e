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

local array_marker_mt  -- the metatable json_decode gives arrays, found lazily

-- An array: marked as one by the JSON layer, or non-empty with keys
-- exactly 1..n. An unmarked empty table is a dict (as in lua-api.md).
local function is_array(t)
  if array_marker_mt == nil then array_marker_mt = getmetatable(alc.json_decode("[]")) or false end
  local mt = getmetatable(t)
  if mt ~= nil and mt == array_marker_mt then return true end
  local n = #t
  if n == 0 then return false end
  local count = 0
  for k in pairs(t) do
    if mtype(k) ~= "integer" or k < 1 or k > n then return false end
    count = count + 1
  end
  return count == n
end

local function is_dict(v)
  return type(v) == "table" and not is_array(v)
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

-- Only keys of `defaults` survive (at every level); `_schema` is dropped at
-- every level. Dict + dict merge recursively; anything else (arrays,
-- scalars, a type change) is replaced by the override. An empty dict in
-- defaults is an open slot: an override dict replaces it whole. nil (JSON
-- null) in the overrides keeps the default. The result shares nothing with
-- the inputs.
local function merge(defaults, overrides)
  local out = {}
  for k, v in pairs(defaults) do
    if k ~= "_schema" then
      local o = overrides and overrides[k]
      if o == nil then
        out[k] = is_dict(v) and merge(v, nil) or deep_copy(v)
      elseif is_dict(v) and is_dict(o) and next(v) ~= nil then
        out[k] = merge(v, o)
      else
        out[k] = deep_copy(o)
      end
    end
  end
  return out
end

-- With opts.prefix the overrides are ctx[prefix] (ignored, with a warning,
-- when it is not a table).
function alc.tuning(defaults, ctx, opts)
  check_table("alc.tuning", "defaults", defaults)
  if ctx ~= nil and type(ctx) ~= "table" then
    error("alc.tuning: ctx must be a table, got " .. type(ctx), 2)
  end
  check_opts("alc.tuning", opts)
  local overrides = ctx
  local prefix = opts and opts.prefix
  if prefix ~= nil and ctx ~= nil then
    overrides = ctx[prefix]
    if overrides ~= nil and type(overrides) ~= "table" then
      alc.log("warn", "alc.tuning: ctx." .. tostring(prefix) .. " is not a table, ignored")
      overrides = nil
    end
  end
  return merge(defaults, overrides)
end

